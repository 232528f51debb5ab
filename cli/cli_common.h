// What every subcommand shares: where the ledger lives, how errors become exit codes, progress
// on a terminal, and aligned tables for people.
#ifndef LEDGER_CLI_CLI_COMMON_H_
#define LEDGER_CLI_CLI_COMMON_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/hex.h"
#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/master_key.h"
#include "ledger/verify.h"

namespace ledger::cli {

// Exit codes a script can rely on (docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,  // I/O error or anything else unexpected
  kExitUsage = 2,    // bad command line
  kExitRefused = 3,  // input refused (malformed, invalid, some events not appended)
  kExitNotFound = 4,
  kExitConflict = 5,      // version conflict, id reused with other content
  kExitPermission = 6,    // bad signature, unknown/revoked key, role not allowed
  kExitCorruption = 7,    // stored data failed a check
  kExitUnavailable = 8,   // ledger in use by another process
  kExitPrecondition = 9,  // state does not allow it (already exists, shredded stream, ...)
};

int ExitCodeFor(const Status& status);
// Prints "ledger: <code>: <message>" to stderr and returns the exit code.
int Fail(const Status& status);

// --data, else $LEDGER_DATA, else ./ledger-data.
std::string ResolveDataDir(const std::string& flag);
// --keys, else $LEDGER_KEYS, else ./ledger-keys.
std::string ResolveKeysDir(const std::string& flag);

bool StderrIsTerminal();

// Opens the ledger in the directory given by --data (ResolveDataDir) read-only, for a command
// that does not append: nothing in the directory is written, so it works on a read-only copy.
// If the store disagrees with its anchor or its index counts, a warning naming what disagrees
// goes to standard error (`ledger verify` reports it as a failure).
Result<std::unique_ptr<Ledger>> OpenForReading(const std::string& data_flag,
                                               LedgerOptions options = {});

// The checkpoints an auditor holds, from files (for --checkpoint).
Result<std::vector<HeldCheckpoint>> ReadHeldCheckpoints(const std::vector<std::string>& files);

// Options for a process that appends: the ledger's key (to sign checkpoints) from
// --ledger-key, else <keys dir>/ledger.key when that file exists, with the checkpoint file kept
// beside it. Without it the process
// appends but signs no checkpoints (a note says so on standard error).
// The latest checkpoint signed with the ledger key at `ledger_key_path`, kept beside it
// (LedgerOptions::signed_checkpoint_file): `<ledger key file>.checkpoint`.
std::string SignedCheckpointFile(const std::string& ledger_key_path);

Result<LedgerOptions> WriterOptions(const std::string& ledger_key_flag,
                                    const std::string& keys_dir_flag);

// The vault's master key: --master-key FILE, else $LEDGER_MASTER_KEY (a file path), else
// <keys dir>/master.key when it exists. FailedPrecondition when none is given, and when the file
// lies inside the data directory `data_dir` (it must be kept apart from the data it protects).
Result<MasterKey> ResolveMasterKey(const std::string& flag, const std::string& keys_dir_flag,
                                   const std::string& data_dir);
// Where a new ledger's master key goes: the flag, else $LEDGER_MASTER_KEY, else
// <keys dir>/master.key.
std::string MasterKeyPath(const std::string& flag, const std::string& keys_dir_flag);

// A progress line on stderr, redrawn at most 10 times a second, only on a terminal.
class Progress {
 public:
  Progress(std::string label, uint64_t total);
  ~Progress();
  void Update(uint64_t done);
  void Finish();

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// An aligned text table: numbers right-aligned, text left-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// 1234567 -> "1,234,567"
std::string Thousands(uint64_t v);

Status WriteWholeFile(const std::string& path, std::string_view bytes);
// A key given on the command line: the text itself, or the path of a file holding it (one line;
// the trailing newline is dropped). The caller's parser says what is wrong with a bad one.
std::string KeyArgumentText(const std::string& text_or_path);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_CLI_COMMON_H_
