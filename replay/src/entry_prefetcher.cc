#include "entry_prefetcher.h"

#include <pthread.h>

namespace ledger::replay {

EntryPrefetcher::EntryPrefetcher(Ledger& ledger, uint64_t from, uint64_t end) {
  reader_ = std::thread([this, &ledger, from, end] {
    ::pthread_setname_np(::pthread_self(), "replay-reader");
    Read(ledger, from, end);
  });
}

EntryPrefetcher::~EntryPrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  reader_.join();
}

void EntryPrefetcher::Read(Ledger& ledger, uint64_t from, uint64_t end) {
  auto it = ledger.Scan(from, /*decode=*/false);
  std::vector<std::string> batch;
  batch.reserve(kBatchEntries);
  uint64_t seq = from;
  // Hands `batch` over, waiting while kMaxBatches are unread; false if the consumer has gone.
  auto hand_over = [&]() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return stop_ || ready_.size() < kMaxBatches; });
    if (stop_) return false;
    ready_.push_back(std::move(batch));
    changed_.notify_all();
    batch = {};
    batch.reserve(kBatchEntries);
    return true;
  };
  for (; seq < end && it->Valid(); it->Next(), ++seq) {
    batch.push_back(it->entry().bytes);
    if (batch.size() == kBatchEntries && !hand_over()) return;
  }
  if (!batch.empty() && !hand_over()) return;
  std::lock_guard<std::mutex> lock(mu_);
  status_ = it->status();
  done_ = true;
  changed_.notify_all();
}

bool EntryPrefetcher::Next(std::vector<std::string>* out) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return done_ || !ready_.empty(); });
  if (ready_.empty()) return false;
  *out = std::move(ready_.front());
  ready_.pop_front();
  changed_.notify_all();
  return true;
}

Status EntryPrefetcher::status() {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

}  // namespace ledger::replay
