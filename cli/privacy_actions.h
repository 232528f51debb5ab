// Privacy operations as a dpo performs them: building, signing and appending the events, and
// compacting after a shredding so that deleted values leave the files.
#ifndef LEDGER_CLI_PRIVACY_ACTIONS_H_
#define LEDGER_CLI_PRIVACY_ACTIONS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/signing_key.h"

namespace ledger::cli {

// A case event by the dpo holding `key`, at `at_us` (whole seconds).
nlohmann::ordered_json DpoEvent(const SigningKey& key, const std::string& subject,
                                const std::string& type, nlohmann::ordered_json data,
                                const std::string& legal_basis, int64_t at_us);
Result<AppendResult> AppendSigned(Ledger& ledger, const SigningKey& key,
                                  const nlohmann::ordered_json& event);
// Appends the shreddings one by one (progress on a terminal), then compacts the store.
Status ShredAndCompact(Ledger& ledger, const std::vector<nlohmann::ordered_json>& events,
                       const SigningKey& key, const std::string& label);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_PRIVACY_ACTIONS_H_
