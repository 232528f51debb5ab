// Small files the server owns under <data>/server/: read whole, written whole and atomically
// (the project's primitives, base/file.h), and locked while a command changes them.
#ifndef SERVER_SRC_ATOMIC_FILE_H_
#define SERVER_SRC_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "base/file.h"
#include "base/status.h"

namespace ledger::server::internal {

// WriteFileAtomic: a reader (or a crash) sees the old file or the new one, never a mix.
// ReadFile: the whole file; NotFound if it does not exist.
using ::ledger::ReadFile;
using ::ledger::WriteFileAtomic;

// An exclusive advisory lock (flock) on `path` (created if missing), released on destruction.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_ATOMIC_FILE_H_
