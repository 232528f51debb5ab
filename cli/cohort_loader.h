// Signs and appends a stream of JSON event lines (the synthetic cohort) into a ledger: each
// event is signed by the key registered for its actor's role, in batches that keep the input's
// order. Used by `demo` and the benchmarks.
#ifndef LEDGER_CLI_COHORT_LOADER_H_
#define LEDGER_CLI_COHORT_LOADER_H_

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"

namespace ledger::cli {

// Keys by actor role ("caseworker", "service", ...).
using KeysByRole = std::map<std::string, SigningKey>;

// Signs lines on all cores; each line's actor.role picks the key.
Result<std::vector<SignedEvent>> SignCohortLines(const std::vector<std::string>& lines,
                                                 const KeysByRole& keys);

struct LoadSummary {
  uint64_t appended = 0;
  uint64_t refused = 0;
  Status first_error;
  double seconds = 0;
};

// Appends `events` in order, in batches, showing progress on a terminal.
LoadSummary AppendInBatches(Ledger& ledger, const std::vector<SignedEvent>& events,
                            size_t batch_size, const std::string& label);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_COHORT_LOADER_H_
