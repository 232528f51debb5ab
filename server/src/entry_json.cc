#include "entry_json.h"

#include <nlohmann/json.hpp>

#include "bytes.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "tlog/base64.h"

namespace ledger::server::internal {

Result<std::string> EntryJson(const Entry& entry) {
  ASSIGN_OR_RETURN(std::string event_json, EventJsonFromCanonical(entry.event));
  // The event JSON is already canonical text; splice it rather than parse and re-dump.
  std::string out = "{\"seq\":" + std::to_string(entry.seq) +
                    ",\"version\":" + std::to_string(entry.version) + ",\"recorded_at\":\"" +
                    FormatInstantMicros(entry.recorded_at_us) + "\",\"key_id\":\"" +
                    HexEncode(entry.key_id) + "\",\"signature\":\"" +
                    tlog::Base64Encode(entry.signature) + "\",\"event\":" + event_json + "}";
  return out;
}

Result<EntryPtr> MakeDeliveredEntry(const Entry& entry) {
  auto d = std::make_shared<DeliveredEntry>();
  d->seq = entry.seq;
  ASSIGN_OR_RETURN(EventSummary summary, SummarizeEvent(entry.event));
  d->stream = std::move(summary.stream);
  d->type = std::move(summary.type);
  ASSIGN_OR_RETURN(d->json, EntryJson(entry));
  d->bytes = entry.bytes;
  return EntryPtr(std::move(d));
}

}  // namespace ledger::server::internal
