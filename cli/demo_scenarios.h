// The demo's last step: each report's scenario cohort (`ledger generate --scenario`) signed and
// appended into a ledger of its own, replayed, and the reports' published figures printed beside
// the replayed ones (`ledger scenario`).
#ifndef LEDGER_CLI_DEMO_SCENARIOS_H_
#define LEDGER_CLI_DEMO_SCENARIOS_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "ledger/master_key.h"
#include "ledger/signing_key.h"

namespace ledger::cli {

// Prints step `step`. Makes `<dir>/scenario-drammen/data` and `<dir>/scenario-narvik/data`,
// ledgers whose checkpoints `ledger_key` signs and whose first admin is `admin`, with the vault
// under `master`. FailedPrecondition if a scenario's figures are not all within 10 %.
Status DemoScenarios(const std::string& dir, const SigningKey& ledger_key, const SigningKey& admin,
                     const MasterKey& master, uint64_t seed, int step);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_DEMO_SCENARIOS_H_
