// What the schema's annotations (schema/annotations.capnp) say about each field, read once by
// reflection and cached: the JSON name, whether the field may be absent, its value format and
// bounds, and for members of Event.data the catalogue's type name. The JSON codec and the event
// validator are both driven by this table, so the schema stays the single source of the contract.
#ifndef LEDGER_SRC_SCHEMA_RULES_H_
#define LEDGER_SRC_SCHEMA_RULES_H_

#include <capnp/schema.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::internal {

struct FieldRule {
  capnp::StructSchema::Field field;
  std::string json_name;       // snake_case of the Cap'n Proto name
  bool optional = false;       // $optional
  bool has_default = false;    // a primitive with an explicit default: may be absent too
  bool in_union = false;       // a member of the struct's unnamed union
  std::string format;          // $format, empty if none
  std::optional<int64_t> min;  // $min
  std::optional<int64_t> max;  // $max
  std::optional<uint32_t> min_items;
  std::optional<uint32_t> max_items;
  std::string event_type;  // $eventType, on Event.data members
};

struct StructRules {
  capnp::StructSchema schema;
  std::vector<FieldRule> fields;  // in declaration order

  const FieldRule* FindByJsonName(std::string_view name) const;
  const FieldRule* FindByEventType(std::string_view type) const;
  const FieldRule* FindByField(const capnp::StructSchema::Field& field) const;
};

// The rules of a struct type; cached for the life of the process. Thread-safe.
const StructRules& RulesFor(capnp::StructSchema schema);

// The JSON spelling of an enumerant ("workFull" -> "work_full"), and the reverse lookup.
const std::string& EnumJsonName(capnp::EnumSchema::Enumerant enumerant);
std::optional<capnp::EnumSchema::Enumerant> FindEnumerant(capnp::EnumSchema schema,
                                                          std::string_view json_name);
// "a, b, c": the allowed JSON values of an enum, for error messages.
std::string EnumChoices(capnp::EnumSchema schema);

std::string CamelToSnake(std::string_view camel);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_SCHEMA_RULES_H_
