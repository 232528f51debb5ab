#include "hub.h"

#include <algorithm>

namespace ledger::server::internal {
namespace {

// The tail thread reads at most this many entries before publishing them.
constexpr size_t kTailChunk = 1024;
// Without notifications (an append made elsewhere) the tail still looks this often.
constexpr std::chrono::milliseconds kTailPoll{200};

}  // namespace

void Waiter::Wake() {
  net::asio::post(timer_.get_executor(), [self = shared_from_this()] {
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

Hub::Hub(Ledger& ledger, size_t cache_bytes, std::function<void(std::string_view)> log)
    : ledger_(ledger), cache_bytes_(cache_bytes), log_(std::move(log)) {
  const uint64_t size = ledger_.Size();
  end_ = size;
  cache_begin_ = size;
  target_ = size;
}

Hub::~Hub() { Stop(); }

void Hub::Start() { tail_ = std::thread([this] { TailLoop(); }); }

void Hub::Stop() {
  {
    std::lock_guard<std::mutex> lock(tail_mu_);
    stop_tail_ = true;
  }
  tail_cv_.notify_all();
  if (tail_.joinable()) tail_.join();
  closing_ = true;
  WakeAll();
}

void Hub::NotifyDurable(uint64_t size) {
  {
    std::lock_guard<std::mutex> lock(tail_mu_);
    if (size <= target_) return;
    target_ = size;
  }
  tail_cv_.notify_one();
}

void Hub::TailLoop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(tail_mu_);
      tail_cv_.wait_for(lock, kTailPoll, [this] { return stop_tail_ || target_ > end_; });
      if (stop_tail_) return;
    }
    const uint64_t size = ledger_.Size();
    uint64_t from = end_.load();
    while (from < size) {
      auto batch = ReadFromDisk(ledger_, from, size, kTailChunk);
      if (!batch.ok()) {
        if (log_) log_("subscription tail cannot read entry " + std::to_string(from) + ": " +
                       batch.status().ToString());
        break;  // tried again at the next poll
      }
      if (batch->empty()) break;
      {
        std::unique_lock<std::shared_mutex> lock(cache_mu_);
        for (auto& e : *batch) {
          cached_bytes_ += e->json.size() + e->bytes.size() + e->stream.size() + 64;
          cache_.push_back(std::move(e));
        }
        while (cached_bytes_ > cache_bytes_ && cache_.size() > 1) {
          const auto& front = cache_.front();
          cached_bytes_ -= front->json.size() + front->bytes.size() + front->stream.size() + 64;
          cache_.pop_front();
          ++cache_begin_;
        }
        from = cache_begin_ + cache_.size();
        end_ = from;
      }
      WakeAll();
    }
  }
}

bool Hub::Take(uint64_t from, size_t max, std::vector<EntryPtr>* out) const {
  std::shared_lock<std::shared_mutex> lock(cache_mu_);
  if (from < cache_begin_) return false;
  const uint64_t end = cache_begin_ + cache_.size();
  for (uint64_t s = from; s < end && max > 0; ++s, --max) {
    out->push_back(cache_[s - cache_begin_]);
  }
  return true;
}

void Hub::Register(const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard<std::mutex> lock(waiters_mu_);
  waiters_.insert(waiter);
}

void Hub::Unregister(const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard<std::mutex> lock(waiters_mu_);
  waiters_.erase(waiter);
}

size_t Hub::subscribers() const {
  std::lock_guard<std::mutex> lock(waiters_mu_);
  return waiters_.size();
}

uint64_t Hub::max_lag() const {
  const uint64_t end = end_.load();
  uint64_t lag = 0;
  std::lock_guard<std::mutex> lock(waiters_mu_);
  for (const auto& w : waiters_) {
    const uint64_t p = w->position.load();
    if (p < end) lag = std::max(lag, end - p);
  }
  return lag;
}

void Hub::WakeAll() {
  std::lock_guard<std::mutex> lock(waiters_mu_);
  for (const auto& w : waiters_) w->Wake();
}

Result<std::vector<EntryPtr>> ReadFromDisk(Ledger& ledger, uint64_t from, uint64_t end,
                                           size_t max) {
  std::vector<EntryPtr> out;
  if (from >= end) return out;
  const uint64_t stop = std::min<uint64_t>(end, from + max);
  auto it = ledger.Scan(from);
  for (; it->Valid() && it->entry().seq < stop; it->Next()) {
    ASSIGN_OR_RETURN(EntryPtr e, MakeDeliveredEntry(it->entry()));
    out.push_back(std::move(e));
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace ledger::server::internal
