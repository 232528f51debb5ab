// Releases for evaluators (docs/evaluator-guide.md, "Receiving a release"): the dpo exports a
// release into the server's releases directory, and records it; evaluators list and download it.
//
//   POST /v1/releases/<id>/export             dpo: export (access-logged: action "export")
//   GET  /v1/releases                         the releases in force: id, recipient, files
//   GET  /v1/releases/<id>                    one of them
//   GET  /v1/releases/<id>/files/<name>       a file of it (access-logged: action "export")
//
// The server holds no dpo key, so an export through it is two steps: the server writes and
// publishes the release and answers with the data of its release.exported event; the dpo signs
// that event and appends it (POST /v1/events; `ledger release export --url` does both). Until
// the record is in the ledger, the release is not handed out.
//
// Only a release whose manifest the ledger recorded (release.exported) and whose approval is in
// force is handed out (release::FindPublished). Evaluators and the dpo may ask; an evaluator
// whose key has a registered scope sees only the release ids it names.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "api.h"
#include "base/mutex.h"
#include "ledger/time_format.h"
#include "release/release.h"

namespace ledger::server::internal {
namespace {

bool MayReceive(const Principal& p, std::string_view release_id) {
  if (p.role == "dpo") return true;
  if (p.role != "evaluator") return false;
  return p.scope.empty() || std::find(p.scope.begin(), p.scope.end(), release_id) != p.scope.end();
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

Reply One(ApiContext& ctx, const ApiRequest& req, const std::string& id, const std::string& file) {
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
  reply.content_type = file.ends_with(".json")    ? "application/json"
                       : file.ends_with(".csv")   ? "text/csv; charset=utf-8"
                       : file.ends_with(".jsonl") ? "application/x-ndjson"
                                                  : "text/plain; charset=utf-8";
  reply.file_path = f->path;
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
  if (!f->sha256.empty()) reply.headers.emplace_back("X-Content-SHA256", f->sha256);
  return reply;
}

// The body of POST /v1/releases/<id>/export: the parameters of `ledger release export`, named
// as its flags with '_' for '-'. Unknown names and wrong types are refused, naming the key.
std::optional<Reply> ParseExportBody(const std::string& body, release::ExportParamsText* t) {
  auto parsed = ParseRequestJson(body);
  if (!parsed.ok()) return MalformedJson(parsed.status());
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) {
    return ErrorReply(422, "invalid_argument",
                      "the body is a JSON object: {\"cohort\": \"2008-01..2008-12\", "
                      "\"as_of\": \"2010-12\", ...}");
  }
  const std::map<std::string, std::string*> texts = {
      {"cohort", &t->cohort}, {"as_of", &t->as_of}, {"link_to", &t->link_to}};
  const std::map<std::string, int*> numbers = {{"k", &t->k},
                                               {"small_cells", &t->small_cells},
                                               {"time_unit", &t->time_unit},
                                               {"max_suppressed", &t->max_suppressed},
                                               {"age_min", &t->age_min},
                                               {"age_max", &t->age_max}};
  for (const auto& [key, value] : j.items()) {
    if (auto it = texts.find(key); it != texts.end() && value.is_string()) {
      *it->second = value.get<std::string>();
    } else if (auto n = numbers.find(key); n != numbers.end() && value.is_number_integer() &&
                                           value.get<int64_t>() >= 0 &&
                                           value.get<int64_t>() <= 100000) {
      *n->second = value.get<int>();
    } else if (key == "horizons" && value.is_string()) {
      t->horizons = value.get<std::string>();
    } else if (key == "horizons" && value.is_array()) {
      std::string text;
      for (const auto& h : value) {
        if (!h.is_number_integer()) {
          return ErrorReply(422, "invalid_argument", "horizons: whole months");
        }
        text += (text.empty() ? "" : ",") + std::to_string(h.get<int64_t>());
      }
      t->horizons = text;
    } else if (texts.contains(key) || numbers.contains(key) || key == "horizons") {
      return ErrorReply(422, "invalid_argument", key + ": wrong type or out of range");
    } else {
      return ErrorReply(422, "invalid_argument", "unknown parameter " + key);
    }
  }
  return std::nullopt;
}

Reply Export(ApiContext& ctx, const ApiRequest& req, const std::string& id) {
  if (req.method != "POST") return MethodNotAllowed("POST");
  const Principal& p = req.principal;
  if (p.role != "dpo") return Forbidden("only the dpo exports releases");
  const LedgerOptions& lo = ctx.options.ledger_options;
  if (!lo.master_key || !lo.checkpoint_key) {
    return ErrorReply(409, "failed_precondition",
                      "this server was started without the ledger key or the master key; an "
                      "export needs both (the manifest is signed by the ledger key)");
  }
  release::ExportParamsText text;
  text.release_id = id;
  if (auto bad = ParseExportBody(req.body, &text)) return *bad;
  auto params = release::ParseExportParams(text);
  if (!params.ok()) return ErrorFor(params.status());
  if (!ctx.export_mu.TryLock()) {
    return ErrorReply(409, "conflict", "another export is in progress; retry when it is done");
  }
  MutexLock one_at_a_time(ctx.export_mu, std::adopt_lock);
  Status logged = ctx.access_log.Append(
      {p.token_id, p.key_id_hex, p.role, "export", "release:" + id}, NowMicros());
  if (!logged.ok()) return ErrorFor(logged);
  const std::string out = ctx.options.releases_dir + "/" + id;
  auto summary =
      release::Export(ctx.ledger, *lo.master_key, *lo.checkpoint_key, *params, out, NowMicros());
  if (!summary.ok()) return ErrorFor(summary.status());
  if (Status s = release::Publish(*summary, out); !s.ok()) {
    release::Discard(*summary);
    return ErrorFor(s);
  }
  if (ctx.log) {
    ctx.log("release " + id + " exported to " + out + " (" + std::to_string(summary->persons) +
            " persons); handed out once the dpo records release.exported");
  }
  nlohmann::ordered_json j;
  j["release_id"] = id;
  j["dir"] = out;
  j["manifest_sha256"] = summary->manifest_sha256;
  j["cohort"] = summary->cohort;
  j["excluded"] = {{"no_consent", summary->excluded.no_consent},
                   {"objected", summary->excluded.objected},
                   {"restricted", summary->excluded.restricted},
                   {"erased", summary->excluded.erased}};
  j["suppressed"] = summary->suppressed;
  j["persons"] = summary->persons;
  j["events"] = summary->events;
  j["agreement"] = {{"scope", summary->agreement_scope}, {"disagreements", summary->disagreements}};
  j["basis"] = summary->approval.basis;
  j["exported_event_data"] = nlohmann::ordered_json::parse(release::ExportedEventData(*summary));
  j["next"] =
      "append release.exported to the releases stream with exported_event_data, signed by your "
      "key: until then the release is not handed out";
  return JsonReply(201, j.dump());
}

}  // namespace

Reply HandleReleases(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  const std::string& path = req.target.path;
  if (path != "/v1/releases" && !path.starts_with("/v1/releases/")) {
    *handled = false;
    return {};
  }
  const Principal& p = req.principal;
  if (path.starts_with("/v1/releases/") && path.ends_with("/export")) {
    const std::string id(path.substr(13, path.size() - 13 - 7));
    if (!release::ValidReleaseId(id)) {
      return ErrorReply(422, "invalid_argument",
                        "release id: 1-64 characters of [A-Za-z0-9._-], not starting with '.'");
    }
    return Export(ctx, req, id);
  }
  if (req.method != "GET") return MethodNotAllowed("GET");
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
  if (!tail.starts_with("/files/") || tail.size() == 7 || tail.find('/', 7) != std::string::npos) {
    return ErrorReply(404, "not_found", "no such endpoint: " + path);
  }
  return One(ctx, req, id, tail.substr(7));
}

}  // namespace ledger::server::internal
