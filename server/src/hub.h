// Fan-out of acknowledged entries to live subscribers.
//
// The hub learns of new durable entries from the server's append path (NotifyDurable, after an
// append was acknowledged) and, as a fallback, by polling the ledger's size. One tail thread
// reads each new entry once, renders it once (entry_json.h) and keeps the most recent ones in a
// cache bounded in bytes. Subscribers (subscription.h) move their own cursor over the cache;
// one that falls behind the cache's start reads from disk until it catches up. So:
//   - the writer never waits for a subscriber (the tail thread only reads);
//   - a slow subscriber costs memory only for the batch it is sending;
//   - every subscriber sees entries in seq order, each once, whatever its speed.
// Invariant: end() only grows, and every seq below end() is durable and readable.
#ifndef SERVER_SRC_HUB_H_
#define SERVER_SRC_HUB_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "entry_json.h"
#include "ledger/ledger.h"
#include "net.h"

namespace ledger::server::internal {

// A wake-up flag for one subscriber, living on its connection's strand.
class Waiter : public std::enable_shared_from_this<Waiter> {
 public:
  explicit Waiter(net::asio::any_io_executor strand) : timer_(std::move(strand)) {}
  // Thread-safe: the next (or current) Wait returns.
  void Wake();
  // On the strand: returns at once if woken since the last Wait, else after `timeout` or Wake.
  net::asio::awaitable<void> Wait(std::chrono::milliseconds timeout);

  // The subscriber's position (next seq it will consider), for the lag metric.
  std::atomic<uint64_t> position{0};

 private:
  net::asio::steady_timer timer_;
  bool woken_ = false;  // used only on the strand
};

class Hub {
 public:
  // `log` receives operator messages (read failures); may be empty.
  Hub(Ledger& ledger, size_t cache_bytes, std::function<void(std::string_view)> log);
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  void Start();
  // Marks the hub closing, wakes every subscriber (they send their final position and end) and
  // stops the tail thread. Idempotent.
  void Stop();
  bool closing() const { return closing_.load(); }

  // Called after an append was acknowledged: the ledger has at least `size` durable entries.
  void NotifyDurable(uint64_t size);

  // Entries below end() may be delivered.
  uint64_t end() const { return end_.load(); }

  // Appends to *out the cached entries [from, min(end(), from + max)). False if `from` is before
  // the cache's start: the caller reads from disk (ReadFromDisk).
  bool Take(uint64_t from, size_t max, std::vector<EntryPtr>* out) const;

  void Register(const std::shared_ptr<Waiter>& waiter);
  void Unregister(const std::shared_ptr<Waiter>& waiter);
  size_t subscribers() const;
  // end() minus the smallest subscriber position (0 without subscribers).
  uint64_t max_lag() const;

 private:
  void TailLoop();
  void WakeAll();

  Ledger& ledger_;
  const size_t cache_bytes_;
  std::function<void(std::string_view)> log_;

  std::atomic<uint64_t> end_{0};
  std::atomic<bool> closing_{false};

  mutable std::shared_mutex cache_mu_;
  std::deque<EntryPtr> cache_;  // GUARDED_BY(cache_mu_): seqs [cache_begin_, end_)
  uint64_t cache_begin_ = 0;    // GUARDED_BY(cache_mu_)
  size_t cached_bytes_ = 0;     // GUARDED_BY(cache_mu_)

  std::mutex tail_mu_;
  std::condition_variable tail_cv_;
  uint64_t target_ = 0;  // GUARDED_BY(tail_mu_)
  bool stop_tail_ = false;  // GUARDED_BY(tail_mu_)
  std::thread tail_;

  mutable std::mutex waiters_mu_;
  std::set<std::shared_ptr<Waiter>> waiters_;  // GUARDED_BY(waiters_mu_)
};

// Entries [from, min(end, from + max)) read from the ledger and rendered.
Result<std::vector<EntryPtr>> ReadFromDisk(Ledger& ledger, uint64_t from, uint64_t end,
                                           size_t max);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_HUB_H_
