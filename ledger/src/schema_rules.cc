#include "schema_rules.h"

#include <map>
#include <memory>
#include <unordered_map>

#include "base/mutex.h"

namespace ledger::internal {
namespace {

// Ids fixed in schema/annotations.capnp.
constexpr uint64_t kOptionalId = 0xf4fe2ac5c56dff67ull;
constexpr uint64_t kFormatId = 0x9eae0ca0336c5bc9ull;
constexpr uint64_t kMinId = 0x8c4cf6f8e429d553ull;
constexpr uint64_t kMaxId = 0xeddffc218e1d4205ull;
constexpr uint64_t kMinItemsId = 0xefb326f8c9b4f5eaull;
constexpr uint64_t kMaxItemsId = 0xda4b3790de3873abull;
constexpr uint64_t kEventTypeId = 0xdc3e6d612b29a8e8ull;

int64_t AnnotationInt(capnp::schema::Value::Reader v) {
  switch (v.which()) {
    case capnp::schema::Value::INT64:
      return v.getInt64();
    case capnp::schema::Value::UINT32:
      return v.getUint32();
    default:
      return 0;
  }
}

std::unique_ptr<StructRules> BuildRules(capnp::StructSchema schema) {
  auto rules = std::make_unique<StructRules>();
  rules->schema = schema;
  for (auto field : schema.getFields()) {
    FieldRule r;
    r.field = field;
    auto proto = field.getProto();
    r.json_name = CamelToSnake(proto.getName().cStr());
    r.in_union = proto.getDiscriminantValue() != capnp::schema::Field::NO_DISCRIMINANT;
    if (proto.isSlot()) r.has_default = proto.getSlot().getHadExplicitDefault();
    for (auto a : proto.getAnnotations()) {
      switch (a.getId()) {
        case kOptionalId:
          r.optional = true;
          break;
        case kFormatId:
          r.format = a.getValue().getText().cStr();
          break;
        case kMinId:
          r.min = AnnotationInt(a.getValue());
          break;
        case kMaxId:
          r.max = AnnotationInt(a.getValue());
          break;
        case kMinItemsId:
          r.min_items = static_cast<uint32_t>(AnnotationInt(a.getValue()));
          break;
        case kMaxItemsId:
          r.max_items = static_cast<uint32_t>(AnnotationInt(a.getValue()));
          break;
        case kEventTypeId:
          r.event_type = a.getValue().getText().cStr();
          break;
        default:
          break;
      }
    }
    rules->fields.push_back(std::move(r));
  }
  return rules;
}

Mutex& CacheMutex() {
  static Mutex m;
  return m;
}

}  // namespace

std::string CamelToSnake(std::string_view camel) {
  std::string out;
  out.reserve(camel.size() + 4);
  for (char c : camel) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back('_');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const FieldRule* StructRules::FindByJsonName(std::string_view name) const {
  for (const auto& f : fields) {
    if (!f.in_union && f.json_name == name) return &f;
  }
  return nullptr;
}

const FieldRule* StructRules::FindByEventType(std::string_view type) const {
  for (const auto& f : fields) {
    if (f.in_union && f.event_type == type) return &f;
  }
  return nullptr;
}

const FieldRule* StructRules::FindByField(const capnp::StructSchema::Field& field) const {
  auto index = field.getIndex();
  return index < fields.size() ? &fields[index] : nullptr;
}

const StructRules& RulesFor(capnp::StructSchema schema) {
  // Schemas are static for the process, so entries are never invalidated; the map only grows to
  // the number of struct types in the catalogue. Each thread keeps its own index of the shared
  // entries so that the hot path (every field of every appended event) takes no lock.
  static std::unordered_map<uint64_t, std::unique_ptr<StructRules>> cache LEDGER_GUARDED_BY(
      CacheMutex());
  thread_local std::unordered_map<uint64_t, const StructRules*> local;
  const uint64_t id = schema.getProto().getId();
  if (auto it = local.find(id); it != local.end()) return *it->second;
  MutexLock lock(CacheMutex());
  auto& slot = cache[id];
  if (!slot) slot = BuildRules(schema);
  local.emplace(id, slot.get());
  return *slot;
}

const std::string& EnumJsonName(capnp::EnumSchema::Enumerant enumerant) {
  // std::map nodes are stable, so a thread-local index can point into the shared map.
  static std::map<std::pair<uint64_t, uint16_t>, std::string> names LEDGER_GUARDED_BY(CacheMutex());
  thread_local std::map<std::pair<uint64_t, uint16_t>, const std::string*> local;
  auto key =
      std::make_pair(enumerant.getContainingEnum().getProto().getId(), enumerant.getOrdinal());
  if (auto it = local.find(key); it != local.end()) return *it->second;
  MutexLock lock(CacheMutex());
  auto it = names.find(key);
  if (it == names.end()) {
    it = names.emplace(key, CamelToSnake(enumerant.getProto().getName().cStr())).first;
  }
  local.emplace(key, &it->second);
  return it->second;
}

std::optional<capnp::EnumSchema::Enumerant> FindEnumerant(capnp::EnumSchema schema,
                                                          std::string_view json_name) {
  for (auto e : schema.getEnumerants()) {
    if (EnumJsonName(e) == json_name) return e;
  }
  return std::nullopt;
}

std::string EnumChoices(capnp::EnumSchema schema) {
  std::string out;
  for (auto e : schema.getEnumerants()) {
    if (!out.empty()) out += ", ";
    out += EnumJsonName(e);
  }
  return out;
}

}  // namespace ledger::internal
