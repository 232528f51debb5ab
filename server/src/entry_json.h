// Entries as the API shows them: the JSON of `ledger read`, one object per entry:
//   {"seq":..,"version":..,"recorded_at":"..","key_id":"..","signature":"<base64>",
//    "event":{...}}
// Personal values never appear: the event holds only their digests.
#ifndef SERVER_SRC_ENTRY_JSON_H_
#define SERVER_SRC_ENTRY_JSON_H_

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "ledger/types.h"

namespace ledger::server::internal {

Result<std::string> EntryJson(const Entry& entry);

// An entry ready to be delivered to any number of subscribers: rendered once.
struct DeliveredEntry {
  uint64_t seq = 0;
  std::string stream;
  std::string type;
  std::string json;   // EntryJson
  std::string bytes;  // the canonical entry (binary protocol)
};
using EntryPtr = std::shared_ptr<const DeliveredEntry>;

Result<EntryPtr> MakeDeliveredEntry(const Entry& entry);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_ENTRY_JSON_H_
