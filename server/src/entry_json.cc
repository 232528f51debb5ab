#include "entry_json.h"

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/hex.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"

namespace ledger::server::internal {

Result<std::string> EntryJson(const Entry& entry) {
  LEDGER_ASSIGN_OR_RETURN(std::string event_json, EventJsonFromCanonical(entry.event));
  // The event JSON is already canonical text; splice it rather than parse and re-dump.
  std::string out = "{\"seq\":" + std::to_string(entry.seq) +
                    ",\"version\":" + std::to_string(entry.version) + ",\"recorded_at\":\"" +
                    FormatInstantMicros(entry.recorded_at_us) + "\",\"key_id\":\"" +
                    HexEncode(entry.key_id) + "\",\"signature\":\"" +
                    Base64Encode(entry.signature) + "\",\"event\":" + event_json + "}";
  return out;
}

Result<EntryPtr> MakeDeliveredEntry(const Entry& entry) {
  auto d = std::make_shared<DeliveredEntry>();
  d->seq = entry.seq;
  LEDGER_ASSIGN_OR_RETURN(EventSummary summary, SummarizeEvent(entry.event));
  d->stream = std::move(summary.stream);
  d->type = std::move(summary.type);
  LEDGER_ASSIGN_OR_RETURN(d->json, EntryJson(entry));
  d->bytes = entry.bytes;
  return EntryPtr(std::move(d));
}

}  // namespace ledger::server::internal
