// The end of every main() of the project's command-line binaries (`ledger`,
// `ledger-audit-verify`): parse, run the chosen callback, map the outcome to an exit code.
#ifndef LEDGER_CLI_RUN_APP_H_
#define LEDGER_CLI_RUN_APP_H_

#include <CLI/CLI.hpp>

namespace ledger::cli {

// Parses `argv` into `app`, whose callbacks store their exit code in `*exit_code`, and returns
// it. A bad command line prints CLI11's message and returns kExitUsage; --help and --version
// print and return kExitOk.
int RunApp(CLI::App& app, int argc, char** argv, const int* exit_code);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_RUN_APP_H_
