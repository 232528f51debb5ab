// libsodium's randomness and constant-time comparison as base/sodium.h promises them.
#include "base/sodium.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ledger {
namespace {

TEST(SodiumTest, RandomBytesHaveTheAskedSizeAndDoNotRepeat) {
  EXPECT_EQ(RandomBytes(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) {
    const std::string b = RandomBytes(16);
    ASSERT_EQ(b.size(), 16u);
    EXPECT_TRUE(seen.insert(b).second) << "a 128-bit random value repeated";
  }
  // Every byte value turns up in 64 KiB (a stuck or biased generator would miss some).
  const std::string big = RandomBytes(65536);
  std::set<unsigned char> values(big.begin(), big.end());
  EXPECT_EQ(values.size(), 256u);
}

TEST(SodiumTest, FirstUseFromManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> out(8);
  for (size_t i = 0; i < out.size(); ++i) {
    threads.emplace_back([&out, i] { out[i] = RandomBytes(32); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct(out.begin(), out.end());
  EXPECT_EQ(distinct.size(), out.size());
}

TEST(SodiumTest, ConstantTimeEqualComparesBytesAndSizes) {
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "bbc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", ""));
  EXPECT_TRUE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEqual(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace ledger
