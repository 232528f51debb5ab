// Small files the server owns under <data>/server/: written whole and atomically.
#ifndef SERVER_SRC_ATOMIC_FILE_H_
#define SERVER_SRC_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "ledger/durable_file.h"
#include "ledger/status.h"

namespace ledger::server::internal {

// Writes `bytes` to `path` so that a reader (or a crash) sees the old file or the new one, never
// a mix (the ledger's primitive, ledger/durable_file.h).
using ::ledger::WriteFileAtomic;

// The whole file; NotFound if it does not exist.
Result<std::string> ReadFile(const std::string& path);

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
