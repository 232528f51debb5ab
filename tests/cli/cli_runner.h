// Shared helpers for the end-to-end tests of the `ledger` binary (tests/cli/*_test.cc): running
// the real executable with its output captured, temporary directories, and reading its output.
// A target that includes this header must define LEDGER_BINARY (the path of the executable).
#ifndef LEDGER_TESTS_CLI_CLI_RUNNER_H_
#define LEDGER_TESTS_CLI_CLI_RUNNER_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../test_files.h"

#ifndef LEDGER_BINARY
#error "LEDGER_BINARY must name the ledger executable"
#endif

namespace ledger::cli_testing {

// Exit codes from cli/cli_common.h, repeated here on purpose: scripts rely on the numbers.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRefused = 3;
inline constexpr int kExitNotFound = 4;
inline constexpr int kExitCorruption = 7;
inline constexpr int kExitPrecondition = 9;

// One finished run of the binary: its exit code (128 + signal if it died of one, -1 if it could
// not be run) and everything it wrote to stdout and stderr.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// What a test prints when an expectation on a run fails (long output cut short).
inline std::string Describe(const RunResult& r) {
  constexpr size_t kMax = 4000;
  auto cut = [](const std::string& s) {
    return s.size() <= kMax
               ? s
               : s.substr(0, kMax) + "\n[... " + std::to_string(s.size() - kMax) + " more bytes]\n";
  };
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout ---\n" + cut(r.out) +
         "--- stderr ---\n" + cut(r.err);
}

using ::ledger::testing::ReadWholeFile;
using ::ledger::testing::WriteWholeFile;

// The non-empty lines of `text`, without their line ends.
inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Parses every line as JSON; a line that is not JSON fails the test and becomes null.
inline std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (const auto& line : SplitLines(text)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    out.push_back(j.is_discarded() ? nlohmann::json() : j);
  }
  return out;
}

// Where a run's standard streams come from and go to. stdout and stderr are created or
// truncated (mode 0600); relative paths are taken from the test process's directory.
struct RunFiles {
  std::filesystem::path stdin_path = "/dev/null";
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
};

// Forks and execs `binary` (LEDGER_BINARY unless another is named) with `args` in the directory
// `cwd`, its streams as `files` says.
// LEDGER_DATA and LEDGER_KEYS are unset (in this process too, so the child cannot inherit them).
// Does not wait: returns the child's pid, or -1 (and fails the test) if fork fails. A child that
// cannot open its files or enter `cwd` exits with 127 before exec.
inline pid_t SpawnLedger(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                         const RunFiles& files, const std::string& binary = LEDGER_BINARY) {
  const std::string in_s = files.stdin_path.string();
  const std::string out_s = files.stdout_path.string();
  const std::string err_s = files.stderr_path.string();
  const std::string cwd_s = cwd.string();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::unsetenv("LEDGER_DATA");
  ::unsetenv("LEDGER_KEYS");
  pid_t pid = ::fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return -1;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    int in = ::open(in_s.c_str(), O_RDONLY);
    int out = ::open(out_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0 || ::chdir(cwd_s.c_str()) != 0) ::_exit(127);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Runs the binary to completion (SpawnLedger, then wait) and returns its exit code and the
// contents of files.stdout_path and files.stderr_path. If the binary dies of a signal the test
// fails with "ledger <label> died with signal N" (`label` names the command for that message)
// and exit_code is 128 + N. If it cannot be run or waited for, the test fails and the result
// is the default RunResult (exit_code -1, no output).
inline RunResult RunLedger(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                           const RunFiles& files, const std::string& label,
                           const std::string& binary = LEDGER_BINARY) {
  RunResult r;
  pid_t pid = SpawnLedger(cwd, args, files, binary);
  if (pid < 0) return r;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      ADD_FAILURE() << "waitpid failed";
      return r;
    }
  }
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else {
    ADD_FAILURE() << "ledger " << label << " died with signal " << WTERMSIG(status);
    r.exit_code = 128 + WTERMSIG(status);
  }
  r.out = ReadWholeFile(files.stdout_path);
  r.err = ReadWholeFile(files.stderr_path);
  return r;
}

// The subcommand (first argument) of `args`, or "" if there is none: the usual RunLedger label.
inline std::string Subcommand(const std::vector<std::string>& args) {
  return args.empty() ? "" : args[0];
}

}  // namespace ledger::cli_testing

#endif  // LEDGER_TESTS_CLI_CLI_RUNNER_H_
