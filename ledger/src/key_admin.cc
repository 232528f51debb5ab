#include "ledger/key_admin.h"

#include <nlohmann/json.hpp>

#include "crypto.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"

namespace ledger {
namespace {

// Accountability (GDPR art. 5(2)) is the basis for keeping the record of who may sign.
constexpr const char* kKeyLegalBasis = "GDPR:5(2)";

nlohmann::ordered_json KeyEnvelope(const SigningKey& admin, std::string_view type) {
  nlohmann::ordered_json j;
  j["id"] = NewEventId();
  j["stream"] = "keys";
  j["type"] = type;
  j["occurred_at"] = FormatInstantMicros(NowMicros() / 1000000 * 1000000);
  j["actor"] = {{"id", admin.name()}, {"role", "admin"}};
  j["legal_basis"] = {kKeyLegalBasis};
  return j;
}

Result<std::unique_ptr<Ledger>> RegisterFirstAdmin(std::unique_ptr<Ledger> ledger,
                                                   const SigningKey& admin_key) {
  LEDGER_ASSIGN_OR_RETURN(
      auto event,
      SignEventJson(KeyRegisteredJson(admin_key, admin_key.verifier(), "admin", {}), admin_key));
  LEDGER_RETURN_IF_ERROR(ledger->log().Append(event).status());
  return ledger;
}

}  // namespace

std::string NewEventId() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string KeyRegisteredJson(const SigningKey& admin, const VerifierKey& key,
                              const std::string& role, const std::vector<std::string>& scope) {
  auto j = KeyEnvelope(admin, "key.registered");
  nlohmann::ordered_json data;
  data["key_id"] = key.key_id_hex();
  data["name"] = key.name();
  data["public_key"] = Base64Encode(key.public_key());
  data["role"] = role;
  if (!scope.empty()) data["scope"] = scope;
  j["data"] = data;
  return j.dump();
}

Result<std::unique_ptr<Ledger>> CreateLedgerWithAdmin(const std::string& data_dir,
                                                      const SigningKey& ledger_key,
                                                      const SigningKey& admin_key,
                                                      const LedgerOptions& options,
                                                      uint32_t max_agreement_problems) {
  LEDGER_ASSIGN_OR_RETURN(auto ledger, Ledger::Create(data_dir,
                                                      {ledger_key.name(), ledger_key.public_key(),
                                                       admin_key.key_id(), max_agreement_problems},
                                                      options));
  return RegisterFirstAdmin(std::move(ledger), admin_key);
}

Result<std::unique_ptr<Ledger>> CreateInMemoryLedgerWithAdmin(const SigningKey& ledger_key,
                                                              const SigningKey& admin_key,
                                                              const LedgerOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(
      auto ledger, Ledger::CreateInMemory(
                       {ledger_key.name(), ledger_key.public_key(), admin_key.key_id()}, options));
  return RegisterFirstAdmin(std::move(ledger), admin_key);
}

Result<AppendResult> RegisterKey(Ledger& ledger, const SigningKey& admin, const VerifierKey& key,
                                 const std::string& role, const std::vector<std::string>& scope) {
  LEDGER_ASSIGN_OR_RETURN(auto event,
                          SignEventJson(KeyRegisteredJson(admin, key, role, scope), admin));
  return ledger.log().Append(event);
}

Result<AppendResult> RevokeKey(Ledger& ledger, const SigningKey& admin,
                               const std::string& key_id_hex, const std::string& reason) {
  auto j = KeyEnvelope(admin, "key.revoked");
  j["data"] = {{"key_id", key_id_hex}, {"reason", reason}};
  LEDGER_ASSIGN_OR_RETURN(auto event, SignEventJson(j.dump(), admin));
  return ledger.log().Append(event);
}

}  // namespace ledger
