// Privacy operations as a dpo performs them: building, signing and appending the events, and
// waiting after a shredding until the deleted values have left the files.
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
// Appends the shreddings one by one (progress on a terminal), then waits for the ledger's
// erasure purge (PersonalData::PurgeErased) so that the values are gone from the files on return.
Status ShredAndPurge(Ledger& ledger, const std::vector<nlohmann::ordered_json>& events,
                     const SigningKey& key, const std::string& label);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_PRIVACY_ACTIONS_H_
