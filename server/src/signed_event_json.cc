#include "signed_event_json.h"

#include "base/base64.h"
#include "base/hex.h"
#include "ledger/event_codec.h"

namespace ledger::server::internal {

Result<SignedEvent> SignedEventFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("a signed event must be a JSON object");
  for (const auto& [name, value] : j.items()) {
    if (name != "event" && name != "event_bytes" && name != "key_id" && name != "signature" &&
        name != "disclosures") {
      return Status::InvalidArgument("unknown field \"" + name + "\"");
    }
  }
  SignedEvent out;
  const bool has_event = j.contains("event"), has_bytes = j.contains("event_bytes");
  if (has_event == has_bytes) {
    return Status::InvalidArgument("exactly one of \"event\" and \"event_bytes\" is required");
  }
  if (has_event) {
    if (!j["event"].is_object()) return Status::InvalidArgument("event: must be an object");
    // The body was parsed strictly already (ParseRequestJson): no need to print and parse the
    // event again.
    auto canonical = CanonicalEventFromJsonValue(j["event"]);
    if (!canonical.ok()) return canonical.status().WithContext("event");
    out.event = std::move(canonical).value();
  } else {
    const auto& b = j["event_bytes"];
    Result<std::string> bytes = Status::InvalidArgument("not a string");
    if (b.is_string()) bytes = Base64Decode(b.get<std::string>());
    if (!bytes.ok()) return Status::InvalidArgument("event_bytes: must be standard base64");
    out.event = std::move(*bytes);
  }
  if (!j.contains("key_id") || !j["key_id"].is_string()) {
    return Status::InvalidArgument("key_id: required, 8 hex digits");
  }
  auto key_id = HexDecode(j["key_id"].get<std::string>());
  if (!key_id.ok() || key_id->size() != 4) {
    return Status::InvalidArgument("key_id: must be 8 hex digits");
  }
  out.key_id = std::move(*key_id);
  if (!j.contains("signature") || !j["signature"].is_string()) {
    return Status::InvalidArgument("signature: required, base64 of 64 bytes");
  }
  auto signature = Base64Decode(j["signature"].get<std::string>());
  if (!signature.ok() || signature->size() != 64) {
    return Status::InvalidArgument("signature: must be standard base64 of 64 bytes");
  }
  out.signature = std::move(*signature);
  if (j.contains("disclosures")) {
    const auto& list = j["disclosures"];
    if (!list.is_array()) return Status::InvalidArgument("disclosures: must be an array");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = "disclosures[" + std::to_string(i) + "]";
      const auto& d = list[i];
      if (!d.is_object() || !d.contains("salt") || !d.contains("field") || !d.contains("value") ||
          !d["salt"].is_string() || !d["field"].is_string() || !d["value"].is_string() ||
          d.size() != 3) {
        return Status::InvalidArgument(where +
                                       ": must be {\"salt\", \"field\", \"value\"} strings");
      }
      auto salt = Base64Decode(d["salt"].get<std::string>());
      if (!salt.ok()) return Status::InvalidArgument(where + ".salt: must be standard base64");
      out.disclosures.push_back(Disclosure{std::move(*salt), d["field"].get<std::string>(),
                                           d["value"].get<std::string>()});
    }
  }
  return out;
}

Result<nlohmann::ordered_json> SignedEventToJson(const SignedEvent& event) {
  LEDGER_ASSIGN_OR_RETURN(std::string json, EventJsonFromCanonical(event.event));
  nlohmann::ordered_json j;
  j["event"] = nlohmann::ordered_json::parse(json);
  j["key_id"] = HexEncode(event.key_id);
  j["signature"] = Base64Encode(event.signature);
  if (!event.disclosures.empty()) {
    j["disclosures"] = nlohmann::ordered_json::array();
    for (const auto& d : event.disclosures) {
      j["disclosures"].push_back(
          {{"salt", Base64Encode(d.salt)}, {"field", d.field}, {"value", d.value}});
    }
  }
  return j;
}

}  // namespace ledger::server::internal
