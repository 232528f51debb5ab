// Administration: POST /v1/admin/backup (admin role) makes an online backup of the data
// directory (server/backup.h) in a new subdirectory of ServerOptions::backup_dir, while the
// server goes on appending and serving. The copy is access-logged (action "backup"), since it
// holds every sealed personal value.
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "api.h"
#include "base/mutex.h"
#include "ledger/time_format.h"
#include "server/backup.h"
#include "tlog/base64.h"

namespace ledger::server::internal {
namespace {

// A backup's directory name: 1-64 characters of [A-Za-z0-9._-], not starting with '.'.
bool ValidBackupName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "ledger-20240501T120000Z-<size>": unique unless two backups of one size start in one second.
std::string DefaultBackupName(uint64_t size) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return "ledger-" + std::string(stamp) + "-" + std::to_string(size);
}

Reply Backup(ApiContext& ctx, const ApiRequest& req) {
  if (req.method != "POST") return MethodNotAllowed("POST");
  const Principal& p = req.principal;
  if (p.role != "admin") return Forbidden("only admins make backups");
  if (ctx.options.backup_dir.empty()) {
    return ErrorReply(409, "failed_precondition",
                      "this server has no backup directory (start it with --backup-dir DIR)");
  }
  std::string name;
  if (!req.body.empty()) {
    auto parsed = ParseRequestJson(req.body);
    if (!parsed.ok()) return MalformedJson(parsed.status());
    const nlohmann::json& body = *parsed;
    const bool valid = body.is_object() && body.size() <= 1 &&
                       (body.empty() || (body.contains("name") && body["name"].is_string()));
    if (!valid) {
      return ErrorReply(422, "invalid_argument",
                        "the body must be empty or {\"name\": \"<directory name>\"}");
    }
    if (body.contains("name")) {
      name = body["name"].get<std::string>();
      if (!ValidBackupName(name)) {
        return ErrorReply(422, "invalid_argument",
                          "name: 1-64 characters of [A-Za-z0-9._-], not starting with '.'");
      }
    }
  }
  if (!ctx.backup_mu.TryLock()) {
    return ErrorReply(409, "conflict", "another backup is in progress; retry when it is done");
  }
  MutexLock one_at_a_time(ctx.backup_mu, std::adopt_lock);
  if (name.empty()) name = DefaultBackupName(ctx.ledger.log().Size());
  const std::string out = ctx.options.backup_dir + "/" + name;
  // Logged before the copy is made, so the copy's own access log holds this record.
  AccessRecord record{p.token_id, p.key_id_hex, p.role, "backup", "dir:" + out};
  Status logged = ctx.access_log.Append(record, NowMicros());
  if (!logged.ok()) return ErrorFor(logged);
  const auto start = std::chrono::steady_clock::now();
  auto result = BackupDataDir(ctx.ledger, ctx.options.data_dir, out, &ctx.access_log);
  if (!result.ok()) {
    if (ctx.log) ctx.log("backup to " + out + " failed: " + result.status().ToString());
    return ErrorFor(result.status());
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  if (ctx.log) {
    ctx.log("backup of " + std::to_string(result->head.size) + " entries written to " +
            result->dir);
  }
  nlohmann::ordered_json j;
  j["dir"] = result->dir;
  j["size"] = result->head.size;
  j["root"] = tlog::HashToBase64(result->head.root);
  j["server_files"] = result->server_files;
  j["elapsed_ms"] = elapsed.count();
  return JsonReply(201, j.dump());
}

}  // namespace

Reply HandleAdmin(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  if (req.target.path == "/v1/admin/backup") return Backup(ctx, req);
  *handled = false;
  return {};
}

}  // namespace ledger::server::internal
