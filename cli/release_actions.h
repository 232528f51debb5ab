// Release operations as a dpo performs them (ledger release, and the demo): the events of the
// `releases` stream, an export recorded in the ledger before it is published, and its summary.
#ifndef LEDGER_CLI_RELEASE_ACTIONS_H_
#define LEDGER_CLI_RELEASE_ACTIONS_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/ledger.h"
#include "ledger/master_key.h"
#include "ledger/signing_key.h"
#include "release/release.h"

namespace ledger::cli {

// An event of the `releases` stream by the dpo holding `key`, now.
nlohmann::ordered_json ReleaseEvent(const SigningKey& dpo, const std::string& type,
                                    const std::string& basis, nlohmann::ordered_json data);

struct RecordedExport {
  release::ExportSummary summary;
  uint64_t seq = 0;  // of release.exported
};
// Exports into `out_dir`, appends release.exported signed by `dpo`, then publishes. If the
// append fails nothing is published. Progress on a terminal.
Result<RecordedExport> ExportAndRecord(Ledger& ledger, const MasterKey& master,
                                       const SigningKey& ledger_key, const SigningKey& dpo,
                                       const release::ExportParams& params,
                                       const std::string& out_dir);

// The summary as an aligned table, with the agreement line.
std::string ExportSummaryText(const RecordedExport& recorded, const std::string& out_dir);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_RELEASE_ACTIONS_H_
