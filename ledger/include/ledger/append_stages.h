// Where appends spend their time, stage by stage: for `ledger bench append` and for anyone
// tuning the append path. The counters are process-wide (every ledger of the process adds to
// them) and off by default; while on, each stage costs a read of the thread's CPU clock per
// event or per group (a system call, about 0.2 us).
#ifndef LEDGER_APPEND_STAGES_H_
#define LEDGER_APPEND_STAGES_H_

#include <cstdint>

namespace ledger {

// CPU nanoseconds spent in each stage since the last reset, summed over threads (write_ns alone
// is wall time).
struct AppendStageTimes {
  uint64_t events = 0;  // events the writer judged (appended, duplicates and refusals)
  uint64_t groups = 0;  // group commits (one synced write each)

  // In the appenders' threads, spread over the cores (ledger.h: AppendEach).
  uint64_t decode_ns = 0;  // decoding, validation, case facts, disclosures, content digest
  uint64_t verify_ns = 0;  // Ed25519 signature checks

  // In the single writer thread, per event.
  uint64_t id_index_ns = 0;  // the id index: is this id new, or a retry?
  uint64_t rules_ns = 0;     // the stream's head, expected version, author's key, case rules
  uint64_t tree_ns = 0;      // the entry's encoding, its leaf hash and the tree nodes it adds
  uint64_t records_ns = 0;   // index records, sealed personal values, the next stream head
  uint64_t apply_ns = 0;     // all of the writer's per-event work: the four above plus the
                             // bookkeeping of units and groups (copies, merges)

  // In the writer thread, per group.
  uint64_t write_ns = 0;       // the store's synced write, wall time
  uint64_t write_cpu_ns = 0;   // of which the writer thread's CPU (memtables, write-ahead log);
                               // the rest is waiting for the disk to sync (or for a core)
  uint64_t publish_ns = 0;     // after the write: caches, in-memory head, anchor file
  uint64_t checkpoint_ns = 0;  // signing checkpoints (and proving them consistent)
};

// Turns the counters on or off (they keep their values).
void EnableAppendStageTimes(bool on);
AppendStageTimes ReadAppendStageTimes();
void ResetAppendStageTimes();

}  // namespace ledger

#endif  // LEDGER_APPEND_STAGES_H_
