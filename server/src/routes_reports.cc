// Projections and consumer groups: GET /v1/reports/caseload, /v1/reports/outcomes and
// /v1/reports/compliance (each replays the log on the report thread that runs the handler,
// report_pool.h, as the CLI's report commands do), GET /v1/groups/<name>,
// POST /v1/groups/<name>/ack.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api.h"
#include "replay/caseload.h"
#include "replay/compliance.h"
#include "replay/outcomes.h"
#include "replay/report_time.h"
#include "subscription.h"

namespace ledger::server::internal {
namespace {

// What every report is asked: the moment (as_of, at_seq, zone, as the CLI's --as-of, --at-seq
// and --zone) and the format.
struct ReportParams {
  replay::ReportMoment moment;
  std::string format = "json";
};

// Reads the moment's parameters (at_seq at most `log_size`), `format` (one of `formats`, the first
// being the default) and the report's own parameters (`own`: name -> where its text goes) from
// `req`. A 422 reply naming the parameter at fault for a malformed value or an unknown name;
// nullopt when all is well.
std::optional<Reply> ParseReportParams(const ApiRequest& req, uint64_t log_size,
                                       const std::vector<std::string>& formats,
                                       const std::map<std::string, std::string*>& own,
                                       ReportParams* out) {
  out->format = formats.front();
  for (const auto& [name, value] : req.target.params) {
    if (name == "as_of") {
      auto date = ParseDate(value);
      if (!date.ok()) {
        return ErrorReply(422, "invalid_argument", "as_of: " + date.status().message());
      }
      out->moment.as_of = *date;
    } else if (name == "at_seq") {
      auto parsed = ParseDecimal(value);
      if (!parsed.ok()) {
        return ErrorReply(422, "invalid_argument", "at_seq: not a number");
      }
      const uint64_t v = *parsed;
      // (The log only grows, so a position within it now is within it when the replay runs.)
      if (v > log_size) {
        return ErrorReply(
            422, "invalid_argument",
            "at_seq " + value + ": the log has only " + std::to_string(log_size) + " entries");
      }
      out->moment.at_seq = v;
    } else if (name == "zone") {
      auto zone = replay::ReportZone::Parse(value);
      if (!zone.ok()) {
        return ErrorReply(422, "invalid_argument", "zone: " + zone.status().message());
      }
      out->moment.zone = *zone;
    } else if (name == "format") {
      if (std::find(formats.begin(), formats.end(), value) == formats.end()) {
        std::string list;
        for (size_t i = 0; i < formats.size(); ++i) {
          list += (i == 0 ? "" : i + 1 == formats.size() ? " or " : ", ") + formats[i];
        }
        return ErrorReply(422, "invalid_argument", "format must be " + list);
      }
      out->format = value;
    } else if (auto it = own.find(name); it != own.end()) {
      *it->second = value;
    } else {
      return ErrorReply(422, "invalid_argument", "unknown parameter \"" + name + "\"");
    }
  }
  return std::nullopt;
}

Reply Caseload(ApiContext& ctx, const ApiRequest& req) {
  const Principal& p = req.principal;
  if (!MayAudit(p) && !(p.role == "caseworker" && p.scope.empty())) {
    return Forbidden("role " + p.role + " (with this scope) may not read the whole caseload");
  }
  ReportParams params;
  if (auto bad = ParseReportParams(req, ctx.ledger.log().Size(),
                                   {"json", "csv", "summary_csv", "text"}, {}, &params)) {
    return *bad;
  }
  auto run = replay::RunCaseload(ctx.ledger, params.moment);
  if (!run.ok()) return ErrorFor(run.status());
  if (params.format == "csv") return TextReply(200, replay::CaseloadCsv(run->report), "text/csv");
  if (params.format == "summary_csv") {
    return TextReply(200, replay::CaseloadSummaryCsv(run->report), "text/csv");
  }
  if (params.format == "text") return TextReply(200, replay::CaseloadText(run->report));
  return JsonReply(200, replay::CaseloadJson(run->report));
}

// The CLI's `ledger outcomes` flags as parameters: cohort_from, cohort_to, horizons, by,
// baseline_month, stock_month (replay::ParseOutcomesOptions).
Reply Outcomes(ApiContext& ctx, const ApiRequest& req) {
  const Principal& p = req.principal;
  if (!MayAudit(p)) return Forbidden("role " + p.role + " may not read this report");
  ReportParams params;
  replay::OutcomesOptionsText text;
  const std::map<std::string, std::string*> own = {{"cohort_from", &text.cohort_from},
                                                   {"cohort_to", &text.cohort_to},
                                                   {"horizons", &text.horizons},
                                                   {"by", &text.by},
                                                   {"baseline_month", &text.baseline_month},
                                                   {"stock_month", &text.stock_month}};
  if (auto bad =
          ParseReportParams(req, ctx.ledger.log().Size(), {"json", "csv", "text"}, own, &params)) {
    return *bad;
  }
  auto options = replay::ParseOutcomesOptions(text, replay::OptionSpelling::kParameter);
  if (!options.ok()) return ErrorFor(options.status());
  replay::OutcomesQuery query;
  static_cast<replay::ReportMoment&>(query) = std::move(params.moment);
  query.options = std::move(options).value();
  auto run = replay::RunOutcomes(ctx.ledger, query);
  if (!run.ok()) return ErrorFor(run.status());
  if (params.format == "csv") return TextReply(200, replay::OutcomesCsv(run->report), "text/csv");
  if (params.format == "text") return TextReply(200, replay::OutcomesText(run->report));
  return JsonReply(200, replay::OutcomesJson(run->report));
}

Reply Compliance(ApiContext& ctx, const ApiRequest& req) {
  const Principal& p = req.principal;
  if (!MayAudit(p)) return Forbidden("role " + p.role + " may not read this report");
  ReportParams params;
  if (auto bad = ParseReportParams(req, ctx.ledger.log().Size(),
                                   {"json", "csv", "summary_csv", "text"}, {}, &params)) {
    return *bad;
  }
  auto run = replay::RunCompliance(ctx.ledger, params.moment);
  if (!run.ok()) return ErrorFor(run.status());
  if (params.format == "csv") {
    return TextReply(200, replay::ComplianceCsv(run->report), "text/csv");
  }
  if (params.format == "summary_csv") {
    return TextReply(200, replay::ComplianceSummaryCsv(run->report), "text/csv");
  }
  if (params.format == "text") return TextReply(200, replay::ComplianceText(run->report));
  return JsonReply(200, replay::ComplianceJson(run->report));
}

Reply Groups(ApiContext& ctx, const ApiRequest& req) {
  std::string rest = req.target.path.substr(11);  // after "/v1/groups/"
  const bool ack = rest.ends_with("/ack");
  if (ack) rest.resize(rest.size() - 4);
  if (!ValidGroupName(rest)) {
    return ErrorReply(400, "bad_path", "a group name is 1-64 characters of [A-Za-z0-9._-]");
  }
  const Principal& p = req.principal;
  if (Status may = CheckMayUseGroups(p); !may.ok()) return ErrorFor(may);
  if (!ack) {
    if (req.method != "GET") return MethodNotAllowed("GET");
    nlohmann::ordered_json j;
    j["group"] = rest;
    auto pos = ctx.groups.Position(p.key_id_hex, rest);
    j["position"] = pos ? nlohmann::ordered_json(*pos) : nlohmann::ordered_json(nullptr);
    return JsonReply(200, j.dump());
  }
  if (req.method != "POST") return MethodNotAllowed("POST");
  auto parsed = ParseRequestJson(req.body);
  if (!parsed.ok()) return MalformedJson(parsed.status());
  const nlohmann::json& body = *parsed;
  if (!body.is_object() || !body.contains("position") || !body["position"].is_number_unsigned() ||
      body.size() != 1) {
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
  if (path == "/v1/reports/caseload" || path == "/v1/reports/outcomes" ||
      path == "/v1/reports/compliance") {
    if (req.method != "GET") return MethodNotAllowed("GET");
    if (path == "/v1/reports/outcomes") return Outcomes(ctx, req);
    if (path == "/v1/reports/compliance") return Compliance(ctx, req);
    return Caseload(ctx, req);
  }
  if (path.starts_with("/v1/groups/")) return Groups(ctx, req);
  *handled = false;
  return {};
}

}  // namespace ledger::server::internal
