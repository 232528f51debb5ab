// The /v1/metrics gauges about signed checkpoints and their witnesses' cosignatures, read from
// the ledger at each scrape (docs/operations.md, "Metrics and alerts"):
//   ledger_checkpoint_size                     entries the latest signed checkpoint covers
//   ledger_checkpoint_age_seconds              age of the newest entry it covers (how stale the
//                                              state it attests is); absent without a checkpoint
//   ledger_uncheckpointed_entry_age_seconds    how long the oldest entry no checkpoint covers
//                                              has waited (0 when every entry is covered)
//   ledger_checkpoint_cosignatures             witness cosignatures on the latest checkpoint
//   ledger_witness_cosignature_age_seconds{witness}  age of each of them (by its timestamp)
#ifndef SERVER_SRC_TREE_METRICS_H_
#define SERVER_SRC_TREE_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"

namespace ledger::server::internal {

struct TreeGauges {
  uint64_t checkpoint_size = 0;
  std::optional<double> checkpoint_age_seconds;  // nullopt: no checkpoint (or it covers none)
  double uncheckpointed_entry_age_seconds = 0;
  // (witness name, seconds since its cosignature's timestamp), in the note's order.
  std::vector<std::pair<std::string, double>> cosignature_ages;
};

// Reads the latest checkpoint and the entries at its edges (two point reads) at `now_us`
// (microseconds since the epoch). Cosignatures are the note's signature lines of the
// c2sp.org/tlog-cosignature form (72 bytes after the key id: timestamp, Ed25519 signature);
// they were verified against the witness's key before the ledger kept them
// (VerifiableHistory::AddCosignatures). Corruption if the stored checkpoint does not parse.
Result<TreeGauges> ReadTreeGauges(Ledger& ledger, uint64_t log_size, int64_t now_us);

// The gauges in the Prometheus text format, with HELP and TYPE lines.
std::string RenderTreeGauges(const TreeGauges& gauges);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_TREE_METRICS_H_
