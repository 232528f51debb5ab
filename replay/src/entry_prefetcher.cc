#include "entry_prefetcher.h"

#include <pthread.h>

#include "base/mutex.h"

namespace ledger::replay {

EntryPrefetcher::EntryPrefetcher(Ledger& ledger, uint64_t from, uint64_t end) {
  reader_ = std::thread([this, &ledger, from, end] {
    ::pthread_setname_np(::pthread_self(), "replay-reader");
    Read(ledger, from, end);
  });
}

EntryPrefetcher::~EntryPrefetcher() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  changed_.SignalAll();
  reader_.join();
}

void EntryPrefetcher::Read(Ledger& ledger, uint64_t from, uint64_t end) {
  auto it = ledger.log().Scan(from, /*decode=*/false);
  EntryBatch batch;
  uint64_t seq = from;
  // Hands `batch` over, waiting while kMaxBatches are unread, and takes a spare one to fill
  // next; false if the consumer has gone.
  auto hand_over = [&]() {
    MutexLock lock(mu_);
    while (!stop_ && ready_.size() >= kMaxBatches) changed_.Wait(mu_);
    if (stop_) return false;
    ready_.push_back(std::move(batch));
    changed_.SignalAll();
    batch = EntryBatch();
    if (!spare_.empty()) {
      batch = std::move(spare_.back());
      spare_.pop_back();
    }
    batch.Clear();
    return true;
  };
  for (; seq < end && it->Valid(); it->Next(), ++seq) {
    batch.Add(it->entry().bytes);
    if (batch.size() == kBatchEntries && !hand_over()) return;
  }
  if (batch.size() > 0 && !hand_over()) return;
  MutexLock lock(mu_);
  status_ = it->status();
  done_ = true;
  changed_.SignalAll();
}

bool EntryPrefetcher::Next(EntryBatch* out) {
  MutexLock lock(mu_);
  if (out->size() > 0 && spare_.size() < kMaxBatches) spare_.push_back(std::move(*out));
  while (!done_ && ready_.empty()) changed_.Wait(mu_);
  if (ready_.empty()) return false;
  *out = std::move(ready_.front());
  ready_.pop_front();
  changed_.SignalAll();
  return true;
}

Status EntryPrefetcher::status() {
  MutexLock lock(mu_);
  return status_;
}

}  // namespace ledger::replay
