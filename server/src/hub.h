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
//
// Delivery goes in rounds: a round moves delivered_end() to end() and wakes every subscriber.
// The first entry after a quiet spell starts a round at once; later rounds start at most once
// per `delivery_interval`, and not before the subscribers that were live (caught up) at the
// last round have sent it, all but 1% of them, or kMaxRoundWait has passed (so a slow consumer
// delays no one for long). Every subscriber thus sends one message per round instead of one per
// commit, and rounds grow with the load instead of piling up; subscribers at the same position
// send the same range, whose rendering is made once and shared (Rendered). While nobody
// subscribes, the tail thread reads and renders nothing: a later subscriber reads what it needs
// from disk.
// Invariant: delivered_end() <= end(); both only grow; every seq below end() is durable and
// readable.
#ifndef SERVER_SRC_HUB_H_
#define SERVER_SRC_HUB_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "entry_json.h"
#include "ledger/ledger.h"
#include "net.h"

namespace ledger::server::internal {

// A wake-up flag for one subscriber, living on its connection's strand.
class Waiter : public std::enable_shared_from_this<Waiter> {
 public:
  explicit Waiter(net::asio::any_io_executor strand) : timer_(std::move(strand)) {}
  // Thread-safe: the next (or current) Wait returns. At most one wake-up is queued on the
  // strand at a time (a second one would change nothing).
  void Wake();
  // On the strand: returns at once if woken since the last Wait, else after `timeout` or Wake.
  net::asio::awaitable<void> Wait(std::chrono::milliseconds timeout);

  // The subscriber's position (next seq it will consider), for the lag metric.
  std::atomic<uint64_t> position{0};

 private:
  net::asio::steady_timer timer_;
  bool woken_ = false;  // used only on the strand
  std::atomic<bool> wake_queued_{false};
};

class Hub {
 public:
  // `log` receives operator messages (read failures); may be empty.
  Hub(Ledger& ledger, size_t cache_bytes, std::chrono::milliseconds delivery_interval,
      std::function<void(std::string_view)> log);
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  void Start();
  // Marks the hub closing, wakes every subscriber (they send their final position and end) and
  // stops the tail thread. Idempotent.
  void Stop() LEDGER_EXCLUDES(tail_mu_, waiters_mu_);
  bool closing() const { return closing_.load(); }

  // Called after an append was acknowledged: the ledger has at least `size` durable entries.
  void NotifyDurable(uint64_t size) LEDGER_EXCLUDES(tail_mu_);

  // Entries below end() are durable and known to the hub (positions, acknowledgements).
  uint64_t end() const { return end_.load(); }
  // Entries below delivered_end() are offered to subscribers (see above).
  uint64_t delivered_end() const { return delivered_end_.load(); }

  // Appends to *out the cached entries [from, min(delivered_end(), from + max)). False if `from`
  // is before the cache's start: the caller reads from disk (ReadFromDisk).
  bool Take(uint64_t from, size_t max, std::vector<EntryPtr>* out) const LEDGER_EXCLUDES(cache_mu_);

  // A rendering of the entries [from, to) in one of a transport's formats (`kind`), made by
  // `render` the first time it is asked for and shared with every later caller while it is
  // among the most recent few. REQUIRES: the rendering depends only on (kind, from, to): the
  // caller sends every entry of the range, unfiltered.
  std::shared_ptr<const std::string> Rendered(int kind, uint64_t from, uint64_t to,
                                              const std::function<std::string()>& render)
      LEDGER_EXCLUDES(renderings_mu_);

  void Register(const std::shared_ptr<Waiter>& waiter) LEDGER_EXCLUDES(waiters_mu_);
  void Unregister(const std::shared_ptr<Waiter>& waiter) LEDGER_EXCLUDES(waiters_mu_);
  size_t subscribers() const LEDGER_EXCLUDES(waiters_mu_);
  // end() minus the smallest subscriber position (0 without subscribers).
  uint64_t max_lag() const LEDGER_EXCLUDES(waiters_mu_);
  // Delivery rounds so far (each moved delivered_end() and woke every subscriber).
  uint64_t deliveries() const { return deliveries_.load(); }

 private:
  void TailLoop() LEDGER_EXCLUDES(tail_mu_, cache_mu_, waiters_mu_);
  // Reads entries [end(), size) into the cache; false if a read failed.
  bool ReadNew(uint64_t size) LEDGER_EXCLUDES(cache_mu_);
  // Moves delivered_end() to end() and wakes every subscriber.
  void Deliver() LEDGER_EXCLUDES(waiters_mu_);
  // Whether the subscribers live at the last round have sent it (all but 1%).
  bool RoundSent() const LEDGER_EXCLUDES(waiters_mu_);
  void WakeAll() LEDGER_EXCLUDES(waiters_mu_);

  Ledger& ledger_;
  const size_t cache_bytes_;
  const std::chrono::milliseconds delivery_interval_;
  std::function<void(std::string_view)> log_;

  std::atomic<uint64_t> end_{0};
  std::atomic<uint64_t> delivered_end_{0};
  std::atomic<uint64_t> deliveries_{0};
  size_t round_live_ = 0;  // used by the tail thread only: live subscribers at the last round
  std::atomic<bool> closing_{false};

  struct Rendering {
    int kind;
    uint64_t from, to;
    std::shared_ptr<const std::string> text;
  };
  Mutex renderings_mu_;
  std::deque<Rendering> renderings_ LEDGER_GUARDED_BY(renderings_mu_);  // most recent last

  mutable SharedMutex cache_mu_;
  std::deque<EntryPtr> cache_ LEDGER_GUARDED_BY(cache_mu_);  // seqs [cache_begin_, end_)
  uint64_t cache_begin_ LEDGER_GUARDED_BY(cache_mu_) = 0;
  size_t cached_bytes_ LEDGER_GUARDED_BY(cache_mu_) = 0;

  Mutex tail_mu_;
  CondVar tail_cv_;
  uint64_t target_ LEDGER_GUARDED_BY(tail_mu_) = 0;
  bool stop_tail_ LEDGER_GUARDED_BY(tail_mu_) = false;
  std::thread tail_;

  mutable Mutex waiters_mu_;
  std::set<std::shared_ptr<Waiter>> waiters_ LEDGER_GUARDED_BY(waiters_mu_);
};

// Entries [from, min(end, from + max)) read from the ledger and rendered.
Result<std::vector<EntryPtr>> ReadFromDisk(Ledger& ledger, uint64_t from, uint64_t end, size_t max);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_HUB_H_
