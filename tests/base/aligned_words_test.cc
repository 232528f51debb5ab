#include "base/aligned_words.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace ledger {
namespace {

// 8-byte aligned storage and a view of its bytes starting at `offset`.
struct Buffer {
  alignas(8) char bytes[64] = {};
  std::string_view At(size_t offset, size_t size) const { return {bytes + offset, size}; }
};

TEST(AlignedWordsTest, AlignedBytesAreReadInPlace) {
  Buffer b;
  for (int i = 0; i < 64; ++i) b.bytes[i] = static_cast<char>(i);
  AlignedWords words;
  std::string_view view = b.At(8, 16);
  EXPECT_EQ(static_cast<const void*>(words.Align(view)), static_cast<const void*>(view.data()));
}

TEST(AlignedWordsTest, UnalignedBytesAreCopiedToAnAlignedBuffer) {
  Buffer b;
  for (int i = 0; i < 64; ++i) b.bytes[i] = static_cast<char>(i);
  AlignedWords words;
  std::string_view view = b.At(3, 24);
  const uint64_t* aligned = words.Align(view);
  EXPECT_NE(static_cast<const void*>(aligned), static_cast<const void*>(view.data()));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(aligned) % 8, 0u);
  EXPECT_EQ(std::memcmp(aligned, view.data(), view.size()), 0);
}

TEST(AlignedWordsTest, TheBufferGrowsForALargerInputAndIsReused) {
  Buffer b;
  for (int i = 0; i < 64; ++i) b.bytes[i] = static_cast<char>(i * 3);
  AlignedWords words;
  const uint64_t* small = words.Align(b.At(1, 8));
  const uint64_t* large = words.Align(b.At(1, 56));
  EXPECT_EQ(std::memcmp(large, b.bytes + 1, 56), 0);
  // A smaller input after a larger one fits the buffer that is there.
  const uint64_t* again = words.Align(b.At(5, 16));
  EXPECT_EQ(again, large);
  EXPECT_EQ(std::memcmp(again, b.bytes + 5, 16), 0);
  (void)small;
}

TEST(AlignedWordsTest, EmptyInputIsItsOwnPointerWhenAligned) {
  Buffer b;
  AlignedWords words;
  EXPECT_EQ(static_cast<const void*>(words.Align(b.At(0, 0))), static_cast<const void*>(b.bytes));
}

}  // namespace
}  // namespace ledger
