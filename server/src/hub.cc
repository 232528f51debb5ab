#include "hub.h"

#include <pthread.h>

#include <algorithm>
#include <string>

#include "base/mutex.h"

namespace ledger::server::internal {
namespace {

// The tail thread reads at most this many entries before publishing them.
constexpr size_t kTailChunk = 1024;
// Without notifications (an append made elsewhere) the tail still looks this often.
constexpr std::chrono::milliseconds kTailPoll{200};
// A round waits at most this long for the previous one to be sent (see hub.h).
constexpr std::chrono::milliseconds kMaxRoundWait{200};
// While it waits, it looks this often.
constexpr std::chrono::milliseconds kRoundPoll{1};
// Renderings shared between subscribers (Rendered): the most recent ranges only.
constexpr size_t kMaxRenderings = 32;

size_t CachedBytes(const DeliveredEntry& e) {
  return e.json.size() + e.bytes.size() + e.stream.size() + 64;
}

}  // namespace

void Waiter::Wake() {
  if (wake_queued_.exchange(true)) return;  // the queued wake-up has not run yet
  net::asio::post(timer_.get_executor(), [self = shared_from_this()] {
    self->wake_queued_ = false;
    self->woken_ = true;
    self->timer_.cancel();
  });
}

net::asio::awaitable<void> Waiter::Wait(std::chrono::milliseconds timeout) {
  if (woken_) {
    woken_ = false;
    co_return;
  }
  timer_.expires_after(timeout);
  net::error_code ec;
  co_await timer_.async_wait(net::UseAwaitable(ec));
  woken_ = false;
}

Hub::Hub(Ledger& ledger, size_t cache_bytes, std::chrono::milliseconds delivery_interval,
         std::function<void(std::string_view)> log)
    : ledger_(ledger),
      cache_bytes_(cache_bytes),
      delivery_interval_(delivery_interval),
      log_(std::move(log)) {
  const uint64_t size = ledger_.log().Size();
  end_ = size;
  delivered_end_ = size;
  cache_begin_ = size;
  target_ = size;
}

Hub::~Hub() { Stop(); }

void Hub::Start() {
  tail_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "ledger-hub");
    TailLoop();
  });
}

void Hub::Stop() {
  {
    MutexLock lock(tail_mu_);
    stop_tail_ = true;
  }
  tail_cv_.SignalAll();
  if (tail_.joinable()) tail_.join();
  closing_ = true;
  WakeAll();
}

void Hub::NotifyDurable(uint64_t size) {
  {
    MutexLock lock(tail_mu_);
    if (size <= target_) return;
    target_ = size;
  }
  tail_cv_.Signal();
}

void Hub::TailLoop() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_delivery{};
  bool pending = false;  // entries in [delivered_end, end) wait for the next round
  for (;;) {
    {
      MutexLock lock(tail_mu_);
      // The next round is due at the interval, or later if the last one is still being sent;
      // with none pending, the tail looks again after kTailPoll.
      const auto due = pending
                           ? std::max(last_delivery + delivery_interval_, Clock::now() + kRoundPoll)
                           : Clock::now() + kTailPoll;
      while (!stop_tail_ && target_ <= end_ && tail_cv_.WaitUntil(tail_mu_, due)) {
      }
      if (stop_tail_) return;
    }
    const uint64_t size = ledger_.log().Size();
    if (size > end_.load()) {
      if (subscribers() == 0) {
        // Nobody to deliver to: forget the cache rather than read and render for no one.
        WriterMutexLock lock(cache_mu_);
        cache_.clear();
        cached_bytes_ = 0;
        cache_begin_ = size;
        end_ = size;
        delivered_end_ = size;
        pending = false;
        continue;
      }
      if (ReadNew(size)) pending = pending || end_.load() > delivered_end_.load();
    }
    const auto now = Clock::now();
    if (pending && now >= last_delivery + delivery_interval_ &&
        (now >= last_delivery + kMaxRoundWait || RoundSent())) {
      Deliver();
      last_delivery = now;
      pending = false;
    }
  }
}

bool Hub::ReadNew(uint64_t size) {
  uint64_t from = end_.load();
  while (from < size) {
    auto batch = ReadFromDisk(ledger_, from, size, kTailChunk);
    if (!batch.ok()) {
      if (log_) {
        log_("subscription tail cannot read entry " + std::to_string(from) + ": " +
             batch.status().ToString());
      }
      return false;  // tried again at the next poll
    }
    if (batch->empty()) break;
    WriterMutexLock lock(cache_mu_);
    for (auto& e : *batch) {
      cached_bytes_ += CachedBytes(*e);
      cache_.push_back(std::move(e));
    }
    // Invariant: the cache keeps every entry not yet delivered (those are at its end).
    while (cached_bytes_ > cache_bytes_ && cache_.size() > 1 &&
           cache_begin_ < delivered_end_.load()) {
      cached_bytes_ -= CachedBytes(*cache_.front());
      cache_.pop_front();
      ++cache_begin_;
    }
    from = cache_begin_ + cache_.size();
    end_ = from;
  }
  return true;
}

void Hub::Deliver() {
  const uint64_t previous = delivered_end_.load();
  delivered_end_ = end_.load();
  deliveries_.fetch_add(1);
  MutexLock lock(waiters_mu_);
  round_live_ = 0;
  for (const auto& w : waiters_) {
    if (w->position.load() >= previous) ++round_live_;
    w->Wake();
  }
}

bool Hub::RoundSent() const {
  const uint64_t end = delivered_end_.load();
  MutexLock lock(waiters_mu_);
  size_t sent = 0;
  for (const auto& w : waiters_) {
    if (w->position.load() >= end) ++sent;
  }
  const size_t live = std::min(round_live_, waiters_.size());
  return sent + live / 100 >= live;
}

bool Hub::Take(uint64_t from, size_t max, std::vector<EntryPtr>* out) const {
  ReaderMutexLock lock(cache_mu_);
  if (from < cache_begin_) return false;
  const uint64_t end = std::min(cache_begin_ + cache_.size(), delivered_end_.load());
  for (uint64_t s = from; s < end && max > 0; ++s, --max) {
    out->push_back(cache_[s - cache_begin_]);
  }
  return true;
}

std::shared_ptr<const std::string> Hub::Rendered(int kind, uint64_t from, uint64_t to,
                                                 const std::function<std::string()>& render) {
  MutexLock lock(renderings_mu_);
  for (auto it = renderings_.rbegin(); it != renderings_.rend(); ++it) {
    if (it->kind == kind && it->from == from && it->to == to) return it->text;
  }
  // Made under the lock: the subscribers that want the same range wait for it rather than
  // render it again.
  auto text = std::make_shared<const std::string>(render());
  renderings_.push_back(Rendering{kind, from, to, text});
  if (renderings_.size() > kMaxRenderings) renderings_.pop_front();
  return text;
}

void Hub::Register(const std::shared_ptr<Waiter>& waiter) {
  MutexLock lock(waiters_mu_);
  waiters_.insert(waiter);
}

void Hub::Unregister(const std::shared_ptr<Waiter>& waiter) {
  MutexLock lock(waiters_mu_);
  waiters_.erase(waiter);
}

size_t Hub::subscribers() const {
  MutexLock lock(waiters_mu_);
  return waiters_.size();
}

uint64_t Hub::max_lag() const {
  const uint64_t end = end_.load();
  uint64_t lag = 0;
  MutexLock lock(waiters_mu_);
  for (const auto& w : waiters_) {
    const uint64_t p = w->position.load();
    if (p < end) lag = std::max(lag, end - p);
  }
  return lag;
}

void Hub::WakeAll() {
  MutexLock lock(waiters_mu_);
  for (const auto& w : waiters_) w->Wake();
}

Result<std::vector<EntryPtr>> ReadFromDisk(Ledger& ledger, uint64_t from, uint64_t end,
                                           size_t max) {
  std::vector<EntryPtr> out;
  if (from >= end) return out;
  const uint64_t stop = std::min<uint64_t>(end, from + max);
  auto it = ledger.log().Scan(from);
  for (; it->Valid() && it->entry().seq < stop; it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(EntryPtr e, MakeDeliveredEntry(it->entry()));
    out.push_back(std::move(e));
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace ledger::server::internal
