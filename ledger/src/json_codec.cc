#include "json_codec.h"

#include <capnp/dynamic.h>

#include <limits>
#include <optional>
#include <string>

#include "crypto.h"
#include "schema_rules.h"

namespace ledger::internal {
namespace {

using capnp::DynamicList;
using capnp::DynamicStruct;
using capnp::DynamicValue;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

Status PathError(const std::string& path, std::string_view what) {
  std::string m = path;
  m += ": ";
  m += what;
  return Status::InvalidArgument(std::move(m));
}

std::string JsonKind(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::binary: return "binary";
    case Json::value_t::discarded: return "invalid";
    default: return "a number";
  }
}

Status ExpectedKind(const std::string& path, std::string_view expected, const Json& got) {
  std::string m = "expected ";
  m += expected;
  m += ", got ";
  m += JsonKind(got);
  return PathError(path, m);
}

Status FillStruct(const Json& json, DynamicStruct::Builder builder, const std::string& path);

// Converts a scalar JSON value to the Cap'n Proto value of `type`; for Text and Data the result
// refers to `storage`, which must outlive its use.
Result<DynamicValue::Reader> ScalarFromJson(const Json& j, capnp::Type type,
                                            const FieldRule* rule, const std::string& path,
                                            std::string* storage) {
  auto integer = [&](int64_t lo, uint64_t hi) -> Result<DynamicValue::Reader> {
    if (!j.is_number_integer()) return ExpectedKind(path, "an integer", j);
    if (j.is_number_unsigned()) {
      uint64_t v = j.get<uint64_t>();
      if (v > hi) return PathError(path, "integer out of range for its type");
      if (type.which() == capnp::schema::Type::INT64 || type.which() == capnp::schema::Type::INT32 ||
          type.which() == capnp::schema::Type::INT16 || type.which() == capnp::schema::Type::INT8) {
        return DynamicValue::Reader(static_cast<int64_t>(v));
      }
      return DynamicValue::Reader(v);
    }
    int64_t v = j.get<int64_t>();
    if (v < lo || (v >= 0 && static_cast<uint64_t>(v) > hi)) {
      return PathError(path, "integer out of range for its type");
    }
    return DynamicValue::Reader(v);
  };
  switch (type.which()) {
    case capnp::schema::Type::BOOL:
      if (!j.is_boolean()) return ExpectedKind(path, "true or false", j);
      return DynamicValue::Reader(j.get<bool>());
    case capnp::schema::Type::INT8: return integer(INT8_MIN, INT8_MAX);
    case capnp::schema::Type::INT16: return integer(INT16_MIN, INT16_MAX);
    case capnp::schema::Type::INT32: return integer(INT32_MIN, INT32_MAX);
    case capnp::schema::Type::INT64: return integer(INT64_MIN, INT64_MAX);
    case capnp::schema::Type::UINT8: return integer(0, UINT8_MAX);
    case capnp::schema::Type::UINT16: return integer(0, UINT16_MAX);
    case capnp::schema::Type::UINT32: return integer(0, UINT32_MAX);
    case capnp::schema::Type::UINT64: return integer(0, UINT64_MAX);
    case capnp::schema::Type::FLOAT32:
    case capnp::schema::Type::FLOAT64:
      if (!j.is_number()) return ExpectedKind(path, "a number", j);
      return DynamicValue::Reader(j.get<double>());
    case capnp::schema::Type::TEXT:
      if (rule && rule->format == "expected_version" && j.is_number_unsigned()) {
        *storage = std::to_string(j.get<uint64_t>());
      } else if (!j.is_string()) {
        return ExpectedKind(path, "a string", j);
      } else {
        *storage = j.get<std::string>();
      }
      if (storage->find('\0') != std::string::npos) return PathError(path, "NUL in string");
      return DynamicValue::Reader(capnp::Text::Reader(storage->data(), storage->size()));
    case capnp::schema::Type::DATA: {
      if (!j.is_string()) return ExpectedKind(path, "a string", j);
      auto text = j.get<std::string>();
      bool hex = rule && rule->format == "sha256";
      auto decoded = hex ? HexDecode(text) : Base64Decode(text);
      if (!decoded.ok() || (hex && (text.size() != 64 || HexEncode(*decoded) != text))) {
        return PathError(path, hex ? "expected 64 lowercase hex digits" : "expected base64");
      }
      *storage = std::move(decoded).value();
      return DynamicValue::Reader(capnp::Data::Reader(
          reinterpret_cast<const capnp::byte*>(storage->data()), storage->size()));
    }
    case capnp::schema::Type::ENUM: {
      auto schema = type.asEnum();
      if (!j.is_string()) return ExpectedKind(path, "a string", j);
      auto e = FindEnumerant(schema, j.get<std::string>());
      if (!e) {
        std::string m = "\"" + j.get<std::string>().substr(0, 64) + "\" is not one of: ";
        m += EnumChoices(schema);
        return PathError(path, m);
      }
      return DynamicValue::Reader(capnp::DynamicEnum(*e));
    }
    default:
      return PathError(path, "field type not supported in JSON");
  }
}

Status FillList(const Json& json, DynamicList::Builder list, const FieldRule* rule,
                const std::string& path) {
  auto element = list.getSchema().getElementType();
  for (size_t i = 0; i < json.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    const Json& item = json[i];
    if (element.isStruct()) {
      RETURN_IF_ERROR(
          FillStruct(item, list[static_cast<unsigned>(i)].as<DynamicStruct>(), item_path));
    } else if (element.isList()) {
      return PathError(item_path, "nested lists are not supported");
    } else {
      std::string storage;
      ASSIGN_OR_RETURN(auto value, ScalarFromJson(item, element, rule, item_path, &storage));
      list.set(static_cast<unsigned>(i), value);
    }
  }
  return Status::Ok();
}

Status FillField(const Json& value, DynamicStruct::Builder builder, const FieldRule& rule,
                 const std::string& path) {
  auto type = rule.field.getType();
  if (type.isStruct()) {
    if (!value.is_object()) return ExpectedKind(path, "an object", value);
    return FillStruct(value, builder.init(rule.field).as<DynamicStruct>(), path);
  }
  if (type.isList()) {
    if (!value.is_array()) return ExpectedKind(path, "an array", value);
    if (value.size() > 4096) return PathError(path, "too many elements");
    auto list = builder.init(rule.field, static_cast<unsigned>(value.size())).as<DynamicList>();
    return FillList(value, list, &rule, path);
  }
  std::string storage;
  ASSIGN_OR_RETURN(auto scalar, ScalarFromJson(value, type, &rule, path, &storage));
  builder.set(rule.field, scalar);
  return Status::Ok();
}

std::string Join(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out = path;
  out += '.';
  out += key;
  return out;
}

// Fills a struct's non-union fields from a JSON object; refuses unknown keys and missing
// required fields. `skip` names keys the caller handles itself.
Status FillFields(const Json& json, DynamicStruct::Builder builder, const std::string& path,
                  std::initializer_list<std::string_view> skip) {
  const auto& rules = RulesFor(builder.getSchema());
  for (auto it = json.begin(); it != json.end(); ++it) {
    bool skipped = false;
    for (auto s : skip) skipped = skipped || it.key() == s;
    if (skipped) continue;
    const FieldRule* rule = rules.FindByJsonName(it.key());
    if (rule == nullptr) return PathError(Join(path, it.key()), "unknown field");
    if (it.value().is_null() && (rule->optional || rule->has_default)) continue;
    RETURN_IF_ERROR(FillField(it.value(), builder, *rule, Join(path, it.key())));
  }
  for (const auto& rule : rules.fields) {
    if (rule.in_union || rule.optional || rule.has_default) continue;
    auto found = json.find(rule.json_name);
    if (found == json.end() || found->is_null()) {
      return PathError(Join(path, rule.json_name), "missing required field");
    }
  }
  return Status::Ok();
}

Status FillStruct(const Json& json, DynamicStruct::Builder builder, const std::string& path) {
  if (!json.is_object()) return ExpectedKind(path.empty() ? "event" : path, "an object", json);
  return FillFields(json, builder, path, {});
}

OrderedJson ScalarToJson(DynamicValue::Reader value, const FieldRule* rule) {
  switch (value.getType()) {
    case DynamicValue::BOOL: return value.as<bool>();
    case DynamicValue::INT: return value.as<int64_t>();
    case DynamicValue::UINT: return value.as<uint64_t>();
    case DynamicValue::FLOAT: return value.as<double>();
    case DynamicValue::TEXT: {
      auto t = value.as<capnp::Text>();
      std::string s(t.cStr(), t.size());
      if (rule && rule->format == "expected_version" && !s.empty() && s[0] >= '0' && s[0] <= '9') {
        return std::stoull(s);
      }
      return s;
    }
    case DynamicValue::DATA: {
      auto d = value.as<capnp::Data>();
      std::string_view bytes(reinterpret_cast<const char*>(d.begin()), d.size());
      return rule && rule->format == "sha256" ? HexEncode(bytes) : Base64Encode(bytes);
    }
    case DynamicValue::ENUM: {
      auto e = value.as<capnp::DynamicEnum>().getEnumerant();
      KJ_IF_MAYBE(known, e) { return EnumJsonName(*known); }
      return value.as<capnp::DynamicEnum>().getRaw();
    }
    default: return nullptr;
  }
}

OrderedJson StructToJson(DynamicStruct::Reader reader);

OrderedJson ValueToJson(DynamicValue::Reader value, const FieldRule* rule) {
  switch (value.getType()) {
    case DynamicValue::STRUCT: return StructToJson(value.as<DynamicStruct>());
    case DynamicValue::LIST: {
      OrderedJson arr = OrderedJson::array();
      for (auto item : value.as<DynamicList>()) arr.push_back(ValueToJson(item, rule));
      return arr;
    }
    default: return ScalarToJson(value, rule);
  }
}

bool IsUnsetOptional(DynamicStruct::Reader reader, const FieldRule& rule) {
  if (!rule.optional) return false;
  auto type = rule.field.getType();
  if (type.isStruct() || type.isList() || type.isText() || type.isData()) {
    return !reader.has(rule.field);
  }
  // An optional number is absent when 0 (schema/annotations.capnp).
  auto v = reader.get(rule.field);
  switch (v.getType()) {
    case DynamicValue::INT: return v.as<int64_t>() == 0;
    case DynamicValue::UINT: return v.as<uint64_t>() == 0;
    case DynamicValue::BOOL: return !v.as<bool>();
    default: return false;
  }
}

void AppendFields(DynamicStruct::Reader reader, OrderedJson& out) {
  for (const auto& rule : RulesFor(reader.getSchema()).fields) {
    if (rule.in_union || IsUnsetOptional(reader, rule)) continue;
    out[rule.json_name] = ValueToJson(reader.get(rule.field), &rule);
  }
}

OrderedJson StructToJson(DynamicStruct::Reader reader) {
  OrderedJson out = OrderedJson::object();
  AppendFields(reader, out);
  return out;
}

}  // namespace

Status EventFromJson(const nlohmann::json& json, schema::Event::Builder event) {
  if (!json.is_object()) return ExpectedKind("event", "a JSON object", json);
  DynamicStruct::Builder builder = event;
  RETURN_IF_ERROR(FillFields(json, builder, "", {"type", "data"}));
  auto type = json.find("type");
  if (type == json.end()) return PathError("type", "missing required field");
  if (!type->is_string()) return ExpectedKind("type", "a string", *type);
  // `data` is a group holding the union of event types.
  DynamicStruct::Builder data_group = builder.get("data").as<DynamicStruct>();
  const FieldRule* member = RulesFor(data_group.getSchema()).FindByEventType(type->get<std::string>());
  if (member == nullptr) {
    return PathError("type", "unknown event type \"" + type->get<std::string>().substr(0, 64) +
                                 "\" (see the catalogue in docs/events.md)");
  }
  auto data = json.find("data");
  if (data == json.end()) return PathError("data", "missing required field");
  if (!data->is_object()) return ExpectedKind("data", "an object", *data);
  return FillStruct(*data, data_group.init(member->field).as<DynamicStruct>(), "data");
}

std::optional<DynamicStruct::Reader> EventData(schema::Event::Reader event,
                                               const FieldRule** rule) {
  DynamicStruct::Reader group = DynamicStruct::Reader(event).get("data").as<DynamicStruct>();
  KJ_IF_MAYBE(field, group.which()) {
    const FieldRule* r = RulesFor(group.getSchema()).FindByField(*field);
    if (r == nullptr || r->event_type.empty()) return std::nullopt;
    if (rule) *rule = r;
    return group.get(*field).as<DynamicStruct>();
  }
  return std::nullopt;
}

std::string_view EventTypeName(schema::Event::Reader event) {
  const FieldRule* rule = nullptr;
  if (EventData(event, &rule)) return rule->event_type;
  return {};
}

nlohmann::ordered_json EventToJson(schema::Event::Reader event) {
  DynamicStruct::Reader reader = event;
  const auto& rules = RulesFor(reader.getSchema());
  const FieldRule* member = nullptr;
  auto data = EventData(event, &member);
  OrderedJson out = OrderedJson::object();
  for (const auto& rule : rules.fields) {
    if (rule.in_union || rule.json_name == "data" || IsUnsetOptional(reader, rule)) continue;
    out[rule.json_name] = ValueToJson(reader.get(rule.field), &rule);
    if (rule.json_name == "stream") out["type"] = member ? member->event_type : "";
  }
  if (data) out["data"] = StructToJson(*data);
  return out;
}

}  // namespace ledger::internal
