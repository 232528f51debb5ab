#include "prepared_event.h"

#include <capnp/dynamic.h>
#include <kj/exception.h>

#include <charconv>
#include <map>

#include "canonical.h"
#include "case_facts_reader.h"
#include "crypto.h"
#include "event.capnp.h"
#include "event_validator.h"
#include "json_codec.h"
#include "key_registry.h"
#include "ledger/event_codec.h"
#include "ledger/signing_key.h"
#include "ledger/time_format.h"
#include "personal_values.h"
#include "schema_rules.h"

namespace ledger::internal {
namespace {

constexpr int64_t kMaxFutureMicros = 5 * 60 * 1000000LL;
// Entry overhead beyond the event bytes: key id, signature, positions, pointers.
constexpr size_t kEntryOverheadBytes = 160;

Status ParseExpected(std::string_view text, PreparedEvent* out) {
  if (text.empty() || text == "any") {
    out->expected = ExpectedKind::kAny;
  } else if (text == "no_stream") {
    out->expected = ExpectedKind::kNoStream;
  } else if (text == "exists") {
    out->expected = ExpectedKind::kExists;
  } else {
    out->expected = ExpectedKind::kExact;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out->expected_version);
    if (ec != std::errc() || p != text.data() + text.size()) {
      return Status::InvalidArgument("expected_version: not a version number");
    }
  }
  return Status::Ok();
}

std::string RoleName(schema::Role role) {
  // The validator has already refused enumerants unknown to this build.
  auto enumerant = capnp::toDynamic(role).getEnumerant();
  KJ_IF_MAYBE (e, enumerant) {
    return EnumJsonName(*e);
  }
  return "unknown";
}

std::map<std::string, std::string> DigestsOf(schema::PersonalDigests::Reader p) {
  std::map<std::string, std::string> out;
  auto put = [&](const char* field, bool has, capnp::Data::Reader d) {
    if (has) out[field] = std::string(reinterpret_cast<const char*>(d.begin()), d.size());
  };
  put("name", p.hasName(), p.getName());
  put("national_id", p.hasNationalId(), p.getNationalId());
  put("birth_date", p.hasBirthDate(), p.getBirthDate());
  put("notes", p.hasNotes(), p.getNotes());
  return out;
}

// Every digest in the event has exactly one disclosure that hashes to it, and nothing else.
Status CheckDisclosures(schema::Event::Reader event, const std::vector<Disclosure>& disclosures) {
  std::map<std::string, std::string> digests;
  if (event.hasPersonal()) digests = DigestsOf(event.getPersonal());
  for (const auto& d : disclosures) {
    LEDGER_RETURN_IF_ERROR(CheckPersonalValue(d.field, d.value));
    if (d.salt.size() != kPersonalSaltBytes) {
      return Status::InvalidArgument("personal." + d.field + ": salt must be 16 bytes");
    }
    auto it = digests.find(d.field);
    if (it == digests.end()) {
      return Status::InvalidArgument("personal." + d.field +
                                     ": a value was sent but the event has no digest for it, or "
                                     "it was sent twice");
    }
    if (PersonalDigest(d.salt, d.field, d.value) != it->second) {
      return Status::InvalidArgument("personal." + d.field +
                                     ": the value does not match the event's digest");
    }
    digests.erase(it);
  }
  if (!digests.empty()) {
    return Status::InvalidArgument("personal." + digests.begin()->first +
                                   ": the event has a digest but no value was sent with it");
  }
  return Status::Ok();
}

Status ExtractKeyChange(schema::Event::Reader event, PreparedEvent* out) {
  auto data = event.getData();
  if (data.isKeyRegistered()) {
    auto k = data.getKeyRegistered();
    LEDGER_ASSIGN_OR_RETURN(auto raw, Base64Decode(k.getPublicKey().cStr()));
    LEDGER_ASSIGN_OR_RETURN(auto verifier, VerifierKey::FromPublicKey(k.getName().cStr(), raw));
    if (verifier.key_id_hex() != k.getKeyId().cStr()) {
      return Status::InvalidArgument("data.key_id: " + std::string(k.getKeyId().cStr()) +
                                     " is not the key id of this name and public key (" +
                                     verifier.key_id_hex() + ")");
    }
    KeyChange change;
    change.key_id = verifier.key_id();
    change.info.key_id_hex = verifier.key_id_hex();
    change.info.name = verifier.name();
    change.info.public_key = verifier.public_key();
    change.info.role = RoleName(k.getRole());
    for (auto s : k.getScope()) change.info.scope.emplace_back(s.cStr());
    out->key_change = std::move(change);
  } else if (data.isKeyRevoked()) {
    LEDGER_ASSIGN_OR_RETURN(auto raw, HexDecode(data.getKeyRevoked().getKeyId().cStr()));
    KeyChange change;
    change.revoke = true;
    change.key_id = raw;
    out->key_change = std::move(change);
  }
  return Status::Ok();
}

}  // namespace

Status VerifyEventSignature(const SignedEvent& event, std::string_view public_key) {
  if (!Ed25519Verify(public_key, EventSigningMessage(event.event), event.signature)) {
    return Status::PermissionDenied("bad signature: the event was not signed by key " +
                                    HexEncode(event.key_id) + " or was altered after signing");
  }
  return Status::Ok();
}

namespace {

Result<PreparedEvent> Prepare(const SignedEvent& event, int64_t now_us, bool check_disclosures) {
  if (event.event.size() + kEntryOverheadBytes > kMaxEntryBytes) {
    return Status::InvalidArgument("event is " + std::to_string(event.event.size()) +
                                   " bytes: an entry may be at most 65535 bytes");
  }
  if (event.key_id.size() != 4) return Status::InvalidArgument("key id must be 4 bytes");
  if (event.signature.size() != kEd25519SignatureSize) {
    return Status::InvalidArgument("signature must be 64 bytes");
  }
  auto msg = CanonicalMessage::Decode(event.event, "event");
  if (!msg.ok()) return Status::InvalidArgument(msg.status().message());
  PreparedEvent out;
  out.source = &event;
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    auto ev = (*msg)->Root<schema::Event>();
    status = ValidateEvent(ev);
    if (!status.ok()) return;
    auto occurred = ParseInstantMicros(ev.getOccurredAt().cStr());
    if (*occurred > now_us + kMaxFutureMicros) {
      status = Status::InvalidArgument("occurred_at: " + std::string(ev.getOccurredAt().cStr()) +
                                       " is more than 5 minutes ahead of the ledger clock (" +
                                       FormatInstantMicros(now_us) + ")");
      return;
    }
    out.occurred_at_us = *occurred;
    out.actor_role = RoleName(ev.getActor().getRole());
    out.id = ev.getId().cStr();
    out.stream = ev.getStream().cStr();
    if (ev.hasSubject()) out.subject = ev.getSubject().cStr();
    // At least one digest: an empty `personal` struct carries nothing to seal.
    if (ev.hasPersonal()) {
      auto d = ev.getPersonal();
      out.has_personal = d.hasName() || d.hasNationalId() || d.hasBirthDate() || d.hasNotes();
    }
    out.type = std::string(EventTypeName(ev));
    status = ParseExpected(ev.getExpectedVersion().cStr(), &out);
    if (!status.ok()) return;
    if (ev.getData().isCaseOpened()) out.office = ev.getData().getCaseOpened().getOffice().cStr();
    if (out.stream.starts_with("case/")) out.case_facts = ReadCaseFacts(ev, out.occurred_at_us);
    if (check_disclosures) {
      status = CheckDisclosures(ev, event.disclosures);
      if (!status.ok()) return;
    }
    status = ExtractKeyChange(ev, &out);
  });
  KJ_IF_MAYBE (e, error) {
    return Status::InvalidArgument(std::string("event: ") + e->getDescription().cStr());
  }
  LEDGER_RETURN_IF_ERROR(status);
  out.content_digest = DigestBytes(Sha256(event.event));
  return out;
}

}  // namespace

Result<PreparedEvent> PrepareEvent(const SignedEvent& event, int64_t now_us) {
  return Prepare(event, now_us, /*check_disclosures=*/true);
}

Result<PreparedEvent> PrepareStoredEvent(const SignedEvent& event, int64_t recorded_at_us) {
  return Prepare(event, recorded_at_us, /*check_disclosures=*/false);
}

}  // namespace ledger::internal
