// The JSON form of an event (the names of ../shared/spec/events.md) to and from Cap'n Proto,
// driven by the schema's annotations (schema_rules.h) so that every event type is covered by
// one piece of code, and the strict parse of an event's JSON text. JSON errors name the path of
// the offending field ("data.problems[1].domain: ..."). Value formats are not checked here but by
// the event validator, which sees events from every wire format.
#ifndef LEDGER_SRC_JSON_CODEC_H_
#define LEDGER_SRC_JSON_CODEC_H_

#include <capnp/dynamic.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "event.capnp.h"

namespace ledger::internal {

// Limits of ParseJsonStrict beyond the JSON grammar. An event nests 4 levels at most and its
// largest number has 20 digits.
inline constexpr size_t kMaxJsonDepth = 64;
inline constexpr size_t kMaxJsonNumberChars = 40;

// Parses one JSON text (RFC 8259) and refuses, besides what the grammar forbids (invalid UTF-8,
// an unpaired surrogate escape, a trailing comma, a control character in a string, comments,
// anything after the value), what nlohmann's parser would let through silently:
// - a NUL byte anywhere (nlohmann takes it for the end of the text and ignores the rest);
// - a key that occurs twice in one object (nlohmann keeps the last);
// - nesting deeper than kMaxJsonDepth;
// - a number literal longer than kMaxJsonNumberChars, an integer literal outside the 64-bit range
//   (nlohmann would keep an inexact double), a number outside the range of a double.
// Every error is InvalidArgument "column C: [path: ]what", with "line L, " in front if the text
// has more than one line: C is the 1-based byte column of the fault, path the field it is in or
// at ("actor.role", "data.tasks[0].due"). Messages never repeat input bytes other than keys.
// - more than `max_elements` values (objects, arrays, strings, numbers, literals; not keys).
Result<nlohmann::json> ParseJsonStrict(std::string_view text,
                                       size_t max_elements = static_cast<size_t>(-1));

// At most `max_bytes` of `text`, cut before a UTF-8 sequence rather than inside one, with "..."
// appended if anything was cut: for echoing input in a message that must stay valid UTF-8.
std::string Utf8Prefix(std::string_view text, size_t max_bytes);

// REQUIRES: `event` is freshly initialised. On error the builder holds a partial event that the
// caller must discard.
Status EventFromJson(const nlohmann::json& json, schema::Event::Builder event);

// The JSON form of `event`: envelope fields in schema order with "type" after "stream" and
// "data" last. Optional fields that are unset are left out.
nlohmann::ordered_json EventToJson(schema::Event::Reader event);

// The catalogue type name of the event's data member ("case.opened"); empty if the data member
// is unknown to this build.
std::string_view EventTypeName(schema::Event::Reader event);

struct FieldRule;
// The active member of the event's `data` union and its rule; nullopt if unknown to this build.
std::optional<capnp::DynamicStruct::Reader> EventData(schema::Event::Reader event,
                                                      const FieldRule** rule);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_JSON_CODEC_H_
