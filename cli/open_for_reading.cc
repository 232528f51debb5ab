// OpenForReading (cli_common.h): apart from cli_common.cc because it opens the store, and
// cli_common.cc is in ledger_cli_base, which the storage-free ledger-audit-verify links.
#include <fmt/format.h>

#include "cli_common.h"

namespace ledger::cli {

Result<std::unique_ptr<Ledger>> OpenForReading(const std::string& data_flag,
                                               LedgerOptions options) {
  options.read_only = true;
  LEDGER_ASSIGN_OR_RETURN(auto ledger, Ledger::Open(ResolveDataDir(data_flag), options));
  if (Status found = ledger->audit().IntegrityAtOpen(); !found.ok()) {
    fmt::print(stderr,
               "ledger: warning: {} (`ledger verify` reports it; this ledger refuses "
               "appends until it is dealt with)\n",
               found.ToString());
  }
  return ledger;
}

}  // namespace ledger::cli
