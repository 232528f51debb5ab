// Full verification of a log (what `ledger verify` and `ledger audit-verify` run): for every
// entry its canonical encoding, the catalogue's rules, the author's signature, that the author's
// key was registered with a role that allows the type and not revoked at that point, gapless
// seq and stream versions, never-decreasing recorded_at; that the Merkle tree rebuilt from the
// entries matches every stored tree node and the root of every signed checkpoint; and the
// checkpoints' signatures; that every derived column (id index, stream index, stream heads, key
// states, counters, vault records) agrees with the entries in both directions; that the store
// agrees with its anchor (the committed head and latest signed checkpoint kept outside it); and
// that the log extends every checkpoint the auditor holds. It stops at the first failure and
// names the entry (or column and key) and the cause.
#ifndef LEDGER_VERIFY_H_
#define LEDGER_VERIFY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "tlog/merkle.h"

namespace ledger {

// A checkpoint an auditor kept from earlier (a c2sp.org/tlog-checkpoint note): the log must
// extend it.
struct HeldCheckpoint {
  std::string name;  // how a failure names it, e.g. the file it came from
  std::string note;
};

struct VerifyOptions {
  // Entries in [from, to) get the full check; earlier ones are replayed for the key registry and
  // stream versions (decoded, not signature-checked). to = 0 means the end of the log.
  uint64_t from = 0;
  uint64_t to = 0;
  // The ledger's verifier key as the auditor holds it (`<name>+<id>+<base64>`). When given,
  // the ledger's own record of its key must match it; otherwise the stored identity is trusted.
  std::string verifier_key;
  // Checkpoints the auditor holds: each must verify with the ledger's key and the log must
  // extend it (its root at that size must match).
  std::vector<HeldCheckpoint> held_checkpoints;
  // Check the derived columns against the entries (VerifyLedger only; an export has none).
  // Meaningful only while nobody appends (the CLI opens read-only): if the log grows during the
  // run, a mismatch is reported as Unavailable ("derived columns"), not as damage.
  bool check_derived = true;
  // Threads for signature checks; 0 means every core.
  unsigned threads = 0;
  // Called now and then with the number of entries done and the total.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct VerifyReport {
  bool ok = true;
  // The first failure: the entry (if one is to blame) and what failed, e.g. "signature", or
  // the derived column ("ids", "streams", "stream_heads", "keys", "meta", "personal"), or
  // "anchor" or "held checkpoint".
  std::optional<uint64_t> failed_seq;
  std::string failed_check;
  Status failure;

  uint64_t entries_checked = 0;  // fully checked
  uint64_t entries_replayed = 0;
  uint64_t streams = 0;
  uint64_t keys = 0;
  uint64_t checkpoints_checked = 0;
  uint64_t tree_nodes_checked = 0;
  uint64_t held_checkpoints_checked = 0;
  bool derived_checked = false;  // every derived column was checked in both directions
  uint64_t size = 0;             // entries in the log
  tlog::Hash root{};             // root of the rebuilt tree over [0, size)
  double seconds = 0;
};

// Verifies an open ledger. The Result is an error only when verification could not run at all
// (for example an I/O error); a log that fails a check gives a report with ok = false.
Result<VerifyReport> VerifyLedger(Ledger& ledger, const VerifyOptions& options);

}  // namespace ledger

#endif  // LEDGER_VERIFY_H_
