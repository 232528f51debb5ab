// `ledger-audit-verify`: the auditor's check of an export on its own, linked without RocksDB
// (ledger_verify and ledger_cli_base only): the same command as `ledger audit-verify`.
#include <CLI/CLI.hpp>

#include "audit_verify_command.h"
#include "cli_common.h"
#include "run_app.h"

int main(int argc, char** argv) {
  CLI::App app{
      "ledger-audit-verify: verify an exported directory (`ledger audit-export`) with only the "
      "ledger's verifier key; links no storage."};
  app.set_version_flag("--version", "ledger-audit-verify " LEDGER_VERSION,
                       "Print the version and exit");
  int exit_code = ledger::cli::kExitOk;
  ledger::cli::SetUpAuditVerify(&app, &exit_code);
  return ledger::cli::RunApp(app, argc, argv, &exit_code);
}
