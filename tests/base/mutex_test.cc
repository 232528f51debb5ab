// Mutex, MutexLock, SharedMutex and CondVar: the std behaviour through the annotated wrappers.
// The annotations themselves are checked by scripts/check_thread_safety.sh (this file included).
#include "base/mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace ledger {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// A counter guarded the way product code guards its state.
class Counter {
 public:
  void Add(int n) LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    value_ += n;
  }
  int value() LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return value_;
  }

 private:
  Mutex mu_;
  int value_ LEDGER_GUARDED_BY(mu_) = 0;
};

TEST(MutexTest, MutexLockSerializesWriters) {
  Counter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 10000; ++i) counter.Add(1);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 40000);
}

// Whether another thread could take `mu` now (it releases it at once if so).
bool FreeForAnotherThread(Mutex& mu) {
  bool got = false;
  std::thread([&mu, &got] {
    if (mu.TryLock()) {
      got = true;
      mu.Unlock();
    }
  }).join();
  return got;
}

TEST(MutexTest, TryLockFailsWhileAnotherThreadHoldsTheLock) {
  Mutex mu;
  mu.Lock();
  EXPECT_FALSE(FreeForAnotherThread(mu));
  mu.Unlock();
  EXPECT_TRUE(FreeForAnotherThread(mu));
}

TEST(MutexTest, AdoptingMutexLockReleasesAtScopeEnd) {
  Mutex mu;
  {
    // (gtest's ASSERT_TRUE hides the branch from the analysis: an if that returns does not.)
    if (!mu.TryLock()) FAIL() << "the lock is free";
    MutexLock adopted(mu, std::adopt_lock);
    EXPECT_FALSE(FreeForAnotherThread(mu));
  }
  EXPECT_TRUE(FreeForAnotherThread(mu));
}

TEST(MutexTest, ReadersShareASharedMutexAndAWriterExcludesThem) {
  SharedMutex mu;
  std::atomic<int> readers_in{0};
  std::atomic<int> most_at_once{0};
  {
    // Two readers each wait, holding the lock shared, until both are inside.
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        ReaderMutexLock lock(mu);
        const int now = ++readers_in;
        int seen = most_at_once.load();
        while (now > seen && !most_at_once.compare_exchange_weak(seen, now)) {
        }
        const auto give_up = steady_clock::now() + std::chrono::seconds(10);
        while (readers_in.load() < 2 && steady_clock::now() < give_up) std::this_thread::yield();
      });
    }
    for (auto& thread : threads) thread.join();
  }
  EXPECT_EQ(most_at_once.load(), 2);

  int value = 0;
  std::thread writer;
  {
    ReaderMutexLock lock(mu);
    writer = std::thread([&mu, &value] {
      WriterMutexLock write(mu);
      value = 1;
    });
    std::this_thread::sleep_for(milliseconds(20));
    EXPECT_EQ(value, 0);  // the writer waits for the reader
  }
  writer.join();
  EXPECT_EQ(value, 1);
}

TEST(CondVarTest, WaitReturnsOnceSignalledWithTheConditionTrue) {
  Mutex mu;
  CondVar cv;
  bool ready = false;
  std::thread signaller([&] {
    std::this_thread::sleep_for(milliseconds(10));
    {
      MutexLock lock(mu);
      ready = true;
    }
    cv.SignalAll();
  });
  {
    MutexLock lock(mu);
    while (!ready) cv.Wait(mu);
    EXPECT_TRUE(ready);
  }
  signaller.join();
}

TEST(CondVarTest, SignalWakesOneWaiterAtATime) {
  Mutex mu;
  CondVar cv;
  int tickets = 0;
  int served = 0;
  std::vector<std::thread> waiters;
  for (int t = 0; t < 3; ++t) {
    waiters.emplace_back([&] {
      MutexLock lock(mu);
      while (tickets == 0) cv.Wait(mu);
      --tickets;
      ++served;
    });
  }
  for (int t = 0; t < 3; ++t) {
    {
      MutexLock lock(mu);
      ++tickets;
    }
    cv.Signal();
  }
  for (auto& waiter : waiters) waiter.join();
  MutexLock lock(mu);
  EXPECT_EQ(served, 3);
  EXPECT_EQ(tickets, 0);
}

TEST(CondVarTest, WaitUntilReportsTheTimeoutAndHoldsTheLockAgain) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(mu);
  const auto deadline = steady_clock::now() + milliseconds(20);
  // Spurious wake-ups return true early: wait until a call reports the timeout.
  while (cv.WaitUntil(mu, deadline)) {
  }
  EXPECT_GE(steady_clock::now(), deadline);
  EXPECT_FALSE(FreeForAnotherThread(mu));  // held again after the wait
}

TEST(CondVarTest, WaitUntilReturnsTrueWhenSignalledBeforeTheDeadline) {
  Mutex mu;
  CondVar cv;
  bool ready = false;
  std::thread signaller([&] {
    MutexLock lock(mu);
    ready = true;
    cv.SignalAll();
  });
  {
    MutexLock lock(mu);
    const auto deadline = steady_clock::now() + std::chrono::seconds(30);
    while (!ready && cv.WaitUntil(mu, deadline)) {
    }
    EXPECT_TRUE(ready);
    EXPECT_LT(steady_clock::now(), deadline);
  }
  signaller.join();
}

}  // namespace
}  // namespace ledger
