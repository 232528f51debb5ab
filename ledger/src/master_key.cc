#include "ledger/master_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/file.h"
#include "crypto.h"

namespace ledger {
namespace {
constexpr std::string_view kPrefix = "ledger-master-key-v1:";
}  // namespace

MasterKey::~MasterKey() {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
}

MasterKey MasterKey::Generate() { return MasterKey(RandomBytes(kBytes)); }

Result<MasterKey> MasterKey::Parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.starts_with(kPrefix)) {
    return Status::InvalidArgument("not a master key: it must start with \"" +
                                   std::string(kPrefix) + "\"");
  }
  auto raw = Base64Decode(text.substr(kPrefix.size()));
  if (!raw.ok() || raw->size() != kBytes) {
    return Status::InvalidArgument("not a master key: expected the base64 of 32 bytes after \"" +
                                   std::string(kPrefix) + "\"");
  }
  return MasterKey(std::move(*raw));
}

Result<MasterKey> MasterKey::ReadFile(const std::string& path) {
  auto text = ::ledger::ReadFile(path);
  if (!text.ok()) return Status::NotFound("master key file " + path + " cannot be read");
  auto key = Parse(*text);
  if (!key.ok()) return Status::InvalidArgument(path + ": " + key.status().message());
  return key;
}

std::string MasterKey::Format() const { return std::string(kPrefix) + Base64Encode(bytes_) + "\n"; }

Status MasterKey::WriteNewFile(const std::string& path) const {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return Status::FailedPrecondition("master key file " + path + " already exists");
    return Status::IOError("cannot create " + path + ": " + std::strerror(errno));
  }
  std::string text = Format();
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  sodium_memzero(text.data(), text.size());
  ::close(fd);
  if (!ok) return Status::IOError("cannot write " + path);
  return Status::Ok();
}

}  // namespace ledger
