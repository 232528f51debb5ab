#include "ledger/line_reader.h"

#include <cstring>

namespace ledger {

LineReader::LineReader(std::istream& in, size_t max_line_bytes, size_t chunk_bytes)
    : in_(in), max_line_(max_line_bytes), chunk_(chunk_bytes) {
  // Invariant: before a chunk is read at most max_line_ bytes are held (more would have been a
  // line too long), so one chunk always fits after them once they are moved to the front.
  buf_.resize(max_line_ + chunk_);
}

bool LineReader::Fill() {
  if (at_end_ || failed_) return false;
  if (buf_.size() - end_ < chunk_) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  in_.read(buf_.data() + end_, static_cast<std::streamsize>(chunk_));
  const auto got = static_cast<size_t>(in_.gcount());
  end_ += got;
  if (got < chunk_) {
    if (in_.bad()) {
      failed_ = true;
    } else {
      at_end_ = true;
    }
  }
  return got > 0;
}

LineReader::Next LineReader::Read() {
  while (true) {
    if (failed_) return Next{Kind::kError, line_, {}};
    const char* held = buf_.data() + begin_;
    const size_t size = end_ - begin_;
    const auto* newline =
        static_cast<const char*>(std::memchr(held + scanned_, '\n', size - scanned_));
    if (skipping_) {
      if (newline != nullptr) {
        const size_t skipped = static_cast<size_t>(newline - held) + 1;
        consumed_ += skipped;
        begin_ += skipped;
        skipping_ = false;
      } else {
        consumed_ += size;
        begin_ = end_ = 0;
        if (!Fill()) return Next{failed_ ? Kind::kError : Kind::kEnd, line_, {}};
      }
      scanned_ = 0;
      continue;
    }
    if (newline != nullptr) {
      const size_t length = static_cast<size_t>(newline - held);
      consumed_ += length + 1;
      begin_ += length + 1;
      scanned_ = 0;
      if (length > max_line_) return Next{Kind::kTooLong, ++line_, {}};
      return Next{Kind::kLine, ++line_, std::string_view(held, length)};
    }
    scanned_ = size;
    if (size > max_line_) {
      // Refused now, before the rest of the line is read; it is skipped on the next call.
      consumed_ += size;
      begin_ = end_ = scanned_ = 0;
      skipping_ = true;
      return Next{Kind::kTooLong, ++line_, {}};
    }
    if (!Fill()) {
      if (failed_) return Next{Kind::kError, line_, {}};
      if (size == 0) return Next{Kind::kEnd, line_, {}};
      // The last line, without a '\n' (Fill may have moved it to the front).
      const char* last = buf_.data() + begin_;
      consumed_ += size;
      begin_ = end_;
      scanned_ = 0;
      return Next{Kind::kLine, ++line_, std::string_view(last, size)};
    }
  }
}

}  // namespace ledger
