// Projections and consumer groups: GET /v1/reports/caseload, GET /v1/groups/<name>,
// POST /v1/groups/<name>/ack.
#include <nlohmann/json.hpp>

#include "api.h"
#include "replay/caseload.h"
#include "replay/report_time.h"
#include "subscription.h"

namespace ledger::server::internal {
namespace {

Reply Caseload(ApiContext& ctx, const ApiRequest& req) {
  const Principal& p = req.principal;
  if (!MayAudit(p) && !(p.role == "caseworker" && p.scope.empty())) {
    return Forbidden("role " + p.role + " (with this scope) may not read the whole caseload");
  }
  replay::CaseloadQuery query;
  std::string format = "json";
  for (const auto& [name, value] : req.target.params) {
    if (name == "as_of") {
      auto date = ParseDate(value);
      if (!date.ok()) return ErrorReply(422, "invalid_argument", "as_of: " + date.status().message());
      query.as_of = *date;
    } else if (name == "at_seq") {
      uint64_t v = 0;
      if (!ParseDecimal(value, &v)) return ErrorReply(422, "invalid_argument", "at_seq: not a number");
      query.at_seq = v;
    } else if (name == "zone") {
      auto zone = replay::ReportZone::Parse(value);
      if (!zone.ok()) return ErrorReply(422, "invalid_argument", "zone: " + zone.status().message());
      query.zone = *zone;
    } else if (name == "format") {
      if (value != "json" && value != "csv" && value != "summary_csv") {
        return ErrorReply(422, "invalid_argument", "format must be json, csv or summary_csv");
      }
      format = value;
    } else {
      return ErrorReply(422, "invalid_argument", "unknown parameter \"" + name + "\"");
    }
  }
  auto run = replay::RunCaseload(ctx.ledger, query);
  if (!run.ok()) return ErrorFor(run.status());
  if (format == "csv") return TextReply(200, replay::CaseloadCsv(run->report), "text/csv");
  if (format == "summary_csv") {
    return TextReply(200, replay::CaseloadSummaryCsv(run->report), "text/csv");
  }
  return JsonReply(200, replay::CaseloadJson(run->report));
}

Reply Groups(ApiContext& ctx, const ApiRequest& req) {
  std::string rest = req.target.path.substr(11);  // after "/v1/groups/"
  const bool ack = rest.ends_with("/ack");
  if (ack) rest.resize(rest.size() - 4);
  if (!ValidGroupName(rest)) {
    return ErrorReply(400, "bad_path", "a group name is 1-64 characters of [A-Za-z0-9._-]");
  }
  const Principal& p = req.principal;
  if (!ack) {
    if (req.method != "GET") return MethodNotAllowed("GET");
    nlohmann::ordered_json j;
    j["group"] = rest;
    auto pos = ctx.groups.Position(p.key_id_hex, rest);
    j["position"] = pos ? nlohmann::ordered_json(*pos) : nlohmann::ordered_json(nullptr);
    return JsonReply(200, j.dump());
  }
  if (req.method != "POST") return MethodNotAllowed("POST");
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("position") ||
      !body["position"].is_number_unsigned() || body.size() != 1) {
    return ErrorReply(422, "invalid_argument", "the body must be {\"position\": <seq>}");
  }
  const uint64_t position = body["position"].get<uint64_t>();
  if (position > ctx.hub.end()) {
    return ErrorReply(422, "invalid_argument",
                      "position " + std::to_string(position) + " is beyond the log's end " +
                          std::to_string(ctx.hub.end()));
  }
  auto acked = ctx.groups.Ack(p.key_id_hex, rest, position);
  if (!acked.ok()) return ErrorFor(acked.status());
  nlohmann::ordered_json j;
  j["group"] = rest;
  j["position"] = *acked;
  return JsonReply(200, j.dump());
}

}  // namespace

Reply HandleReports(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  const std::string& path = req.target.path;
  if (path == "/v1/reports/caseload") {
    if (req.method != "GET") return MethodNotAllowed("GET");
    return Caseload(ctx, req);
  }
  if (path.starts_with("/v1/groups/")) return Groups(ctx, req);
  *handled = false;
  return {};
}

}  // namespace ledger::server::internal
