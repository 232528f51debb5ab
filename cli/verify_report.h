// The report of a verification (ledger/verify.h) for people (a table, the failure on stderr)
// or programs (one JSON line), as `ledger verify`, `ledger audit-verify` and
// `ledger-audit-verify` print it (docs/cli.md).
#ifndef LEDGER_CLI_VERIFY_REPORT_H_
#define LEDGER_CLI_VERIFY_REPORT_H_

#include <string>

#include "ledger/verify.h"

namespace ledger::cli {

// `format` is "table" or "json"; `what` names the command. Returns kExitOk if the report is ok,
// else kExitCorruption.
int PrintReport(const VerifyReport& r, const std::string& format, const std::string& what);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_VERIFY_REPORT_H_
