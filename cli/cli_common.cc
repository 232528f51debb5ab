#include "cli_common.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/signing_key.h"

namespace ledger::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitRefused;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kConflict:
      return kExitConflict;
    case StatusCode::kPermissionDenied:
      return kExitPermission;
    case StatusCode::kCorruption:
      return kExitCorruption;
    case StatusCode::kUnavailable:
      return kExitUnavailable;
    case StatusCode::kFailedPrecondition:
      return kExitPrecondition;
    case StatusCode::kIOError:
      return kExitFailure;
  }
  return kExitFailure;
}

int Fail(const Status& status) {
  fmt::print(stderr, "ledger: {}: {}\n", StatusCodeName(status.code()), status.message());
  return ExitCodeFor(status);
}

std::string ResolveDataDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("LEDGER_DATA"); env && *env) return env;
  return "ledger-data";
}

std::string ResolveKeysDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("LEDGER_KEYS"); env && *env) return env;
  return "ledger-keys";
}

std::string MasterKeyPath(const std::string& flag, const std::string& keys_dir_flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("LEDGER_MASTER_KEY"); env != nullptr && *env != '\0') {
    return env;
  }
  return ResolveKeysDir(keys_dir_flag) + "/master.key";
}

Result<MasterKey> ResolveMasterKey(const std::string& flag, const std::string& keys_dir_flag,
                                   const std::string& data_dir) {
  std::string path = MasterKeyPath(flag, keys_dir_flag);
  if (::access(path.c_str(), F_OK) != 0) {
    return Status::FailedPrecondition(
        "no master key at " + path +
        ": personal values need the vault's master key (give --master-key FILE, set "
        "LEDGER_MASTER_KEY to its path, or keep it as <keys>/master.key)");
  }
  std::error_code ec;
  auto key_path = std::filesystem::weakly_canonical(path, ec);
  auto data_path = std::filesystem::weakly_canonical(data_dir, ec);
  if (!ec) {
    auto rel = key_path.lexically_relative(data_path);
    if (!rel.empty() && *rel.begin() != "..") {
      return Status::FailedPrecondition("the master key " + path +
                                        " lies inside the data directory " + data_dir +
                                        ": keep it apart from the data it protects");
    }
  }
  return MasterKey::ReadFile(path);
}

std::string SignedCheckpointFile(const std::string& ledger_key_path) {
  return ledger_key_path + ".checkpoint";
}

Result<LedgerOptions> WriterOptions(const std::string& ledger_key_flag,
                                    const std::string& keys_dir_flag) {
  LedgerOptions options;
  std::string path = ledger_key_flag;
  if (path.empty()) {
    std::string candidate = ResolveKeysDir(keys_dir_flag) + "/ledger.key";
    if (::access(candidate.c_str(), R_OK) == 0) path = candidate;
  }
  if (path.empty()) {
    fmt::print(stderr,
               "ledger: note: no ledger key (--ledger-key or <keys>/ledger.key): no checkpoint "
               "will be signed for these appends\n");
    return options;
  }
  LEDGER_ASSIGN_OR_RETURN(auto key, SigningKey::ReadFile(path));
  options.checkpoint_key = std::move(key);
  options.signed_checkpoint_file = SignedCheckpointFile(path);
  return options;
}

bool StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string label, uint64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(StderrIsTerminal()),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t done) {
  if (!enabled_ || finished_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100) && done != total_) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? done / secs : 0;
  if (total_ > 0) {
    double pct = 100.0 * static_cast<double>(done) / static_cast<double>(total_);
    double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    fmt::print(stderr, "\r{}: {} / {} ({:.1f}%), {:.0f}/s, {:.0f} s left   ", label_,
               Thousands(done), Thousands(total_), pct, rate, eta);
  } else {
    fmt::print(stderr, "\r{}: {}, {:.0f}/s   ", label_, Thousands(done), rate);
  }
  std::fflush(stderr);
}

void Progress::Finish() {
  if (enabled_ && !finished_) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  finished_ = true;
}

namespace {
bool LooksNumeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == ',' || c == '.' || c == '-' || c == '%' || c == 'x')) {
      return false;
    }
  }
  return s[0] != '-' || s.size() > 1;
}
}  // namespace

std::string Table::Render() const {
  std::vector<size_t> widths(header_.size(), 0);
  for (size_t i = 0; i < header_.size(); ++i) widths[i] = header_[i].size();
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row, bool header) {
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      bool right = !header && LooksNumeric(cell);
      if (i) out += "  ";
      out +=
          right ? fmt::format("{:>{}}", cell, widths[i]) : fmt::format("{:<{}}", cell, widths[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  line(header_, true);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule, true);
  for (const auto& row : rows_) line(row, false);
  return out;
}

Status WriteWholeFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return out ? Status::Ok() : Status::IOError("cannot write " + path);
}

std::string KeyArgumentText(const std::string& text_or_path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(text_or_path, ec)) return text_or_path;
  auto file = ReadFile(text_or_path);
  if (!file.ok()) return text_or_path;
  std::string t = *file;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

std::string Thousands(uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0) out.push_back(',');
    out.push_back(*it);
    ++count;
  }
  return std::string(out.rbegin(), out.rend());
}

Result<std::vector<HeldCheckpoint>> ReadHeldCheckpoints(const std::vector<std::string>& files) {
  std::vector<HeldCheckpoint> held;
  for (const auto& file : files) {
    LEDGER_ASSIGN_OR_RETURN(auto note, ReadFile(file));
    held.push_back({file, std::move(note)});
  }
  return held;
}

}  // namespace ledger::cli
