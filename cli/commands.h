// Each group of subcommands registers itself on the top-level app; a subcommand's callback
// stores its exit code in *exit_code.
#ifndef LEDGER_CLI_COMMANDS_H_
#define LEDGER_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace ledger::cli {

void RegisterKeyCommands(CLI::App& app, int* exit_code);      // init, keygen, keys, vkey
void RegisterAppendCommand(CLI::App& app, int* exit_code);    // append
void RegisterReadCommands(CLI::App& app, int* exit_code);     // read, stats
void RegisterGenerateCommand(CLI::App& app, int* exit_code);  // generate
void RegisterScenarioCommand(CLI::App& app, int* exit_code);  // scenario
void RegisterBenchCommand(CLI::App& app, int* exit_code);     // bench
void RegisterDemoCommand(CLI::App& app, int* exit_code);      // demo
// checkpoint, prove, consistency, entry, verify, verify-proof, audit-export, audit-verify
void RegisterAuditCommands(CLI::App& app, int* exit_code);
void RegisterWitnessCommands(CLI::App& app, int* exit_code);    // witness serve, witness push
void RegisterCaseloadCommand(CLI::App& app, int* exit_code);    // caseload
void RegisterOutcomesCommand(CLI::App& app, int* exit_code);    // outcomes
void RegisterComplianceCommand(CLI::App& app, int* exit_code);  // compliance
void RegisterReportCommand(CLI::App& app, int* exit_code);      // report --html
void RegisterServeCommands(CLI::App& app, int* exit_code);      // serve, tokens, access-log
void RegisterFollowCommand(CLI::App& app, int* exit_code);      // follow (a verified replica)
// bench server; REQUIRES: RegisterBenchCommand ran first.
void RegisterBenchServerCommand(CLI::App& app, int* exit_code);
// bench attack; REQUIRES: RegisterBenchCommand ran first.
void RegisterBenchAttackCommand(CLI::App& app, int* exit_code);
// bench replicate; REQUIRES: RegisterBenchCommand ran first.
void RegisterBenchReplicateCommand(CLI::App& app, int* exit_code);
// bench compare (against PostgreSQL); REQUIRES: RegisterBenchCommand ran first.
void RegisterBenchCompareCommand(CLI::App& app, int* exit_code);
// consent check|show, erasure request|decide|shred, retention run, policy show|set
void RegisterPrivacyCommands(CLI::App& app, int* exit_code);
// release approve|export, replay DIR outcomes|check
void RegisterReleaseCommands(CLI::App& app, int* exit_code);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_COMMANDS_H_
