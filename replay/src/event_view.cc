#include "replay/event_view.h"

#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>
#include <string>

#include "entry.capnp.h"
#include "ledger/time_format.h"

namespace ledger::replay {
namespace {

// The entry format this decoder reads (docs/formats.md, "Entry").
constexpr uint16_t kEntryFormatVersion = 1;

capnp::ReaderOptions Limits() {
  capnp::ReaderOptions options;
  // An entry is at most 64 KiB (8192 words); the limit leaves room for every projection to read
  // every field a few times without letting damaged pointers make the reader walk far.
  options.traversalLimitInWords = 1 << 20;
  options.nestingLimit = 16;
  return options;
}

std::string_view AsView(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::string At(uint64_t seq) { return "entry at seq " + std::to_string(seq); }

}  // namespace

EventDecoder::EventDecoder() = default;
EventDecoder::~EventDecoder() = default;

const capnp::word* EventDecoder::Aligned(std::string_view bytes) {
  // Heap blocks are 16-byte aligned, so the bytes of an Entry can almost always be read where
  // they are; otherwise they are copied into the decoder's buffer (grown, never shrunk).
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    return reinterpret_cast<const capnp::word*>(bytes.data());
  }
  size_t n = bytes.size() / sizeof(capnp::word);
  if (n > capacity_) {
    words_ = std::make_unique<capnp::word[]>(n);
    capacity_ = n;
  }
  std::memcpy(words_.get(), bytes.data(), bytes.size());
  return words_.get();
}

Status EventDecoder::DecodeEvent(uint64_t seq, const capnp::word* words, size_t n, EventView* out) {
  event_reader_.reset();
  event_segment_[0] = kj::arrayPtr(words, n);
  event_reader_.emplace(kj::arrayPtr(event_segment_, 1), Limits());
  auto event = event_reader_->getRoot<schema::Event>();
  std::string_view occurred = AsView(event.getOccurredAt());
  auto occurred_us = ParseInstantMicros(occurred);
  if (!occurred_us.ok()) {
    return Status::Corruption(At(seq) + ": occurred_at is not an instant");
  }
  out->occurred_at_us_ = *occurred_us;
  out->type_ = event.getData().which();
  out->stream_ = AsView(event.getStream());
  out->subject_ = event.hasSubject() ? AsView(event.getSubject()) : std::string_view();
  out->event_ = event;
  return Status::Ok();
}

Status EventDecoder::DecodeEntryBytes(uint64_t seq, std::string_view entry_bytes, EventView* out) {
  if (entry_bytes.empty() || entry_bytes.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption(At(seq) + ": not a whole number of 8-byte words");
  }
  event_reader_.reset();
  entry_reader_.reset();
  const capnp::word* words = Aligned(entry_bytes);
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    entry_segment_[0] = kj::arrayPtr(words, entry_bytes.size() / sizeof(capnp::word));
    entry_reader_.emplace(kj::arrayPtr(entry_segment_, 1), Limits());
    auto entry = entry_reader_->getRoot<schema::Entry>();
    if (entry.getFormatVersion() != kEntryFormatVersion) {
      status = Status::Corruption(At(seq) + ": unknown entry format version " +
                                  std::to_string(entry.getFormatVersion()));
      return;
    }
    if (entry.getSeq() != seq) {
      status = Status::Corruption(At(seq) + " names seq " + std::to_string(entry.getSeq()));
      return;
    }
    out->seq_ = seq;
    out->version_ = entry.getVersion();
    out->recorded_at_us_ = entry.getRecordedAt();
    auto event = entry.getEvent();
    // Every object of a message starts on a word boundary of its segment, so the event's bytes
    // (themselves a whole message) can be read in place.
    if (event.size() == 0 || event.size() % sizeof(capnp::word) != 0 ||
        reinterpret_cast<uintptr_t>(event.begin()) % alignof(capnp::word) != 0) {
      status = Status::Corruption(At(seq) + ": the event is not a whole number of aligned words");
      return;
    }
    status = DecodeEvent(seq, reinterpret_cast<const capnp::word*>(event.begin()),
                         event.size() / sizeof(capnp::word), out);
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(At(seq) + ": " + e->getDescription().cStr());
  }
  return status;
}

Status EventDecoder::DecodeEntry(const Entry& entry, EventView* out) {
  const std::string& bytes = entry.event;
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption(At(entry.seq) + ": the event is not a whole number of words");
  }
  event_reader_.reset();
  entry_reader_.reset();
  const capnp::word* words = Aligned(bytes);
  out->seq_ = entry.seq;
  out->version_ = entry.version;
  out->recorded_at_us_ = entry.recorded_at_us;
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions(
      [&]() { status = DecodeEvent(entry.seq, words, bytes.size() / sizeof(capnp::word), out); });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(At(entry.seq) + ": " + e->getDescription().cStr());
  }
  return status;
}

}  // namespace ledger::replay
