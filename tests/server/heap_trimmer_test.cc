// HeapTrimmer (body_budget.h): the heap's free pages go back after large bodies, at most once a
// period however many bodies end, once within a period after the last, and never without one.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "body_budget.h"

namespace ledger::server::internal {
namespace {

using std::chrono::milliseconds;

TEST(HeapTrimmerTest, AtMostOneTrimAPeriodAndOneAfterTheLastBody) {
  HeapTrimmer trimmer(milliseconds(100));
  trimmer.Start();
  std::this_thread::sleep_for(milliseconds(250));
  EXPECT_EQ(trimmer.trims(), 0u);  // no large body, no trim
  // A burst: a body ends every millisecond for 500 ms.
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < milliseconds(500)) {
    trimmer.LargeBodyDone();
    std::this_thread::sleep_for(milliseconds(1));
  }
  const uint64_t during = trimmer.trims();
  EXPECT_GE(during, 2u);
  EXPECT_LE(during, 6u);  // 500 bodies, one trim a period
  // The last body's trim comes within a period; then nothing more.
  std::this_thread::sleep_for(milliseconds(250));
  const uint64_t after = trimmer.trims();
  EXPECT_GE(after, during);
  EXPECT_LE(after, during + 1);
  std::this_thread::sleep_for(milliseconds(250));
  EXPECT_EQ(trimmer.trims(), after);
  trimmer.Stop();
}

TEST(HeapTrimmerTest, StopsPromptly) {
  HeapTrimmer trimmer(std::chrono::hours(1));
  trimmer.Start();
  const auto start = std::chrono::steady_clock::now();
  trimmer.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
}

}  // namespace
}  // namespace ledger::server::internal
