#include "server/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "atomic_file.h"

namespace ledger::server {
namespace {

namespace fs = std::filesystem;

// The files of <data>/server/ a copy needs (lock files and temporaries are left out).
constexpr const char* kTokensFile = "tokens.json";
constexpr const char* kGroupsFile = "groups.json";
constexpr const char* kAccessLogFile = "access.log";

Status CheckTarget(const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) {
    if (ec) return Status::IOError("backup: " + out.string() + ": " + ec.message());
    return Status::Ok();
  }
  if (!fs::is_directory(out, ec)) {
    return Status::FailedPrecondition("backup: " + out.string() + " exists and is not a directory");
  }
  if (!fs::is_empty(out, ec)) {
    return Status::FailedPrecondition("backup: " + out.string() +
                                      " is not empty (give a new or empty directory)");
  }
  return Status::Ok();
}

Status SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + dir.string());
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Status::IOError("fsync " + dir.string());
}

// Copies the server files of `data_dir` into `staging`; their names.
Result<std::vector<std::string>> CopyServerFiles(const std::string& data_dir,
                                                 const fs::path& staging,
                                                 const AccessLog* access_log) {
  std::vector<std::string> copied;
  const fs::path from = fs::path(data_dir) / "server";
  for (const char* name : {kTokensFile, kGroupsFile, kAccessLogFile}) {
    const std::string dest = (staging / name).string();
    if (name == std::string_view(kAccessLogFile) && access_log != nullptr) {
      LEDGER_RETURN_IF_ERROR(access_log->CopyTo(dest));
      copied.emplace_back(name);
      continue;
    }
    // tokens.json and groups.json are replaced whole by rename: a read sees one version.
    auto bytes = internal::ReadFile((from / name).string());
    if (!bytes.ok() && bytes.status().code() == StatusCode::kNotFound) continue;
    if (!bytes.ok()) return bytes.status();
    LEDGER_RETURN_IF_ERROR(internal::WriteFileAtomic(dest, *bytes));
    copied.emplace_back(name);
  }
  return copied;
}

}  // namespace

Result<BackupResult> BackupDataDir(Ledger& ledger, const std::string& data_dir,
                                   const std::string& out, const AccessLog* access_log) {
  if (out.empty()) return Status::InvalidArgument("backup: no directory given");
  const fs::path target = fs::absolute(fs::path(out)).lexically_normal();
  LEDGER_RETURN_IF_ERROR(CheckTarget(target));
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    return Status::IOError("backup: cannot create " + target.parent_path().string() + ": " +
                           ec.message());
  }
  // A sibling of the target, so that moving it in is a rename on one filesystem.
  const fs::path staging = target.parent_path() / ("." + target.filename().string() + ".server");
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return Status::IOError("backup: cannot create " + staging.string() + ": " + ec.message());
  BackupResult result;
  result.dir = target.string();
  auto copied = CopyServerFiles(data_dir, staging, access_log);
  if (!copied.ok()) {
    fs::remove_all(staging, ec);
    return copied.status();
  }
  result.server_files = std::move(copied).value();
  auto head = ledger.audit().Backup(target.string());
  if (!head.ok()) {
    fs::remove_all(staging, ec);
    return head.status();
  }
  result.head = *head;
  fs::rename(staging, target / "server", ec);
  if (ec) {
    return Status::IOError("backup: the ledger was copied to " + target.string() +
                           " but its server files could not be moved in from " + staging.string() +
                           ": " + ec.message());
  }
  LEDGER_RETURN_IF_ERROR(SyncDir(target));
  LEDGER_RETURN_IF_ERROR(SyncDir(target.parent_path()));
  return result;
}

}  // namespace ledger::server
