// Releases for evaluators (docs/evaluator-guide.md, "Receiving a release"): the dpo exports a
// release into the server's releases directory (`ledger release export --out
// <releases-dir>/<id>`); evaluators list and download it here.
//
//   GET /v1/releases                          the releases in force: id, recipient, files
//   GET /v1/releases/<id>                     one of them
//   GET /v1/releases/<id>/files/<name>        a file of it (access-logged: action "export")
//
// Only a release whose manifest the ledger recorded (release.exported) and whose approval is in
// force is handed out (release::FindPublished). Evaluators and the dpo may ask; an evaluator
// whose key has a registered scope sees only the release ids it names.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "api.h"
#include "ledger/time_format.h"
#include "release/release.h"

namespace ledger::server::internal {
namespace {

bool MayReceive(const Principal& p, std::string_view release_id) {
  if (p.role == "dpo") return true;
  if (p.role != "evaluator") return false;
  return p.scope.empty() ||
         std::find(p.scope.begin(), p.scope.end(), release_id) != p.scope.end();
}

nlohmann::ordered_json Describe(const release::PublishedRelease& r) {
  nlohmann::ordered_json j;
  j["release_id"] = r.approval.release_id;
  j["recipient_org"] = r.approval.recipient_org;
  j["purpose"] = r.approval.purpose;
  j["basis"] = r.approval.basis;
  j["expires_at"] = FormatInstantMicros(r.approval.expires_at_us);
  j["manifest_sha256"] = r.manifest_sha256;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const auto& f : r.files) {
    nlohmann::ordered_json one;
    one["name"] = f.name;
    one["bytes"] = f.bytes;
    if (!f.sha256.empty()) one["sha256"] = f.sha256;
    one["href"] = "/v1/releases/" + r.approval.release_id + "/files/" + f.name;
    files.push_back(std::move(one));
  }
  j["files"] = std::move(files);
  return j;
}

Reply List(ApiContext& ctx, const ApiRequest& req) {
  auto list = release::ListPublished(ctx.ledger, ctx.options.releases_dir, NowMicros());
  if (!list.ok()) return ErrorFor(list.status());
  nlohmann::ordered_json releases = nlohmann::ordered_json::array();
  for (const auto& r : *list) {
    if (MayReceive(req.principal, r.approval.release_id)) releases.push_back(Describe(r));
  }
  nlohmann::ordered_json j;
  j["releases"] = std::move(releases);
  return JsonReply(200, j.dump());
}

Reply One(ApiContext& ctx, const ApiRequest& req, const std::string& id,
          const std::string& file) {
  if (!MayReceive(req.principal, id)) {
    return Forbidden("this token's scope does not name release " + id);
  }
  auto r = release::FindPublished(ctx.ledger, ctx.options.releases_dir, id, NowMicros());
  if (!r.ok()) return ErrorFor(r.status());
  if (file.empty()) return JsonReply(200, Describe(*r).dump());
  auto f = std::find_if(r->files.begin(), r->files.end(),
                        [&](const release::ReleaseFile& rf) { return rf.name == file; });
  if (f == r->files.end()) {
    return ErrorReply(404, "not_found", "release " + id + " has no file " + file);
  }
  // Logged before a byte leaves: the record exists even if the transfer breaks off.
  const Principal& p = req.principal;
  Status logged = ctx.access_log.Append(
      {p.token_id, p.key_id_hex, p.role, "export", "release:" + id + "/" + file}, NowMicros());
  if (!logged.ok()) return ErrorFor(logged);
  Reply reply;
  reply.content_type = file.ends_with(".json")  ? "application/json"
                       : file.ends_with(".csv") ? "text/csv; charset=utf-8"
                       : file.ends_with(".jsonl")
                           ? "application/x-ndjson"
                           : "text/plain; charset=utf-8";
  reply.file_path = f->path;
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
  if (!f->sha256.empty()) reply.headers.emplace_back("X-Content-SHA256", f->sha256);
  return reply;
}

}  // namespace

Reply HandleReleases(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  const std::string& path = req.target.path;
  if (path != "/v1/releases" && !path.starts_with("/v1/releases/")) {
    *handled = false;
    return {};
  }
  if (req.method != "GET") return MethodNotAllowed("GET");
  const Principal& p = req.principal;
  if (p.role != "evaluator" && p.role != "dpo") {
    return Forbidden("only evaluators (and the dpo) receive releases");
  }
  if (path == "/v1/releases") return List(ctx, req);
  // "/v1/releases/<id>" or "/v1/releases/<id>/files/<name>"
  const std::string rest = path.substr(std::string_view("/v1/releases/").size());
  const size_t slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  if (!release::ValidReleaseId(id)) {
    return ErrorReply(404, "not_found", "no such release: " + id);
  }
  if (slash == std::string::npos) return One(ctx, req, id, "");
  const std::string tail = rest.substr(slash);
  if (!tail.starts_with("/files/") || tail.size() == 7 ||
      tail.find('/', 7) != std::string::npos) {
    return ErrorReply(404, "not_found", "no such endpoint: " + path);
  }
  return One(ctx, req, id, tail.substr(7));
}

}  // namespace ledger::server::internal
