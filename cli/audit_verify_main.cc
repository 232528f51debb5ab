// `ledger-audit-verify`: the auditor's check of an export on its own, linked without RocksDB
// (ledger_verify and ledger_cli_base only): the same command as `ledger audit-verify`.
#include <CLI/CLI.hpp>

#include "audit_verify_command.h"
#include "cli_common.h"

int main(int argc, char** argv) {
  CLI::App app{
      "ledger-audit-verify: verify an exported directory (`ledger audit-export`) with only the "
      "ledger's verifier key; links no storage."};
  app.set_version_flag("--version", "ledger-audit-verify " LEDGER_VERSION,
                       "Print the version and exit");
  int exit_code = ledger::cli::kExitOk;
  ledger::cli::SetUpAuditVerify(&app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? ledger::cli::kExitOk : ledger::cli::kExitUsage;
  }
  return exit_code;
}
