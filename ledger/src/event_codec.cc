#include "ledger/event_codec.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include <nlohmann/json.hpp>

#include "canonical.h"
#include "crypto.h"
#include "event.capnp.h"
#include "event_validator.h"
#include "json_codec.h"
#include "ledger/time_format.h"
#include "personal_values.h"

namespace ledger {
namespace {

constexpr std::string_view kEventSigningPrefix("ledger/event/v1\0", 16);
constexpr std::string_view kPersonalDigestPrefix("ledger/personal/v1\0", 19);

Result<std::string> EncodeCanonical(const nlohmann::json& json) {
  capnp::MallocMessageBuilder message;
  auto event = message.initRoot<schema::Event>();
  LEDGER_RETURN_IF_ERROR(internal::EventFromJson(json, event));
  LEDGER_RETURN_IF_ERROR(internal::ValidateEvent(event.asReader()));
  return internal::CanonicalBytes(event.asReader());
}

}  // namespace

const std::vector<std::string>& PersonalFields() {
  static const std::vector<std::string> kFields = {"name", "national_id", "birth_date", "notes"};
  return kFields;
}

std::string PersonalDigest(std::string_view salt, std::string_view field, std::string_view value) {
  return DigestBytes(
      Sha256Parts({kPersonalDigestPrefix, salt, field, std::string_view("\0", 1), value}));
}

std::string EventSigningMessage(std::string_view canonical_event) {
  std::string m(kEventSigningPrefix);
  m += canonical_event;
  return m;
}

Result<nlohmann::json> ParseEventJson(std::string_view json_text) {
  return internal::ParseJsonStrict(json_text);
}

Result<nlohmann::json> ParseEventJson(std::string_view json_text, size_t max_elements) {
  return internal::ParseJsonStrict(json_text, max_elements);
}

Result<std::string> CanonicalEventFromJson(std::string_view json_text) {
  LEDGER_ASSIGN_OR_RETURN(auto json, internal::ParseJsonStrict(json_text));
  return EncodeCanonical(json);
}

Result<SignedEvent> SignEventJson(std::string_view json_line, const SigningKey& key) {
  LEDGER_ASSIGN_OR_RETURN(auto json, internal::ParseJsonStrict(json_line));
  return SignEventJsonValue(std::move(json), key);
}

Result<SignedEvent> SignEventJsonValue(nlohmann::json json, const SigningKey& key) {
  if (!json.is_object()) return Status::InvalidArgument("event: expected a JSON object");
  SignedEvent out;
  auto personal = json.find("personal");
  if (personal != json.end() && !personal->is_null()) {
    if (!personal->is_object()) {
      return Status::InvalidArgument("personal: expected an object of plain values");
    }
    nlohmann::json digests = nlohmann::json::object();
    for (auto it = personal->begin(); it != personal->end(); ++it) {
      if (!it.value().is_string()) {
        return Status::InvalidArgument("personal." + it.key() + ": expected a string");
      }
      const std::string value = it.value().get<std::string>();
      LEDGER_RETURN_IF_ERROR(internal::CheckPersonalValue(it.key(), value));
      // A fresh random salt, kept only sealed in the vault with the value: once the subject is
      // shredded no key, file or secret that survives lets anyone test a guess against the
      // digest. A retry signs again with new salts; the ledger still recognises it as the same
      // event (docs/formats.md, "Personal digest").
      std::string salt = RandomBytes(internal::kPersonalSaltBytes);
      Disclosure d{std::move(salt), it.key(), value};
      digests[it.key()] = HexEncode(PersonalDigest(d.salt, d.field, d.value));
      out.disclosures.push_back(std::move(d));
    }
    *personal = std::move(digests);
  }
  LEDGER_ASSIGN_OR_RETURN(out.event, EncodeCanonical(json));
  out.key_id = key.key_id();
  out.signature = key.Sign(EventSigningMessage(out.event));
  return out;
}

Result<nlohmann::ordered_json> EventJsonValueFromCanonical(std::string_view canonical_event) {
  LEDGER_ASSIGN_OR_RETURN(auto msg, internal::CanonicalMessage::Decode(canonical_event, "event"));
  nlohmann::ordered_json out;
  kj::Maybe<kj::Exception> error =
      kj::runCatchingExceptions([&]() { out = internal::EventToJson(msg->Root<schema::Event>()); });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(std::string("event: ") + e->getDescription().cStr());
  }
  return out;
}

Result<std::string> EventJsonFromCanonical(std::string_view canonical_event) {
  LEDGER_ASSIGN_OR_RETURN(auto json, EventJsonValueFromCanonical(canonical_event));
  return json.dump();
}

Result<std::string> CanonicalEventFromJsonValue(const nlohmann::json& event) {
  return EncodeCanonical(event);
}

Result<EventSummary> SummarizeEvent(std::string_view canonical_event) {
  LEDGER_ASSIGN_OR_RETURN(auto msg, internal::CanonicalMessage::Decode(canonical_event, "event"));
  EventSummary s;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    auto ev = msg->Root<schema::Event>();
    s.id = ev.getId().cStr();
    s.stream = ev.getStream().cStr();
    s.type = std::string(internal::EventTypeName(ev));
    s.subject = ev.getSubject().cStr();
    s.has_personal = ev.hasPersonal();
    auto t = ParseInstantMicros(ev.getOccurredAt().cStr());
    s.occurred_at_us = t.ok() ? *t : 0;
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(std::string("event: ") + e->getDescription().cStr());
  }
  return s;
}

Status ValidateCanonicalEvent(std::string_view bytes) {
  LEDGER_ASSIGN_OR_RETURN(auto msg, internal::CanonicalMessage::Decode(bytes, "event"));
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions(
      [&]() { status = internal::ValidateEvent(msg->Root<schema::Event>()); });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(std::string("event: ") + e->getDescription().cStr());
  }
  return status;
}

}  // namespace ledger
