// bench replay: how fast every projection (caseload, outcomes, compliance) is rebuilt from the
// log on one core, beside the raw RocksDB scan rate of the same entries measured in the same
// run; what bringing them up to date costs per appended event; and the peak memory of a
// process that rebuilds them and makes their reports (docs/cli.md, "Benchmarks").
#ifndef LEDGER_CLI_BENCH_REPLAY_H_
#define LEDGER_CLI_BENCH_REPLAY_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "ledger/ledger.h"

namespace ledger::cli {

struct ReplayBenchOptions {
  // A ledger to measure; empty: generate `participants` into a fresh ledger under `dir` (a
  // temporary directory when empty) and remove it afterwards.
  std::string data;
  std::string dir;
  int participants = 10000;
  int runs = 5;
  // Events of the generated cohort held back and appended one by one after the rebuild, to
  // measure the incremental cost (needs a generated ledger).
  int incremental = 2000;
  std::string format = "table";
  // Internal: the child process whose peak memory is measured. It opens `data`, rebuilds every
  // projection, makes their reports and exits.
  bool memory_child = false;
};

// One rebuild of every projection from position 0, as `bench replay` times it: the entries
// applied, the CPU time of the calling (replaying) thread, the wall time and the CPU time of
// every thread of the process (the replay reads the log ahead on a thread of its own), in
// seconds.
struct RebuildTiming {
  uint64_t applied = 0;
  double cpu_seconds = 0;
  double wall_seconds = 0;
  double process_cpu_seconds = 0;
};
Result<RebuildTiming> TimeRebuildAll(Ledger& ledger);

// Prints the figures (table or JSON) and returns an exit code.
int RunBenchReplay(const ReplayBenchOptions& options);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_BENCH_REPLAY_H_
