// What the publisher's and the follower's threads wait on: a stop flag that ends every wait,
// and a wake-up that ends the current (or next) one.
#ifndef REPLICATION_SRC_STOP_SIGNAL_H_
#define REPLICATION_SRC_STOP_SIGNAL_H_

#include <chrono>

#include "base/mutex.h"

namespace ledger::replication::internal {

class StopSignal {
 public:
  // Sets the flag and ends every wait. False if it was set already.
  bool Stop() LEDGER_EXCLUDES(mu_) {
    {
      MutexLock lock(mu_);
      if (stopped_) return false;
      stopped_ = true;
    }
    cv_.SignalAll();
    return true;
  }
  bool stopped() const LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return stopped_;
  }
  // Ends the current Pause, or the next one if none is waiting.
  void Wake() LEDGER_EXCLUDES(mu_) {
    {
      MutexLock lock(mu_);
      woken_ = true;
    }
    cv_.SignalAll();
  }
  // Waits `wait`, or until Stop() or Wake().
  void Pause(std::chrono::milliseconds wait) LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (!stopped_ && !woken_ && cv_.WaitUntil(mu_, deadline)) {
    }
    woken_ = false;
  }

 private:
  mutable Mutex mu_;
  CondVar cv_;
  bool stopped_ LEDGER_GUARDED_BY(mu_) = false;
  bool woken_ LEDGER_GUARDED_BY(mu_) = false;
};

}  // namespace ledger::replication::internal

#endif  // REPLICATION_SRC_STOP_SIGNAL_H_
