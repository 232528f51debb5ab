#include "export_manifest.h"

#include <fmt/format.h>

#include <cmath>

#include "base/sha256.h"
#include "exclusion.h"
#include "release_format.h"
#include "replay/outcomes.h"

namespace ledger::release::internal {
namespace {

double Fixed4(double v) { return std::round(v * 10000) / 10000; }

std::string FormatMonth(const CivilDate& d) {
  return fmt::format("{:04d}-{:02d}", d.year, d.month);
}

nlohmann::json CohortJson(const ExportParams& params) {
  return {{"intake_from_month", FormatMonth(params.intake_from)},
          {"intake_to_month", FormatMonth(params.intake_to)},
          {"age_min", params.age_min},
          {"age_max", params.age_max},
          {"as_of_month", FormatMonth(params.as_of)}};
}

nlohmann::json PrivacyJson(const ExportParams& params, const std::string& key_fingerprint) {
  return {
      {"k", params.k},
      {"small_cell_threshold", params.small_cell_threshold},
      {"time_unit_days", params.time_unit_days},
      {"max_suppressed_permille", params.max_suppressed_permille},
      {"pseudonym_key_fingerprint", key_fingerprint},
      {"lkc", {{"l", params.lkc_l}, {"k", params.lkc_k}, {"bucket_days", params.lkc_bucket_days}}}};
}

nlohmann::json GeneralisationJson(const Generalisation& level) {
  return {{"sex", "kept"},
          {"age", level.age == 0 ? "band" : "18-24"},
          {"municipality", level.municipality == 0   ? "kommune"
                           : level.municipality == 1 ? "county"
                                                     : "suppressed"},
          {"intake_period", level.intake == 0   ? "month"
                            : level.intake == 1 ? "quarter"
                            : level.intake == 2 ? "half_year"
                                                : "year"},
          {"office", level.office == 0 ? "pseudonym" : "suppressed"},
          {"actor", "role"},
          {"follow_up", "from_period_end"}};
}

nlohmann::json ArxJson(const ReidentificationRisk& r) {
  return {{"records", r.records},
          {"classes", r.classes},
          {"smallest_class", r.smallest_class},
          {"prosecutor_max", Fixed4(r.prosecutor_max)},
          {"prosecutor_mean", Fixed4(r.prosecutor_mean)},
          {"journalist_max", Fixed4(r.journalist_max)},
          {"journalist_mean", Fixed4(r.journalist_mean)},
          {"marketer", Fixed4(r.marketer)},
          {"sample_uniques", Fixed4(r.sample_uniques)},
          {"records_at_risk", Fixed4(r.records_at_risk)},
          {"journalist_records_at_risk", Fixed4(r.journalist_records_at_risk)}};
}

nlohmann::json RiskJson(const Anonymisation& anon, const QiRisk& qi) {
  return {{"classes", anon.risk.classes},
          {"smallest_class", anon.risk.smallest_class},
          {"max_risk", Fixed4(anon.risk.max_risk)},
          {"mean_risk", Fixed4(anon.risk.mean_risk)},
          {"risk_threshold", anon.risk.risk_threshold},
          {"share_at_risk", Fixed4(anon.risk.share_at_risk)},
          {"quasi_identifiers", {"sex", "age_band", "municipality", "office", "intake_period"}},
          {"population", "cohort"},
          {"before", ArxJson(qi.before)},
          {"after", ArxJson(qi.after)}};
}

nlohmann::json TrajectoryRiskJson(const TrajectoryRisk& r) {
  return {{"persons", r.persons},
          {"items", r.items},
          {"unique_by_types", Fixed4(r.unique_by_types)},
          {"unique_by_items", Fixed4(r.unique_by_items)},
          {"below_k_by_items", Fixed4(r.below_k_by_items)},
          {"violating_sets", r.violating_sets}};
}

nlohmann::json TrajectoriesJson(const ExportParams& params, const TrajectoryPrivacy& t,
                                uint64_t events_censored) {
  return {{"l", params.lkc_l == 0 ? 2 : params.lkc_l},  // of the figures (2 when none enforced)
          {"before", TrajectoryRiskJson(t.before)},
          {"after", TrajectoryRiskJson(t.after)},
          {"suppressed",
           {{"items", t.enforcement.items_suppressed},
            {"events", t.enforcement.events_suppressed},
            {"needed_events", t.enforcement.needed_events_suppressed}}},
          {"events_censored", events_censored}};
}

nlohmann::json CountsJson(const ExportSummary& summary) {
  nlohmann::json excluded = nlohmann::json::object();
  for (ExclusionReason reason : kExclusionReasons) {
    excluded[std::string(ExclusionName(reason))] = CountOf(summary.excluded, reason);
  }
  return {{"cohort", summary.cohort},         {"excluded", std::move(excluded)},
          {"suppressed", summary.suppressed}, {"persons", summary.persons},
          {"events", summary.events},         {"observations_merged", summary.observations_merged}};
}

}  // namespace

nlohmann::json BuildManifest(const ManifestFacts& facts) {
  const ExportSummary& summary = *facts.summary;
  const ExportParams& params = summary.params;
  const std::string& persons_csv = *facts.persons_csv;
  nlohmann::json manifest;
  manifest["format"] = kFormat;
  manifest["release_id"] = params.release_id;
  manifest["recipient_org"] = summary.approval.recipient_org;
  manifest["purpose"] = summary.approval.purpose;
  manifest["basis"] = summary.approval.basis;
  manifest["cohort"] = CohortJson(params);
  manifest["horizons"] = params.horizons;
  manifest["privacy"] = PrivacyJson(params, facts.key_fingerprint);
  manifest["generalisation"] = GeneralisationJson(facts.anon->level);
  manifest["risk"] = RiskJson(*facts.anon, *facts.qi_risk);
  manifest["trajectories"] = TrajectoriesJson(params, *facts.trajectories, summary.events_censored);
  manifest["outcomes_moved"] = {{"figures", summary.moved},
                                {"followed_lost", summary.moved_followed},
                                {"max_share_points", Fixed4(summary.moved_max_share_points)}};
  manifest["counts"] = CountsJson(summary);
  manifest["projection"] = {{"name", replay::OutcomesProjection::kName},
                            {"version", replay::OutcomesProjection::kVersion}};
  const tlog::Hash& root = facts.release_point.root;
  manifest["release_log"] = {
      {"size", facts.release_point.size},
      {"root_sha256",
       Sha256Hex(std::string_view(reinterpret_cast<const char*>(root.data()), root.size()))}};
  manifest["outcomes_report_sha256"] = summary.report_sha256;
  manifest["files"] = {{std::string(kEventsFile),
                        {{"sha256", facts.events_file.first}, {"bytes", facts.events_file.second}}},
                       {std::string(kPersonsFile),
                        {{"sha256", Sha256Hex(persons_csv)}, {"bytes", persons_csv.size()}}}};
  return manifest;
}

}  // namespace ledger::release::internal
