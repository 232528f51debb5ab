#include "base/aligned_words.h"

#include <cassert>
#include <cstring>

namespace ledger {

AlignedWords::AlignedWords() = default;
AlignedWords::~AlignedWords() = default;

const uint64_t* AlignedWords::Align(std::string_view bytes) {
  // Invariant: callers pass whole words (see the header).
  assert(bytes.size() % sizeof(uint64_t) == 0);
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(uint64_t) == 0) {
    return reinterpret_cast<const uint64_t*>(bytes.data());
  }
  const size_t n = bytes.size() / sizeof(uint64_t);
  if (n > capacity_) {
    words_ = std::make_unique<uint64_t[]>(n);
    capacity_ = n;
  }
  std::memcpy(words_.get(), bytes.data(), bytes.size());
  return words_.get();
}

}  // namespace ledger
