// DataFieldFormats: the schema's $format annotations of one event type's data, by JSON path, so
// that tools which rewrite values by their kind (anonymised releases) follow the schema instead
// of a second list of fields.
#include <capnp/dynamic.h>

#include <map>
#include <string>

#include "event.capnp.h"
#include "ledger/event_codec.h"
#include "schema_rules.h"

namespace ledger {
namespace {

using internal::RulesFor;

void Collect(capnp::StructSchema schema, const std::string& prefix,
             std::map<std::string, std::string>* out) {
  for (const internal::FieldRule& rule : RulesFor(schema).fields) {
    std::string path = prefix.empty() ? rule.json_name : prefix + "." + rule.json_name;
    capnp::Type type = rule.field.getType();
    if (type.isList()) type = type.asList().getElementType();
    if (type.isStruct()) {
      Collect(type.asStruct(), path, out);
    } else if (!rule.format.empty()) {
      (*out)[path] = rule.format;
    }
  }
}

}  // namespace

Result<std::map<std::string, std::string>> DataFieldFormats(std::string_view event_type) {
  capnp::StructSchema data_group =
      capnp::Schema::from<schema::Event>().getFieldByName("data").getType().asStruct();
  const internal::FieldRule* member = RulesFor(data_group).FindByEventType(event_type);
  if (member == nullptr) {
    return Status::NotFound("unknown event type \"" + std::string(event_type.substr(0, 64)) + "\"");
  }
  std::map<std::string, std::string> formats;
  Collect(member->field.getType().asStruct(), "", &formats);
  return formats;
}

}  // namespace ledger
