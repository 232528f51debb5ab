// Erasure that reaches the files (docs/privacy.md, "What erasure does").
//
// A subject.shredded deletes the subject's key and sealed values in the same atomic batch as
// its entry, and in that batch leaves a to-do record, meta "purge/" BE64(seq). Deleted records
// stay in the storage engine's files until they are rewritten; the purger rewrites them
// (KvStore::PurgeDeleted over the personal column, after flushing every memtable so that no
// write-ahead log holds them either) and only then deletes the to-do records it saw before it
// began. Invariants:
//   - a to-do record exists from the moment a shredding is durable until its deleted records
//     are absent from every file of the data directory; a crash at any instant leaves it, and
//     the next writable open works it off;
//   - the purge runs on its own thread: appends go on meanwhile (the compaction rewrites the
//     personal column only, without blocking other compactions);
//   - a purge that cannot finish (a reader holds a replaced file) leaves the to-do and is
//     retried, after 1 s and then up to every 60 s.
#ifndef LEDGER_SRC_ERASURE_PURGE_H_
#define LEDGER_SRC_ERASURE_PURGE_H_

#include <chrono>
#include <cstdint>
#include <thread>

#include "base/mutex.h"
#include "base/status.h"
#include "ledger/ledger.h"
#include "storage/kv_store.h"

namespace ledger::internal {

std::string PurgeKey(uint64_t shredded_seq);

class ErasurePurger {
 public:
  // Starts the thread; if to-do records are already stored (a purge a crash interrupted), a
  // purge starts at once.
  ErasurePurger(KvStore* store, std::chrono::milliseconds delay);
  // Lets a purge in progress finish, then stops. To-do records left are done at the next open.
  ~ErasurePurger();
  ErasurePurger(const ErasurePurger&) = delete;
  ErasurePurger& operator=(const ErasurePurger&) = delete;

  // A shredding is durable: purge after `delay` (later shreddings within it ride along).
  void Notify() LEDGER_EXCLUDES(mu_);
  // Purges now and waits for that pass: OK once every to-do record stored before the call is
  // done, else the pass's error (the to-do records stay and are retried).
  Status PurgeNow() LEDGER_EXCLUDES(mu_);
  ErasurePurgeState State() LEDGER_EXCLUDES(mu_);

 private:
  void Run() LEDGER_EXCLUDES(mu_);
  Status PurgeOnce();

  KvStore* const store_;
  const std::chrono::milliseconds delay_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ LEDGER_GUARDED_BY(mu_) = false;
  bool wanted_ LEDGER_GUARDED_BY(mu_) = false;
  std::chrono::steady_clock::time_point due_ LEDGER_GUARDED_BY(mu_);
  std::chrono::milliseconds backoff_ LEDGER_GUARDED_BY(mu_){0};
  uint64_t requested_ LEDGER_GUARDED_BY(mu_) = 0;  // passes asked for
  uint64_t finished_ LEDGER_GUARDED_BY(mu_) = 0;   // the latest request a pass finished
  uint64_t failed_ LEDGER_GUARDED_BY(mu_) = 0;     // the latest request a pass failed
  bool urgent_ LEDGER_GUARDED_BY(mu_) = false;     // PurgeNow is waiting: no backoff
  Status last_status_ LEDGER_GUARDED_BY(mu_);
  uint64_t passes_ LEDGER_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_ERASURE_PURGE_H_
