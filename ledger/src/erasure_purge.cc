#include "erasure_purge.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/mutex.h"
#include "records.h"

namespace ledger::internal {
namespace {

constexpr std::chrono::milliseconds kFirstRetry{1000};
constexpr std::chrono::milliseconds kLongestRetry{60000};

Result<std::vector<std::string>> PendingKeys(KvStore* store) {
  std::vector<std::string> keys;
  auto it = store->NewIterator(Column::kMeta);
  for (it->Seek(kMetaPurgePrefix); it->Valid() && it->key().starts_with(kMetaPurgePrefix);
       it->Next()) {
    keys.emplace_back(it->key());
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return keys;
}

}  // namespace

std::string PurgeKey(uint64_t shredded_seq) {
  return std::string(kMetaPurgePrefix) + EncodeBE64(shredded_seq);
}

ErasurePurger::ErasurePurger(KvStore* store, std::chrono::milliseconds delay)
    : store_(store), delay_(delay) {
  auto pending = PendingKeys(store_);
  if (!pending.ok() || !pending->empty()) {
    // Left by a process that stopped before purging (or unreadable now: the pass will say).
    wanted_ = true;
    requested_ = 1;
    due_ = std::chrono::steady_clock::now();
  }
  thread_ = std::thread([this] { Run(); });
}

ErasurePurger::~ErasurePurger() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.SignalAll();
  thread_.join();
}

void ErasurePurger::Notify() {
  {
    MutexLock lock(mu_);
    ++requested_;
    if (!wanted_) {
      wanted_ = true;
      due_ = std::chrono::steady_clock::now() + std::max(delay_, backoff_);
    }
  }
  cv_.SignalAll();
}

Status ErasurePurger::PurgeNow() {
  MutexLock lock(mu_);
  const uint64_t target = ++requested_;
  wanted_ = true;
  urgent_ = true;
  due_ = std::chrono::steady_clock::now();
  cv_.SignalAll();
  // The first pass that covers this request answers it, finished or failed.
  while (!stopping_ && finished_ < target && failed_ < target) cv_.Wait(mu_);
  if (finished_ >= target) return Status::Ok();
  if (failed_ >= target) return last_status_;
  return Status::Unavailable("the ledger is closing; the purge resumes when it is next opened");
}

ErasurePurgeState ErasurePurger::State() {
  ErasurePurgeState state;
  auto pending = PendingKeys(store_);
  state.pending = pending.ok() ? pending->size() : 0;
  MutexLock lock(mu_);
  state.passes = passes_;
  state.last_error = pending.ok() ? last_status_ : pending.status();
  return state;
}

void ErasurePurger::Run() {
  MutexLock lock(mu_);
  for (;;) {
    if (stopping_) return;
    if (!wanted_) {
      cv_.Wait(mu_);
      continue;
    }
    if (std::chrono::steady_clock::now() < due_) {
      cv_.WaitUntil(mu_, due_);
      continue;
    }
    const uint64_t covers = requested_;
    wanted_ = false;
    urgent_ = false;
    mu_.Unlock();
    Status s = PurgeOnce();
    mu_.Lock();
    ++passes_;
    last_status_ = s;
    if (s.ok()) {
      finished_ = std::max(finished_, covers);
      backoff_ = std::chrono::milliseconds(0);
    } else {
      failed_ = std::max(failed_, covers);
      // Try again later; the to-do records are still stored. Shreddings meanwhile wait for
      // the backoff too, unless PurgeNow asks.
      backoff_ = std::clamp(backoff_ * 2, kFirstRetry, kLongestRetry);
      wanted_ = true;
      if (!urgent_) due_ = std::chrono::steady_clock::now() + backoff_;
    }
    cv_.SignalAll();
  }
}

Status ErasurePurger::PurgeOnce() {
  // Only the to-do records seen before the rewrite began are done by it: a shredding that
  // commits meanwhile keeps its record for the next pass.
  LEDGER_ASSIGN_OR_RETURN(auto keys, PendingKeys(store_));
  if (keys.empty()) return Status::Ok();
  LEDGER_RETURN_IF_ERROR(store_->PurgeDeleted(Column::kPersonal).WithContext("erasure purge"));
  KvWriteBatch done;
  for (auto& key : keys) done.Delete(Column::kMeta, std::move(key));
  return store_->Write(done, /*sync=*/true).WithContext("erasure purge");
}

}  // namespace ledger::internal
