// audit-verify: an export checked with only the verifier key (docs/auditor-guide.md). Needs no
// store, so that both the `ledger audit-verify` subcommand and the storage-free
// `ledger-audit-verify` binary (audit_verify_main.cc) are this one command.
#ifndef LEDGER_CLI_AUDIT_VERIFY_COMMAND_H_
#define LEDGER_CLI_AUDIT_VERIFY_COMMAND_H_

#include <CLI/CLI.hpp>

namespace ledger::cli {

// Adds audit-verify's arguments and callback to `cmd` (a subcommand, or a whole app); the
// callback stores its exit code in *exit_code.
void SetUpAuditVerify(CLI::App* cmd, int* exit_code);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_AUDIT_VERIFY_COMMAND_H_
