// Where verification spends its time, stage by stage: for `ledger bench verify` and for anyone
// tuning it (the counterpart of ledger/append_stages.h). The counters are process-wide and off
// by default; while on, each stage costs a read of the thread's CPU clock per entry (a system
// call, about 0.2 us).
#ifndef LEDGER_VERIFY_STAGES_H_
#define LEDGER_VERIFY_STAGES_H_

#include <cstdint>

namespace ledger {

// CPU nanoseconds spent in each stage since the last reset, summed over threads.
struct VerifyStageTimes {
  uint64_t entries = 0;  // entries checked in order

  // On all cores, per entry (VerifyLedger's decoding threads).
  uint64_t leaf_hash_ns = 0;  // SHA-256 of the entry's bytes (its leaf)
  uint64_t decode_ns = 0;     // the stored entry decoded, its canonical bytes checked
  uint64_t prepare_ns = 0;    // the event decoded and validated against the catalogue
  uint64_t signature_ns = 0;  // Ed25519 checks by keys known before the batch
  uint64_t derived_ns = 0;    // the entry against its derived records (point lookups)

  // On the one thread that checks entries in order, per batch.
  uint64_t keys_ns = 0;      // keys as of each entry; signatures by keys of the batch itself
  uint64_t in_order_ns = 0;  // seq, recorded_at, versions, roles, case rules, the tree, roots
  uint64_t nodes_ns = 0;     // stored tree nodes compared with the entries' hashes
};

// Turns the counters on or off (they keep their values). The switch is the one of
// EnableAppendStageTimes: both kinds count while it is on.
void EnableVerifyStageTimes(bool on);
VerifyStageTimes ReadVerifyStageTimes();
void ResetVerifyStageTimes();

}  // namespace ledger

#endif  // LEDGER_VERIFY_STAGES_H_
