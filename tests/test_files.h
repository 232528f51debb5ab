// Whole-file reads and writes for tests: the one home of what tests used to copy as Slurp,
// ReadFile and ReadWholeFile. Product code reads files with base/file.h, which reports errors;
// a test only needs the bytes and lets its assertions on them fail.
#ifndef LEDGER_TESTS_TEST_FILES_H_
#define LEDGER_TESTS_TEST_FILES_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace ledger::testing {

// The file's bytes; empty if it cannot be read.
inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Replaces the file's contents with `bytes`, creating it if needed.
inline void WriteWholeFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TEST_FILES_H_
