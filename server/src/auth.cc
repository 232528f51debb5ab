#include "auth.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "base/hex.h"
#include "base/mutex.h"
#include "ledger/event_codec.h"

namespace ledger::server::internal {
namespace {

constexpr size_t kMaxCachedOffices = 1 << 20;

int64_t MtimeNs(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  // A same-tick rewrite changes the size or (atomic rename) the inode.
  return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec +
         static_cast<int64_t>(st.st_size) * 7 + static_cast<int64_t>(st.st_ino) * 131;
}

}  // namespace

Authenticator::Authenticator(std::string tokens_path, Ledger& ledger)
    : path_(std::move(tokens_path)), ledger_(ledger) {}

Status Authenticator::Load() {
  MutexLock lock(mu_);
  file_mtime_ns_ = MtimeNs(path_);
  LEDGER_ASSIGN_OR_RETURN(store_, TokenStore::Load(path_));
  return Status::Ok();
}

void Authenticator::ReloadIfChanged() {
  const int64_t mtime = MtimeNs(path_);
  if (mtime == file_mtime_ns_) return;
  auto loaded = TokenStore::Load(path_);
  // A damaged file keeps the tokens already loaded; the next change is tried again.
  if (!loaded.ok()) return;
  store_ = std::move(loaded).value();
  file_mtime_ns_ = mtime;
}

namespace {

// The key check shared by Authenticate and Recheck: `key_id_hex` registered with `role` and not
// revoked.
Status CheckKey(Ledger& ledger, const std::string& key_id_hex, const std::string& role,
                std::vector<std::string>* scope) {
  for (const KeyInfo& key : ledger.log().Keys()) {
    if (key.key_id_hex != key_id_hex) continue;
    if (key.revoked) return Status::PermissionDenied("the token's key is revoked");
    if (key.role != role) {
      return Status::PermissionDenied("the token's key is registered as " + key.role + ", not " +
                                      role);
    }
    if (scope != nullptr) *scope = key.scope;
    return Status::Ok();
  }
  return Status::PermissionDenied("the token's key is not registered in this ledger");
}

}  // namespace

Result<Principal> Authenticator::Authenticate(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) return Status::PermissionDenied("no Authorization header");
  if (!authorization.starts_with(kBearer)) {
    return Status::PermissionDenied("Authorization must be \"Bearer <token>\"");
  }
  TokenRecord record;
  {
    MutexLock lock(mu_);
    ReloadIfChanged();
    LEDGER_ASSIGN_OR_RETURN(record, store_.Authenticate(authorization.substr(kBearer.size())));
  }
  Principal p;
  LEDGER_RETURN_IF_ERROR(CheckKey(ledger_, record.key_id_hex, record.role, &p.scope));
  p.token_id = record.id;
  p.key_id_hex = record.key_id_hex;
  auto key_id = HexDecode(record.key_id_hex);
  p.key_id = key_id.ok() ? *key_id : "";
  p.role = record.role;
  return p;
}

Status Authenticator::Recheck(const Principal& p) {
  {
    MutexLock lock(mu_);
    ReloadIfChanged();
    const TokenRecord* found = nullptr;
    for (const TokenRecord& r : store_.tokens()) {
      if (r.id == p.token_id) found = &r;
    }
    if (found == nullptr) return Status::PermissionDenied("the API token is no longer known");
    if (found->revoked) return Status::PermissionDenied("the API token was revoked");
  }
  return CheckKey(ledger_, p.key_id_hex, p.role, nullptr);
}

std::string OfficeIndex::OfficeOf(const std::string& stream) {
  if (!stream.starts_with("case/")) return "";
  {
    MutexLock lock(mu_);
    auto it = offices_.find(stream);
    if (it != offices_.end()) return it->second;
  }
  auto first = ledger_.log().ReadStream(stream, 0, 1);
  if (!first.ok() || first->empty()) return "";
  auto json = EventJsonFromCanonical(first->front().event);
  if (!json.ok()) return "";
  std::string office;
  try {
    auto j = nlohmann::json::parse(*json);
    if (j.value("type", "") == "case.opened") office = j.at("data").value("office", "");
  } catch (const nlohmann::json::exception&) {
    return "";
  }
  MutexLock lock(mu_);
  if (offices_.size() >= kMaxCachedOffices) offices_.clear();
  offices_[stream] = office;
  return office;
}

Status CheckMayReadHead(const Principal& p) {
  if (p.role == "evaluator") {
    return Status::PermissionDenied("evaluators receive releases only, not the log's head");
  }
  return Status::Ok();
}

Status CheckMayUseGroups(const Principal& p) {
  if (p.role == "evaluator") {
    return Status::PermissionDenied("evaluators receive releases only, not consumer groups");
  }
  return Status::Ok();
}

bool SeesEverything(const Principal& p) { return p.role == "auditor" || p.role == "admin"; }

bool StreamVisible(const Principal& p, const std::string& stream, OfficeIndex& offices) {
  if (SeesEverything(p)) return true;
  if (p.role == "evaluator") return stream == "releases";
  if (p.scope.empty()) return true;
  for (const std::string& s : p.scope) {
    if (s.starts_with("office:")) {
      const std::string office = offices.OfficeOf(stream);
      if (!office.empty() && office == s.substr(7)) return true;
    } else if (!s.empty() && s.back() == '/') {
      if (stream.starts_with(s)) return true;
    } else if (stream == s) {
      return true;
    }
  }
  return false;
}

bool MayReadPersonal(const Principal& p) { return p.role == "caseworker" || p.role == "dpo"; }

bool MayAppend(const Principal& p) {
  return p.role == "admin" || p.role == "caseworker" || p.role == "service" || p.role == "dpo";
}

Status CheckSigner(const SignedEvent& e, const Principal& p) {
  if (e.key_id != p.key_id) {
    return Status::PermissionDenied("the event is signed by key " + HexEncode(e.key_id) +
                                    ", but the token acts for key " + p.key_id_hex);
  }
  return Status::Ok();
}

bool MayAudit(const Principal& p) {
  return p.role == "auditor" || p.role == "admin" || p.role == "dpo";
}

}  // namespace ledger::server::internal
