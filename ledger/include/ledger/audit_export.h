// An auditor's offline copy of the log, as static c2sp.org/tlog-tiles files, and its
// verification with no RocksDB and no ledger key: only the verifier key.
//
// Layout of an export directory:
//   checkpoint             the latest signed checkpoint (its size N bounds everything below)
//   tile/<L>/<N>[.p/<W>]   hash tiles of the Merkle tree of N entries
//   tile/entries/<N>[.p/<W>] entry bundles (each entry: 2-byte big-endian length, then bytes)
//   keys.txt               the key registry at N, one line per key (for reading; verification
//                          rebuilds it from the key events in the entries)
#ifndef LEDGER_AUDIT_EXPORT_H_
#define LEDGER_AUDIT_EXPORT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"

namespace ledger {

struct ExportSummary {
  uint64_t size = 0;  // entries covered: the checkpoint's size
  uint64_t hash_tiles = 0;
  uint64_t entry_bundles = 0;
  uint64_t bytes = 0;
};

// Writes the export of everything covered by the latest checkpoint into `dir` (created; must be
// empty or absent). FailedPrecondition if no checkpoint has been signed.
Result<ExportSummary> ExportAudit(Ledger& ledger, const std::string& dir,
                                  const std::function<void(uint64_t, uint64_t)>& progress = {});

// Verifies an export directory with the ledger's verifier key (`<name>+<id>+<base64>`): the
// checkpoint's signature, every entry as VerifyLedger does, and every hash tile against the tree
// rebuilt from the entries. Errors in the Result mean it could not run (no checkpoint file,
// bad key); a failed check is a report with ok = false.
Result<VerifyReport> VerifyAuditExport(const std::string& dir, const std::string& verifier_key,
                                       const VerifyOptions& options);

}  // namespace ledger

#endif  // LEDGER_AUDIT_EXPORT_H_
