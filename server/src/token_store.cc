#include "server/token_store.h"

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "base/sodium.h"
#include "ledger/time_format.h"

namespace ledger::server {
namespace {

constexpr std::string_view kTokenPrefix = "ldgr_";
constexpr std::string_view kHashDomain = std::string_view("ledger/api-token/v1\0", 20);
constexpr int kFileVersion = 1;

std::string TokenHashHex(std::string_view token) {
  std::string message(kHashDomain);
  message.append(token);
  return Sha256Hex(message);
}

bool IsHex(std::string_view s, size_t n) { return s.size() == n && IsLowerHex(s); }

Result<std::vector<TokenRecord>> Parse(const std::string& text, const std::string& path) {
  std::vector<TokenRecord> out;
  try {
    auto j = nlohmann::json::parse(text);
    if (j.at("version").get<int>() != kFileVersion) {
      return Status::Corruption(path + ": unknown version");
    }
    for (const auto& t : j.at("tokens")) {
      TokenRecord r;
      r.id = t.at("id").get<std::string>();
      r.hash_hex = t.at("sha256").get<std::string>();
      r.key_id_hex = t.at("key_id").get<std::string>();
      r.role = t.at("role").get<std::string>();
      r.name = t.value("name", "");
      r.created_at_us = t.value("created_at_us", int64_t{0});
      r.revoked = t.value("revoked", false);
      if (!IsHex(r.id, 16) || !IsHex(r.hash_hex, 64) || !IsHex(r.key_id_hex, 8)) {
        return Status::Corruption(path + ": malformed token record " + r.id);
      }
      out.push_back(std::move(r));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  return out;
}

std::string Serialize(const std::vector<TokenRecord>& tokens) {
  nlohmann::ordered_json j;
  j["version"] = kFileVersion;
  j["tokens"] = nlohmann::ordered_json::array();
  for (const auto& r : tokens) {
    j["tokens"].push_back({{"id", r.id},
                           {"sha256", r.hash_hex},
                           {"key_id", r.key_id_hex},
                           {"role", r.role},
                           {"name", r.name},
                           {"created_at_us", r.created_at_us},
                           {"revoked", r.revoked}});
  }
  return j.dump(1) + "\n";
}

Result<std::vector<TokenRecord>> LoadRecords(const std::string& path) {
  auto text = internal::ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return std::vector<TokenRecord>{};
    return text.status();
  }
  return Parse(*text, path);
}

}  // namespace

std::string TokensPath(const std::string& data_dir) { return data_dir + "/server/tokens.json"; }

bool IsKnownRole(std::string_view role) {
  for (std::string_view r :
       {"admin", "caseworker", "service", "dpo", "auditor", "evaluator", "subscriber"}) {
    if (role == r) return true;
  }
  return false;
}

Result<TokenStore> TokenStore::Load(const std::string& path) {
  TokenStore store;
  LEDGER_ASSIGN_OR_RETURN(store.tokens_, LoadRecords(path));
  return store;
}

Result<NewToken> TokenStore::Create(const std::string& path, const std::string& key_id_hex,
                                    const std::string& role, const std::string& name) {
  if (!IsHex(key_id_hex, 8)) {
    return Status::InvalidArgument("key id must be 8 lowercase hex digits, got \"" + key_id_hex +
                                   "\"");
  }
  if (!IsKnownRole(role)) return Status::InvalidArgument("unknown role \"" + role + "\"");
  LEDGER_ASSIGN_OR_RETURN(auto lock, internal::FileLock::Acquire(path + ".lock"));
  LEDGER_ASSIGN_OR_RETURN(auto records, LoadRecords(path));
  NewToken out;
  out.record.id = HexEncode(RandomBytes(8));
  out.token = std::string(kTokenPrefix) + out.record.id + "_" + HexEncode(RandomBytes(32));
  out.record.hash_hex = TokenHashHex(out.token);
  out.record.key_id_hex = key_id_hex;
  out.record.role = role;
  out.record.name = name;
  out.record.created_at_us = NowMicros();
  records.push_back(out.record);
  LEDGER_RETURN_IF_ERROR(internal::WriteFileAtomic(path, Serialize(records)));
  return out;
}

Status TokenStore::Revoke(const std::string& path, const std::string& id) {
  LEDGER_ASSIGN_OR_RETURN(auto lock, internal::FileLock::Acquire(path + ".lock"));
  LEDGER_ASSIGN_OR_RETURN(auto records, LoadRecords(path));
  bool found = false;
  for (auto& r : records) {
    if (r.id == id) {
      r.revoked = true;
      found = true;
    }
  }
  if (!found) return Status::NotFound("no token with id " + id);
  return internal::WriteFileAtomic(path, Serialize(records));
}

Result<TokenRecord> TokenStore::Authenticate(std::string_view token) const {
  const Status refused = Status::PermissionDenied("unknown or revoked API token");
  // ldgr_<16 hex>_<64 hex>
  if (token.size() != kTokenPrefix.size() + 16 + 1 + 64 || !token.starts_with(kTokenPrefix) ||
      token[kTokenPrefix.size() + 16] != '_') {
    return refused;
  }
  const std::string_view id = token.substr(kTokenPrefix.size(), 16);
  const std::string hash = TokenHashHex(token);
  for (const auto& r : tokens_) {
    if (r.id == id && ConstantTimeEqual(r.hash_hex, hash) && !r.revoked) return r;
  }
  return refused;
}

}  // namespace ledger::server
