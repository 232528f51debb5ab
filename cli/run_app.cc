#include "run_app.h"

#include "cli_common.h"

namespace ledger::cli {

int RunApp(CLI::App& app, int argc, char** argv, const int* exit_code) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return *exit_code;
}

}  // namespace ledger::cli
