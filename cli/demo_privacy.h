// The demo's privacy steps: consent decisions that allow and refuse, the archive duty refusing an
// erasure, and an erasure after which verification and proofs still pass.
#ifndef LEDGER_CLI_DEMO_PRIVACY_H_
#define LEDGER_CLI_DEMO_PRIVACY_H_

#include <string>

#include "ledger/ledger.h"
#include "ledger/signing_key.h"

namespace ledger::cli {

// Prints steps `first_step` and `first_step + 1`. `keys_dir` receives the dpo key.
Status DemoConsentAndErasure(Ledger& ledger, const SigningKey& admin, const std::string& keys_dir,
                             int first_step);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_DEMO_PRIVACY_H_
