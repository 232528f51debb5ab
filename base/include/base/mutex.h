// The project's locks: std::mutex, std::shared_mutex and std::condition_variable behind thin
// inline wrappers that carry base/thread_annotations.h's attributes, so that clang's
// -Wthread-safety can check every LEDGER_GUARDED_BY member against the locks actually held. They
// cost nothing over the std types (each method is one inline call to the std one).
//
//   Mutex mu_;
//   CondVar changed_;
//   bool done_ LEDGER_GUARDED_BY(mu_) = false;
//
//   void Finish() LEDGER_EXCLUDES(mu_) {
//     {
//       MutexLock lock(mu_);
//       done_ = true;
//     }
//     changed_.SignalAll();
//   }
//   void AwaitDone() LEDGER_EXCLUDES(mu_) {
//     MutexLock lock(mu_);
//     while (!done_) changed_.Wait(mu_);
//   }
//
// Waits take no predicate: a lambda is a function of its own that holds no lock in the analysis's
// eyes, so the condition is a loop in the function that holds the lock.
#ifndef BASE_MUTEX_H_
#define BASE_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "base/thread_annotations.h"

namespace ledger {

// An exclusive, non-recursive lock (std::mutex). Not copyable or movable.
class LEDGER_CAPABILITY("mutex") Mutex {
 public:
  constexpr Mutex() noexcept = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() LEDGER_ACQUIRE() { mu_.lock(); }
  void Unlock() LEDGER_RELEASE() { mu_.unlock(); }
  // True if the lock was free and is now held by the caller.
  [[nodiscard]] bool TryLock() LEDGER_TRY_ACQUIRE(true) { return mu_.try_lock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds a Mutex for its scope. The second constructor takes over a Mutex the caller already holds
// (after a successful TryLock) and releases it at the end of the scope.
class LEDGER_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) LEDGER_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  MutexLock(Mutex& mu, std::adopt_lock_t) LEDGER_REQUIRES(mu) : mu_(mu) {}
  ~MutexLock() LEDGER_RELEASE() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

// A reader/writer lock (std::shared_mutex): many readers or one writer. Not copyable or movable.
class LEDGER_CAPABILITY("shared_mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void Lock() LEDGER_ACQUIRE() { mu_.lock(); }
  void Unlock() LEDGER_RELEASE() { mu_.unlock(); }
  void LockShared() LEDGER_ACQUIRE_SHARED() { mu_.lock_shared(); }
  void UnlockShared() LEDGER_RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a SharedMutex exclusively for its scope.
class LEDGER_SCOPED_CAPABILITY WriterMutexLock {
 public:
  explicit WriterMutexLock(SharedMutex& mu) LEDGER_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~WriterMutexLock() LEDGER_RELEASE() { mu_.Unlock(); }
  WriterMutexLock(const WriterMutexLock&) = delete;
  WriterMutexLock& operator=(const WriterMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Holds a SharedMutex shared for its scope.
class LEDGER_SCOPED_CAPABILITY ReaderMutexLock {
 public:
  explicit ReaderMutexLock(SharedMutex& mu) LEDGER_ACQUIRE_SHARED(mu) : mu_(mu) {
    mu_.LockShared();
  }
  ~ReaderMutexLock() LEDGER_RELEASE() { mu_.UnlockShared(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

// A condition variable (std::condition_variable) waited on with a Mutex held. Each wait releases
// `mu` while blocked and holds it again on return; it may return spuriously, so callers wait in a
// loop on their condition. One CondVar is used with one Mutex at a time.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  void Wait(Mutex& mu) LEDGER_REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }

  // False if `deadline` passed (the caller rechecks its condition either way). A wait for a
  // duration is a wait until now + duration, computed once before the loop. `deadline` is taken
  // by value: a guarded member passed here may change while `mu` is released.
  template <typename Clock, typename Duration>
  bool WaitUntil(Mutex& mu, std::chrono::time_point<Clock, Duration> deadline) LEDGER_REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.mu_, std::adopt_lock);
    const bool woken = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woken;
  }

  // Wakes one waiter, or all. The caller may hold the Mutex or not.
  void Signal() noexcept { cv_.notify_one(); }
  void SignalAll() noexcept { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace ledger

#endif  // BASE_MUTEX_H_
