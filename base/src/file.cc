#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

namespace ledger {
namespace {

namespace fs = std::filesystem;

Status Errno(const std::string& what) {
  const int e = errno;
  if (e == ENOENT) return Status::NotFound(what + ": " + std::strerror(e));
  return Status::IOError(what + ": " + std::strerror(e));
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write " + path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open " + dir);
  Status synced = ::fsync(fd) == 0 ? Status::Ok() : Errno("fsync " + dir);
  ::close(fd);
  return synced;
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes, unsigned mode) {
  const fs::path target(path);
  const std::string parent =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return Status::IOError("cannot create " + parent + ": " + ec.message());
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return Errno("open " + tmp);
  Status written = WriteAll(fd, bytes, tmp);
  if (written.ok() && ::fsync(fd) != 0) written = Errno("fsync " + tmp);
  if (::close(fd) != 0 && written.ok()) written = Errno("close " + tmp);
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("rename " + tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename is durable only once the directory is.
  return SyncDirectory(parent);
}

namespace {

// Reads `path` whole; with `max_bytes` set, refuses a larger file without reading past it.
Result<std::string> ReadWhole(const std::string& path, std::optional<size_t> max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open " + path);
  std::string out;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("read " + path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    if (max_bytes && out.size() + static_cast<size_t>(n) > *max_bytes) {
      ::close(fd);
      return Status::Corruption(path + " is larger than " + std::to_string(*max_bytes) +
                                " bytes: not a file the ledger wrote");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) { return ReadWhole(path, std::nullopt); }

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  return ReadWhole(path, max_bytes);
}

}  // namespace ledger
