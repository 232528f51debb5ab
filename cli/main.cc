// `ledger`: one binary, one subcommand per task (docs/cli.md).
#include <CLI/CLI.hpp>

#include "cli_common.h"
#include "commands.h"
#include "run_app.h"

int main(int argc, char** argv) {
  CLI::App app{
      "ledger: a signed, verifiable event ledger for municipal youth programmes.\n"
      "Every command takes --data DIR (default $LEDGER_DATA or ./ledger-data)."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every subcommand");
  // LEDGER_VERSION is the project's version (CMakeLists.txt), the one the Debian package carries.
  app.set_version_flag("--version", "ledger " LEDGER_VERSION, "Print the version and exit");
  int exit_code = ledger::cli::kExitOk;
  ledger::cli::RegisterKeyCommands(app, &exit_code);
  ledger::cli::RegisterAppendCommand(app, &exit_code);
  ledger::cli::RegisterReadCommands(app, &exit_code);
  ledger::cli::RegisterAuditCommands(app, &exit_code);
  ledger::cli::RegisterWitnessCommands(app, &exit_code);
  ledger::cli::RegisterCaseloadCommand(app, &exit_code);
  ledger::cli::RegisterOutcomesCommand(app, &exit_code);
  ledger::cli::RegisterComplianceCommand(app, &exit_code);
  ledger::cli::RegisterReportCommand(app, &exit_code);
  ledger::cli::RegisterServeCommands(app, &exit_code);
  ledger::cli::RegisterFollowCommand(app, &exit_code);
  ledger::cli::RegisterPrivacyCommands(app, &exit_code);
  ledger::cli::RegisterReleaseCommands(app, &exit_code);
  ledger::cli::RegisterGenerateCommand(app, &exit_code);
  ledger::cli::RegisterScenarioCommand(app, &exit_code);
  ledger::cli::RegisterBenchCommand(app, &exit_code);
  ledger::cli::RegisterBenchServerCommand(app, &exit_code);
  ledger::cli::RegisterBenchAttackCommand(app, &exit_code);
  ledger::cli::RegisterBenchReplicateCommand(app, &exit_code);
  ledger::cli::RegisterBenchCompareCommand(app, &exit_code);
  ledger::cli::RegisterDemoCommand(app, &exit_code);
  return ledger::cli::RunApp(app, argc, argv, &exit_code);
}
