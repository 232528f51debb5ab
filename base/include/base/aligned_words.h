// Bytes as 8-byte aligned words, for readers that read words in place (Cap'n Proto messages):
// the bytes themselves when they start on an 8-byte boundary (heap strings do), else a copy in a
// buffer that is reused, so that a loop over many messages allocates at most a few times.
#ifndef BASE_ALIGNED_WORDS_H_
#define BASE_ALIGNED_WORDS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace ledger {

// Not thread-safe: one per thread.
class AlignedWords {
 public:
  AlignedWords();
  ~AlignedWords();
  AlignedWords(const AlignedWords&) = delete;
  AlignedWords& operator=(const AlignedWords&) = delete;

  // The start of `bytes` as aligned words: `bytes.data()` itself if aligned, else a copy of
  // all of `bytes` in this object's buffer (grown, never shrunk). REQUIRES: `bytes.size()` is a
  // multiple of 8 (callers refuse other sizes first: a message is whole words). Valid while
  // `bytes` live and until the next call.
  const uint64_t* Align(std::string_view bytes);

 private:
  std::unique_ptr<uint64_t[]> words_;
  size_t capacity_ = 0;
};

}  // namespace ledger

#endif  // BASE_ALIGNED_WORDS_H_
