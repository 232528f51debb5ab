// CPU time of this process by kind of thread, for benchmarks that show where the CPU goes:
// read from /proc/self/task (threads alive now, by name) and getrusage (all threads, the ended
// ones too).
#ifndef CLI_THREAD_CPU_H_
#define CLI_THREAD_CPU_H_

#include <string>

namespace ledger::cli {

struct ThreadCpu {
  double process_s = 0;     // every thread of the process, ended ones included
  double writer_s = 0;      // the ledger's single writer ("ledger-writer")
  double background_s = 0;  // RocksDB's flushes and compactions ("rocksdb:...")
};

ThreadCpu ReadThreadCpu();

}  // namespace ledger::cli

#endif  // CLI_THREAD_CPU_H_
