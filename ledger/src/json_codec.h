// The JSON form of an event (the names of ../shared/spec/events.md) to and from Cap'n Proto,
// driven by the schema's annotations (schema_rules.h) so that every event type is covered by
// one piece of code. JSON errors name the path of the offending field ("data.problems[1].domain:
// ..."). Value formats are not checked here but by the event validator, which sees events from
// every wire format.
#ifndef LEDGER_SRC_JSON_CODEC_H_
#define LEDGER_SRC_JSON_CODEC_H_

#include <capnp/dynamic.h>
#include <nlohmann/json.hpp>

#include <optional>

#include "event.capnp.h"
#include "ledger/status.h"

namespace ledger::internal {

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
