#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "base/hex.h"
#include "base/mutex.h"
#include "base/sha256.h"
#include "ledger/time_format.h"

namespace ledger::server {
namespace {

constexpr std::string_view kDomain = std::string_view("ledger/access-log/v1\0", 21);
constexpr std::string_view kHashField = ",\"hash\":\"";

std::string RecordHash(std::string_view prev, std::string_view body) {
  std::string message(kDomain);
  message.append(prev);
  message.append(body);
  return DigestBytes(Sha256(message));
}

// Walks the lines of `text`; returns the number of records and the last hash.
Result<std::pair<uint64_t, std::string>> CheckChain(const std::string& text,
                                                    const std::string& path) {
  uint64_t n = 0;
  std::string prev(32, '\0');
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      return Status::Corruption(path + ": record " + std::to_string(n) +
                                " is incomplete (no line end)");
    }
    const std::string_view line(text.data() + start, nl - start);
    start = nl + 1;
    const std::string where = path + ": record " + std::to_string(n);
    const size_t h = line.rfind(kHashField);
    if (h == std::string_view::npos || line.size() != h + kHashField.size() + 64 + 2 ||
        line.substr(line.size() - 2) != "\"}") {
      return Status::Corruption(where + " is malformed");
    }
    std::string body(line.substr(0, h));
    body.push_back('}');
    try {
      auto j = nlohmann::json::parse(body);
      if (j.at("n").get<uint64_t>() != n) return Status::Corruption(where + " is out of order");
      if (j.at("prev").get<std::string>() != HexEncode(prev)) {
        return Status::Corruption(where + " does not chain to the record before it");
      }
    } catch (const nlohmann::json::exception&) {
      return Status::Corruption(where + " is malformed");
    }
    const std::string hash = RecordHash(prev, body);
    if (line.substr(h + kHashField.size(), 64) != HexEncode(hash)) {
      return Status::Corruption(where + " has the wrong hash");
    }
    prev = hash;
    ++n;
  }
  return std::make_pair(n, prev);
}

}  // namespace

std::string AccessLogPath(const std::string& data_dir) { return data_dir + "/server/access.log"; }

AccessLog::AccessLog(std::string path, int fd, uint64_t next, std::string prev)
    : path_(std::move(path)), fd_(fd), next_(next), prev_(std::move(prev)) {}

AccessLog::~AccessLog() { ::close(fd_); }

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path) {
  std::string text;
  auto read = internal::ReadFile(path);
  if (read.ok()) {
    text = std::move(read).value();
  } else if (read.status().code() != StatusCode::kNotFound) {
    return read.status();
  }
  LEDGER_ASSIGN_OR_RETURN(auto chain, CheckChain(text, path));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<AccessLog>(new AccessLog(path, fd, chain.first, chain.second));
}

Status AccessLog::Append(const AccessRecord& r, int64_t at_us) {
  MutexLock lock(mu_);
  nlohmann::ordered_json j;
  j["n"] = next_;
  j["at"] = FormatInstantMicros(at_us);
  j["token"] = r.token_id;
  j["key_id"] = r.key_id_hex;
  j["role"] = r.role;
  j["action"] = r.action;
  j["target"] = r.target;
  j["prev"] = HexEncode(prev_);
  std::string body = j.dump();
  const std::string hash = RecordHash(prev_, body);
  body.pop_back();  // '}'
  std::string line = body + std::string(kHashField) + HexEncode(hash) + "\"}\n";
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("write " + path_ + ": " + std::strerror(errno));
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::fdatasync(fd_) != 0)
    return Status::IOError("fdatasync " + path_ + ": " + std::strerror(errno));
  prev_ = hash;
  ++next_;
  return Status::Ok();
}

uint64_t AccessLog::records() const {
  MutexLock lock(mu_);
  return next_;
}

Status AccessLog::CopyTo(const std::string& path) const {
  MutexLock lock(mu_);
  auto text = internal::ReadFile(path_);
  if (!text.ok()) return text.status();
  return internal::WriteFileAtomic(path, *text);
}

Result<AccessLogSummary> VerifyAccessLog(const std::string& path) {
  LEDGER_ASSIGN_OR_RETURN(std::string text, internal::ReadFile(path));
  LEDGER_ASSIGN_OR_RETURN(auto chain, CheckChain(text, path));
  return AccessLogSummary{chain.first, HexEncode(chain.second)};
}

}  // namespace ledger::server
