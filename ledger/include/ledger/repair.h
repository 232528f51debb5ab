// Rebuilding the derived columns of a ledger from its verified entries (`ledger repair`).
//
// Everything the ledger stores besides the entries, the tree and the checkpoints is derived
// from the entries: the id and stream indexes, the stream heads, the key states, the log head's
// counters. When `ledger verify` finds one of them disagreeing with the entries (a record
// deleted or altered outside the ledger, a damaged file), the ledger refuses to open for appends
// until they are rebuilt. The vault is not derived (its sealed values exist nowhere else): repair
// removes vault records that no entry accounts for, and names those that are missing, which only
// a backup can bring back.
#ifndef LEDGER_REPAIR_H_
#define LEDGER_REPAIR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace ledger {

struct RepairOptions {
  // The ledger's verifier key as the operator holds it; when given, the ledger's record of its
  // key must match it (as for `ledger verify --vkey`).
  std::string verifier_key;
  // Called now and then with entries done and the total (verification, then the rebuild).
  std::function<void(std::string_view phase, uint64_t done, uint64_t total)> progress;
};

struct RepairReport {
  uint64_t entries = 0;
  // Records written per column ("ids", "streams", "stream_heads", "keys", "meta").
  std::map<std::string, uint64_t> records_written;
  uint64_t vault_records_removed = 0;
  // Vault records the entries call for but that are gone (column key, e.g. "v/<subject>@<seq>").
  std::vector<std::string> vault_records_missing;
  double seconds = 0;
};

// Verifies the ledger in `dir` as `ledger verify` does, less the derived columns; refuses
// (Corruption naming the check and entry) if that fails, since a rebuild is only as good as its
// entries. Then rebuilds every derived column from the entries, compacts them, and clears the
// mark that kept the ledger closed for appends while the rebuild ran (a crash during it leaves
// the mark: run it again). Unavailable if another process has the ledger open.
Result<RepairReport> RepairLedger(const std::string& dir, const RepairOptions& options);

}  // namespace ledger

#endif  // LEDGER_REPAIR_H_
