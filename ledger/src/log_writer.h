// The single writer: takes prepared events from any number of appender threads, checks what
// needs the ledger's state (id index, stream versions, keys and roles, case stream order),
// assigns gapless seq, per-stream version and non-decreasing recorded_at, and commits each group
// of waiting appends in one synced atomic write (group commit).
//
// Invariants: seq and version are assigned only here, in commit order; the committed state in
// memory (head, counters, key registry) changes only after the group's write succeeded. After a
// failed write every later append fails with that error (the ledger must be reopened, which
// reloads the state from disk).
#ifndef LEDGER_SRC_LOG_WRITER_H_
#define LEDGER_SRC_LOG_WRITER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "key_registry.h"
#include "ledger/status.h"
#include "ledger/types.h"
#include "prepared_event.h"
#include "records.h"
#include "storage/kv_store.h"

namespace ledger::internal {

class LogWriter {
 public:
  LogWriter(KvStore* store, KeyRegistry* keys, LedgerHeadRecord head,
            std::map<std::string, uint64_t> counts, std::function<int64_t()> clock,
            size_t max_group_events);
  // Finishes the appends already submitted, then stops the thread.
  ~LogWriter();

  // Appends `events` as independent units (atomic = false) or as one all-or-nothing unit, and
  // blocks until their group is durable or refused. One result per event, in order.
  std::vector<Result<AppendResult>> Submit(std::vector<PreparedEvent> events, bool atomic);

  LedgerHeadRecord head() const;
  std::map<std::string, uint64_t> counts() const;

 private:
  struct Job;
  struct Overlay;

  void Run();
  void CommitGroup(std::vector<Job*>& jobs);
  Status ApplyEvent(const PreparedEvent& p, const Overlay& group, Overlay& unit,
                    AppendResult* result);

  KvStore* const store_;
  KeyRegistry* const keys_;
  const std::function<int64_t()> clock_;
  const size_t max_group_events_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<Job*> queue_;                  // GUARDED_BY(mu_)
  bool stopping_ = false;                   // GUARDED_BY(mu_)
  LedgerHeadRecord head_;                   // GUARDED_BY(mu_)
  std::map<std::string, uint64_t> counts_;  // GUARDED_BY(mu_)
  Status failed_;  // Written only by the writer thread; read there.
  // Committed stream heads recently used, owned by the writer thread. Bounded: cleared when it
  // would exceed kMaxCachedStreamHeads; a miss reads the stream_heads column.
  static constexpr size_t kMaxCachedStreamHeads = 200000;
  std::unordered_map<std::string, StreamHeadRecord> head_cache_;
  std::thread thread_;
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_LOG_WRITER_H_
