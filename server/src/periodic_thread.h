// A thread that runs a task once every period until stopped: the one loop behind the server's
// background checks (the revocation watch, the heap trimmer). Stop wakes it at once and joins.
#ifndef SERVER_SRC_PERIODIC_THREAD_H_
#define SERVER_SRC_PERIODIC_THREAD_H_

#include <pthread.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "base/mutex.h"

namespace ledger::server::internal {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Starts a thread named `name` (at most 15 characters: top -H, perf) that calls `tick` every
  // `period`, the first time one period from now. REQUIRES: not started.
  void Start(std::string name, std::chrono::milliseconds period, std::function<void()> tick) {
    thread_ = std::thread([this, name = std::move(name), period, tick = std::move(tick)] {
      ::pthread_setname_np(::pthread_self(), name.c_str());
      MutexLock lock(mu_);
      while (!stopping_) {
        const auto deadline = std::chrono::steady_clock::now() + period;
        while (!stopping_ && wake_.WaitUntil(mu_, deadline)) {
        }
        if (stopping_) break;
        mu_.Unlock();
        tick();
        mu_.Lock();
      }
    });
  }

  // Ends the thread (a tick in progress finishes first). Idempotent.
  void Stop() LEDGER_EXCLUDES(mu_) {
    {
      MutexLock lock(mu_);
      stopping_ = true;
    }
    wake_.SignalAll();
    if (thread_.joinable()) thread_.join();
  }

 private:
  Mutex mu_;
  CondVar wake_;
  bool stopping_ LEDGER_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_PERIODIC_THREAD_H_
