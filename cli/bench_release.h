// bench release: how long exporting an anonymised release of a 10,000-participant cohort from a
// ledger of over a million events takes (target: under 30 s), beside the raw RocksDB scan rate
// of the same ledger measured in the same run, and how long the evaluator's check and replay of
// it take (docs/cli.md, "Benchmarks").
#ifndef LEDGER_CLI_BENCH_RELEASE_H_
#define LEDGER_CLI_BENCH_RELEASE_H_

#include <string>

namespace ledger::cli {

struct ReleaseBenchOptions {
  // A directory `ledger demo` made (data/ and keys/ with dpo.key, ledger.key, master.key); empty:
  // run `ledger demo --participants N` into a temporary directory first, and remove it after.
  std::string demo;
  int participants = 10000;
  int runs = 3;
  std::string format = "table";
};

int RunBenchRelease(const ReleaseBenchOptions& options);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_BENCH_RELEASE_H_
