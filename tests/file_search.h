// What a test of erasure asks of the disk: which files under a directory hold given bytes.
// Shared by the erasure tests of the ledger, the server and the CLI.
#ifndef LEDGER_TESTS_FILE_SEARCH_H_
#define LEDGER_TESTS_FILE_SEARCH_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test_files.h"

namespace ledger::testing {

// The regular files under `dir` (recursively) whose bytes contain `needle`.
inline std::vector<std::string> FilesContaining(const std::filesystem::path& dir,
                                                const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadWholeFile(entry.path());
    if (bytes.find(needle) != std::string::npos) out.push_back(entry.path().string());
  }
  return out;
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_FILE_SEARCH_H_
