// A thread that runs a task once every period until stopped: the one loop behind the server's
// background checks (the revocation watch, the heap trimmer). Stop wakes it at once and joins.
#ifndef SERVER_SRC_PERIODIC_THREAD_H_
#define SERVER_SRC_PERIODIC_THREAD_H_

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

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
      std::unique_lock<std::mutex> lock(mu_);
      while (!stopping_) {
        wake_.wait_for(lock, period, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        tick();
        lock.lock();
      }
    });
  }

  // Ends the thread (a tick in progress finishes first). Idempotent.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_PERIODIC_THREAD_H_
