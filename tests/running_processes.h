// The processes running on this machine, for tests that must leave nothing behind (a scratch
// PostgreSQL, a nats-server).
#ifndef TESTS_RUNNING_PROCESSES_H_
#define TESTS_RUNNING_PROCESSES_H_

#include <filesystem>
#include <string>
#include <vector>

#include "test_files.h"

namespace ledger::testing {

// The command lines (arguments joined by spaces) of running processes that mention `text`,
// such as a scratch path.
inline std::vector<std::string> ProcessesMentioning(const std::string& text) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string cmdline = ReadWholeFile(entry.path() / "cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(text) != std::string::npos) found.push_back(cmdline);
  }
  return found;
}

}  // namespace ledger::testing

#endif  // TESTS_RUNNING_PROCESSES_H_
