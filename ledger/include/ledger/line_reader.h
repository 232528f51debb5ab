// Lines of a stream read in bounded chunks, for `ledger append`'s JSON Lines input and a
// release's events.jsonl. A line longer than the limit is reported as soon as the reader has
// seen that many bytes of it, and the rest of it is skipped without being kept, so the reader
// holds at most the limit plus one chunk whatever the input: a 300 MB line without a newline
// costs no more than a short line.
#ifndef LEDGER_LINE_READER_H_
#define LEDGER_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string_view>
#include <vector>

namespace ledger {

class LineReader {
 public:
  enum class Kind {
    kLine,     // `text` is the line, without its '\n' (a '\r' before it is kept)
    kTooLong,  // the line has more than max_line_bytes before its '\n'; it is skipped
    kEnd,      // the input is exhausted
    kError,    // reading failed (and every later call says so too)
  };
  struct Next {
    Kind kind = Kind::kEnd;
    uint64_t number = 0;    // 1-based number of the line (kLine, kTooLong) or of the last line
    std::string_view text;  // kLine only; valid until the next call to Read
  };

  static constexpr size_t kDefaultChunkBytes = 64 * 1024;

  // REQUIRES: `in` outlives the reader; max_line_bytes > 0 and chunk_bytes > 0.
  LineReader(std::istream& in, size_t max_line_bytes, size_t chunk_bytes = kDefaultChunkBytes);

  // The next line, in input order. The last line needs no '\n'. Blank lines are returned too.
  Next Read();

  // Input bytes consumed so far: returned lines, their '\n' and skipped bytes.
  uint64_t bytes_consumed() const { return consumed_; }
  // The bytes the reader holds on to: max_line_bytes + chunk_bytes, fixed at construction.
  size_t buffer_capacity() const { return buf_.capacity(); }

 private:
  // Reads one chunk after the bytes held; false at the end of the input or on an error.
  bool Fill();

  std::istream& in_;
  const size_t max_line_;
  const size_t chunk_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;  // the bytes not yet consumed are buf_[begin_, end_)
  size_t scanned_ = 0;          // how many of them are known to hold no '\n'
  uint64_t line_ = 0;           // the number of the last line returned or skipped
  uint64_t consumed_ = 0;
  bool skipping_ = false;  // inside a line reported as too long
  bool at_end_ = false;
  bool failed_ = false;
};

}  // namespace ledger

#endif  // LEDGER_LINE_READER_H_
