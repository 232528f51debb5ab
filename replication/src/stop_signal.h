// What the publisher's and the follower's threads wait on: a stop flag that ends every wait,
// and a wake-up that ends the current (or next) one.
#ifndef REPLICATION_SRC_STOP_SIGNAL_H_
#define REPLICATION_SRC_STOP_SIGNAL_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace ledger::replication::internal {

class StopSignal {
 public:
  // Sets the flag and ends every wait. False if it was set already.
  bool Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return false;
      stopped_ = true;
    }
    cv_.notify_all();
    return true;
  }
  bool stopped() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }
  // Ends the current Pause, or the next one if none is waiting.
  void Wake() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }
  // Waits `wait`, or until Stop() or Wake().
  void Pause(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, wait, [&] { return stopped_ || woken_; });
    woken_ = false;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;  // GUARDED_BY(mu_)
  bool woken_ = false;    // GUARDED_BY(mu_)
};

}  // namespace ledger::replication::internal

#endif  // REPLICATION_SRC_STOP_SIGNAL_H_
