// The access log: every read of personal values and every export, in a hash-chained file that
// anyone can verify (docs/formats.md, "Access log").
//
// One JSON object per line, fields in this order:
//   {"n":<0-based record number>,"at":"<RFC 3339>","token":"<token id>","key_id":"<8 hex>",
//    "role":"<role>","action":"<action>","target":"<what>","prev":"<64 hex>","hash":"<64 hex>"}
// hash = SHA-256("ledger/access-log/v1" 0x00 || prev_hash (32 bytes) || body), where body is the
// line's text up to, not including, ',"hash":' followed by "}" (the object without its hash);
// prev of record 0 is 32 zero bytes. A record is written and fsync'ed before the data it logs is
// returned, so an answered read is always logged.
#ifndef SERVER_ACCESS_LOG_H_
#define SERVER_ACCESS_LOG_H_

#include <cstdint>
#include <memory>
#include <string>

#include "base/mutex.h"
#include "base/status.h"

namespace ledger::server {

struct AccessRecord {
  std::string token_id, key_id_hex, role;
  std::string action;  // "read_personal", "export"
  std::string target;  // "seq:12", "release:r-2009"
};

class AccessLog {
 public:
  // Opens (or creates) the log at `path`, checking the chain of the records already there.
  // Corruption naming the first bad record if it does not verify.
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& path);
  ~AccessLog();

  // Appends one record, durably. Thread-safe.
  Status Append(const AccessRecord& record, int64_t at_us) LEDGER_EXCLUDES(mu_);
  uint64_t records() const LEDGER_EXCLUDES(mu_);
  // Writes the log as it stands (whole records only) to `path`, durably: for backups while the
  // server runs. Appends wait meanwhile. Thread-safe.
  Status CopyTo(const std::string& path) const LEDGER_EXCLUDES(mu_);

 private:
  AccessLog(std::string path, int fd, uint64_t next, std::string prev);
  const std::string path_;
  int fd_;
  mutable Mutex mu_;
  uint64_t next_ LEDGER_GUARDED_BY(mu_);
  std::string prev_ LEDGER_GUARDED_BY(mu_);  // 32 bytes
};

struct AccessLogSummary {
  uint64_t records = 0;
  std::string last_hash_hex;  // 64 zero hex digits for an empty log
};

// Checks every record of the log at `path`: numbering, chaining, hashes. Corruption naming the
// first record that fails.
Result<AccessLogSummary> VerifyAccessLog(const std::string& path);

// <data_dir>/server/access.log
std::string AccessLogPath(const std::string& data_dir);

}  // namespace ledger::server

#endif  // SERVER_ACCESS_LOG_H_
