// Events as writers and readers see them: the JSON of the catalogue (../shared/spec/events.md)
// and the canonical Cap'n Proto bytes that are signed and stored.
//
// The writer's side, in order: an input line carries plain personal values under "personal";
// SignEventJson replaces them by salted digests, keeps the values as disclosures, encodes the
// event canonically and signs it. Everything here is pure and thread-safe.
#ifndef LEDGER_EVENT_CODEC_H_
#define LEDGER_EVENT_CODEC_H_

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/signing_key.h"
#include "ledger/types.h"

namespace ledger {

// Largest canonical entry (event, key id, signature, positions); the tile bundle's length prefix.
constexpr size_t kMaxEntryBytes = 65535;

// The personal fields an event may carry digests of.
const std::vector<std::string>& PersonalFields();

// Salted digest of one personal value (docs/formats.md, "Personal digest"): 32 bytes.
std::string PersonalDigest(std::string_view salt, std::string_view field, std::string_view value);

// The bytes an author signs: "ledger/event/v1" 0x00 || canonical event bytes.
std::string EventSigningMessage(std::string_view canonical_event);

// Parses an event's JSON text strictly (docs/events.md, "The JSON text"): beyond the grammar it
// refuses a NUL byte, a key repeated in one object, nesting over 64 levels, a number literal over
// 40 characters and an integer outside the 64-bit range. InvalidArgument names the byte column,
// and the field where there is one: "column 57: actor.role: duplicate key" ("line L, column C"
// if the text has several lines). The functions below that take text parse it so.
Result<nlohmann::json> ParseEventJson(std::string_view json_text);
// The same, also refusing a text of more than `max_elements` JSON values (objects, arrays,
// strings, numbers and literals each count one; keys do not): the parse stops there, so that
// untrusted text builds no more than that many values ("column C: more than N JSON elements").
Result<nlohmann::json> ParseEventJson(std::string_view json_text, size_t max_elements);

// JSON form (personal as hex digests) -> canonical bytes. Checks JSON shape and every value.
// InvalidArgument names the field: "data.problems[0].domain: ...".
Result<std::string> CanonicalEventFromJson(std::string_view json_text);

// An input line of `ledger append` (plain personal values) -> a signed event ready to append.
Result<SignedEvent> SignEventJson(std::string_view json_line, const SigningKey& key);

// The same for a value from ParseEventJson (`ledger append` reads the actor's role from it to
// pick the key).
Result<SignedEvent> SignEventJsonValue(nlohmann::json event, const SigningKey& key);

// Canonical bytes -> one line of JSON (no trailing newline). Corruption if not a canonical event.
Result<std::string> EventJsonFromCanonical(std::string_view canonical_event);

// The two above on JSON values, for tools that rewrite events (anonymised releases) and would
// otherwise print and parse each event once more.
Result<std::string> CanonicalEventFromJsonValue(const nlohmann::json& event);
Result<nlohmann::ordered_json> EventJsonValueFromCanonical(std::string_view canonical_event);

// The envelope fields that indexes and filters need, from canonical bytes.
struct EventSummary {
  std::string id;
  std::string stream;
  std::string type;
  std::string subject;
  int64_t occurred_at_us = 0;
  bool has_personal = false;  // the event carries digests of personal values
};
Result<EventSummary> SummarizeEvent(std::string_view canonical_event);

// The $format of each field of an event type's data (docs/formats.md), keyed by JSON path:
// members of nested structs and of list elements are joined with '.' ("problems.domain").
// Numbers, booleans and enums carry no format and are absent. NotFound for an unknown type.
Result<std::map<std::string, std::string>> DataFieldFormats(std::string_view event_type);

// Checks that `bytes` are one canonical, valid event (every rule of the catalogue that needs no
// ledger state). Corruption if they do not decode, InvalidArgument if a rule fails.
Status ValidateCanonicalEvent(std::string_view bytes);

}  // namespace ledger

#endif  // LEDGER_EVENT_CODEC_H_
