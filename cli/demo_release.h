// The demo's release step: the dpo approves a release for an evaluator, exports it, and the
// evaluator checks and replays it; the replayed outcomes are printed beside the ledger's own.
#ifndef LEDGER_CLI_DEMO_RELEASE_H_
#define LEDGER_CLI_DEMO_RELEASE_H_

#include <string>

#include "ledger/ledger.h"
#include "ledger/master_key.h"
#include "ledger/signing_key.h"

namespace ledger::cli {

// Prints step `step`. Reads the dpo key the privacy steps wrote into `keys_dir`; writes the
// release into `out_dir`.
Status DemoRelease(Ledger& ledger, const MasterKey& master, const SigningKey& ledger_key,
                   const std::string& keys_dir, const std::string& out_dir, int step);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_DEMO_RELEASE_H_
