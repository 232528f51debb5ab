// A signed event on the HTTP API (docs/api.md, "Signed events"):
//   {"event": {<the event's JSON form, personal values as hex digests>},
//    "key_id": "<8 hex>", "signature": "<base64 of 64 bytes>",
//    "disclosures": [{"salt": "<base64 of 16 bytes>", "field": "name", "value": "..."}]}
// Instead of "event", "event_bytes" may carry the canonical bytes themselves (base64). The
// signature is over "ledger/event/v1" 0x00 || canonical bytes (docs/formats.md), so a JSON
// client needs the canonical bytes: the C++ client library (server/client.h) makes them.
#ifndef SERVER_SRC_SIGNED_EVENT_JSON_H_
#define SERVER_SRC_SIGNED_EVENT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "ledger/types.h"

namespace ledger::server::internal {

// InvalidArgument naming the field at fault; the event's own errors as CanonicalEventFromJson
// reports them ("event.data.intake_date: ...").
Result<SignedEvent> SignedEventFromJson(const nlohmann::json& j);

// The inverse (with "event" as JSON). Corruption if the bytes are not a canonical event.
Result<nlohmann::ordered_json> SignedEventToJson(const SignedEvent& event);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_SIGNED_EVENT_JSON_H_
