// Consumer groups: a named, server-side position per group, so that a service that restarts
// continues where it stopped. Groups belong to the key of the token that uses them (a service
// cannot move another's position). Kept in <data>/server/groups.json, written atomically on
// every acknowledgement that moves a position forward, before the acknowledgement is answered.
#ifndef SERVER_SRC_GROUPS_H_
#define SERVER_SRC_GROUPS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/mutex.h"
#include "base/status.h"

namespace ledger::server::internal {

class GroupStore {
 public:
  // Loads the file (absent: no groups). Corruption if it does not parse.
  static Result<std::unique_ptr<GroupStore>> Open(const std::string& path);

  std::optional<uint64_t> Position(const std::string& key_id_hex, const std::string& group)
      LEDGER_EXCLUDES(mu_);
  // Records `position` (moves only forward: an older acknowledgement is kept as it was) and
  // returns the group's position; the file is durable when this returns.
  Result<uint64_t> Ack(const std::string& key_id_hex, const std::string& group, uint64_t position)
      LEDGER_EXCLUDES(mu_);

 private:
  explicit GroupStore(std::string path) : path_(std::move(path)) {}
  const std::string path_;
  Mutex mu_;
  std::map<std::string, uint64_t> positions_ LEDGER_GUARDED_BY(mu_);  // "<key id>/<group>"
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_GROUPS_H_
