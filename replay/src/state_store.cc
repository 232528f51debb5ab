#include "replay/state_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/sha256.h"
#include "replay/state_codec.h"

namespace ledger::replay {
namespace {

// Do not change: the first bytes of every state file.
constexpr std::string_view kMagic("ledger-replay-state\0", 20);
constexpr uint64_t kFormatVersion = 1;
constexpr const char* kFileName = "replay.state";

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close() gives (a delayed write error).
  int Close() {
    int r = ::close(fd_);
    fd_ = -1;
    return r;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status FsyncDir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("open directory", dir);
  if (::fsync(fd.get()) != 0) return Errno("fsync directory", dir);
  return Status::Ok();
}

}  // namespace

std::string EncodeSavedState(const SavedState& state) {
  StateWriter body;
  body.PutUvarint(kFormatVersion);
  body.PutUvarint(state.position);
  body.PutRaw(std::string_view(reinterpret_cast<const char*>(state.log_root.data()),
                               state.log_root.size()));
  body.PutBool(state.occurred_at_most_us.has_value());
  if (state.occurred_at_most_us) body.PutSvarint(*state.occurred_at_most_us);
  body.PutUvarint(state.projections.size());
  for (const SavedProjection& p : state.projections) {
    body.PutBytes(p.name);
    body.PutUvarint(p.version);
    body.PutBytes(p.state);
  }
  auto digest = Sha256(body.data());
  std::string out(kMagic);
  out += body.data();
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return out;
}

Result<SavedState> DecodeSavedState(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 32 || bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::Corruption("replay state: not a replay state file");
  }
  std::string_view body = bytes.substr(kMagic.size(), bytes.size() - kMagic.size() - 32);
  std::string_view digest = bytes.substr(bytes.size() - 32);
  auto expected = Sha256(body);
  if (std::memcmp(expected.data(), digest.data(), 32) != 0) {
    return Status::Corruption("replay state: digest mismatch (the file is damaged)");
  }
  StateReader r(body);
  uint64_t format = 0;
  if (!r.GetUvarint(&format)) return r.Finish("replay state");
  if (format != kFormatVersion) {
    return Status::FailedPrecondition("replay state: unknown format version " +
                                      std::to_string(format));
  }
  SavedState state;
  std::string_view root;
  bool has_cutoff = false;
  r.GetUvarint(&state.position);
  if (r.GetRaw(state.log_root.size(), &root)) {
    std::memcpy(state.log_root.data(), root.data(), root.size());
  }
  r.GetBool(&has_cutoff);
  if (has_cutoff) {
    int64_t cutoff = 0;
    if (r.GetSvarint(&cutoff)) state.occurred_at_most_us = cutoff;
  }
  uint64_t n = 0;
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    SavedProjection p;
    r.GetBytes(&p.name);
    r.GetU32(&p.version);
    r.GetBytes(&p.state);
    state.projections.push_back(std::move(p));
  }
  LEDGER_RETURN_IF_ERROR(r.Finish("replay state"));
  return state;
}

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  std::string path = (std::filesystem::path(dir) / kFileName).string();
  return std::unique_ptr<StateStore>(new StateStore(dir, path));
}

Result<std::optional<SavedState>> StateStore::Load() const {
  Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<SavedState>();
    return Errno("open", path_);
  }
  std::string bytes;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("read", path_);
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  auto state = DecodeSavedState(bytes);
  if (!state.ok()) return state.status().WithContext(path_);
  return std::optional<SavedState>(std::move(state).value());
}

Status StateStore::Save(const SavedState& state) {
  std::string bytes = EncodeSavedState(state);
  std::string tmp = path_ + ".tmp";
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) return Errno("create", tmp);
    LEDGER_RETURN_IF_ERROR(WriteAll(fd.get(), bytes, tmp));
    if (::fsync(fd.get()) != 0) return Errno("fsync", tmp);
    if (fd.Close() != 0) return Errno("close", tmp);
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return Errno("rename to", path_);
  return FsyncDir(dir_);
}

Status StateStore::Clear() {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return Errno("remove", path_);
  return FsyncDir(dir_);
}

}  // namespace ledger::replay
