// The witness state file.
//
// Grammar (do not change; a new layout gets a new version line):
//   file      = "ledger-witness-state v1\n" *head checksum
//   head      = size " " base64( 32-byte root ) " " origin "\n"
//                                            ; origins distinct, in increasing byte order
//   size      = "0" / ( %x31-39 *DIGIT )     ; decimal, no leading zeros, < 2^64
//   origin    = 1*<any byte but "\n">        ; last on its line, so it may contain spaces
//   checksum  = "sha256 " base64( SHA-256( every preceding byte of the file ) ) "\n"
// The rename makes a torn file impossible on a POSIX file system; the checksum catches damage
// after the fact (a bit flip in a root would otherwise let the witness cosign a fork).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "base/base64.h"
#include "base/decimal.h"
#include "base/sha256.h"
#include "tlog/base64.h"
#include "witness/state_store.h"

namespace witness {
namespace {

using ledger::Result;
using ledger::Status;

constexpr std::string_view kMagic = "ledger-witness-state v1\n";
constexpr std::string_view kChecksumPrefix = "sha256 ";
// A witness follows a handful of logs; a state file this large is not one we wrote.
constexpr size_t kMaxStateFileBytes = size_t{16} << 20;

std::string Sha256Base64(std::string_view bytes) {
  return ledger::Base64Encode(ledger::DigestBytes(ledger::Sha256(bytes)));
}

Status ErrnoError(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error close() can carry for buffered writes.
  int Close() { return ::close(std::exchange(fd_, -1)); }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string Serialize(const LogHeads& heads) {
  std::string out(kMagic);
  for (const auto& [origin, head] : heads) {
    out += std::to_string(head.size) + " " + tlog::HashToBase64(head.root) + " " + origin + "\n";
  }
  out += std::string(kChecksumPrefix) + Sha256Base64(out) + "\n";
  return out;
}

Result<LogHeads> Deserialize(std::string_view text) {
  const size_t checksum_at = text.rfind(kChecksumPrefix);
  if (!text.starts_with(kMagic) || checksum_at == std::string_view::npos ||
      checksum_at < kMagic.size() || text[checksum_at - 1] != '\n') {
    return Status::Corruption("witness state file has no version line or no checksum line");
  }
  std::string_view checksum = text.substr(checksum_at + kChecksumPrefix.size());
  std::string_view covered = text.substr(0, checksum_at);
  if (checksum != Sha256Base64(covered) + "\n") {
    return Status::Corruption("witness state file checksum does not match its contents");
  }
  covered.remove_prefix(kMagic.size());
  LogHeads heads;
  for (size_t number = 2; !covered.empty(); ++number) {
    const std::string where = "witness state file line " + std::to_string(number);
    const size_t newline = covered.find('\n');
    // Invariant: the checksum line starts right after a newline, so every head line ends in one.
    std::string_view line = covered.substr(0, newline);
    covered.remove_prefix(newline + 1);
    const size_t space1 = line.find(' ');
    const size_t space2 = space1 == std::string_view::npos ? space1 : line.find(' ', space1 + 1);
    if (space2 == std::string_view::npos || space2 + 1 == line.size()) {
      return Status::Corruption(where + " is not \"<size> <root> <origin>\"");
    }
    LogHead head;
    std::optional<tlog::Hash> root =
        tlog::HashFromBase64(line.substr(space1 + 1, space2 - space1 - 1));
    auto size = ledger::ParseDecimal(line.substr(0, space1));
    if (!size.ok() || !root) {
      return Status::Corruption(where + " has a malformed size or root");
    }
    head.size = *size;
    head.root = *root;
    std::string origin(line.substr(space2 + 1));
    if (!heads.empty() && heads.rbegin()->first >= origin) {
      return Status::Corruption(where + ": origins are not distinct and in order");
    }
    heads.emplace_hint(heads.end(), std::move(origin), head);
  }
  return heads;
}

class FileStateStore final : public StateStore {
 public:
  FileStateStore(std::string path, int lock_fd) : path_(std::move(path)), lock_(lock_fd) {}

  Result<LogHeads> Load() override {
    Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT) return LogHeads();
      return ErrnoError("cannot open witness state file", path_);
    }
    std::string text;
    char buffer[1 << 14];
    for (;;) {
      const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("cannot read witness state file", path_);
      if (n == 0) break;
      text.append(buffer, static_cast<size_t>(n));
      if (text.size() > kMaxStateFileBytes) {
        return Status::Corruption("witness state file " + path_ + " is implausibly large");
      }
    }
    Result<LogHeads> heads = Deserialize(text);
    if (!heads.ok()) return heads.status().WithContext(path_);
    return heads;
  }

  Status Save(const LogHeads& heads) override {
    const std::string text = Serialize(heads);
    const std::string tmp = path_ + ".tmp";
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) return ErrnoError("cannot create", tmp);
    for (size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("cannot write", tmp);
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return ErrnoError("cannot fsync", tmp);
    if (fd.Close() != 0) return ErrnoError("cannot close", tmp);
    if (::rename(tmp.c_str(), path_.c_str()) != 0) return ErrnoError("cannot rename over", path_);
    // The rename is durable only once the directory entry is.
    std::string dir = std::filesystem::path(path_).parent_path().string();
    if (dir.empty()) dir = ".";
    Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0) return ErrnoError("cannot open directory", dir);
    if (::fsync(dir_fd.get()) != 0) return ErrnoError("cannot fsync directory", dir);
    return Status::Ok();
  }

 private:
  const std::string path_;
  Fd lock_;  // holds the flock; closing it releases the lock
};

}  // namespace

Result<std::unique_ptr<StateStore>> OpenFileStateStore(std::string path) {
  const std::string lock_path = path + ".lock";
  Fd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (lock.get() < 0) return ErrnoError("cannot open", lock_path);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::FailedPrecondition("witness state " + path + " is in use (" + lock_path +
                                        " is locked)");
    }
    return ErrnoError("cannot lock", lock_path);
  }
  return std::unique_ptr<StateStore>(new FileStateStore(std::move(path), lock.Release()));
}

}  // namespace witness
