// The HTML page of a full report (full_report.h): one file, inline CSS and SVG, nothing else.
#include <nlohmann/json.hpp>

#include "enum_names.h"
#include "replay/full_report.h"
#include "report_format.h"
#include "report_header.h"
#include "svg_chart.h"

namespace ledger::replay {
namespace {

using internal::HtmlEscape;
using internal::PaletteColor;
using internal::PercentText;
using internal::Series;

constexpr size_t kMaxExceptionRows = 200;

constexpr const char* kStyle = R"(
body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #1b6ca8;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin-top:1.6em}.meta{color:#555;font-size:.9em}code{font-size:.85em}
table{border-collapse:collapse;margin:.6em 0;font-size:.85em}
th,td{border-bottom:1px solid #dde3e7;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.warn{color:#c8553d;font-weight:bold}.ok{color:#3a9d5d;font-weight:bold}
footer{margin-top:3em;font-size:.8em;color:#555}
)";

bool LooksNumeric(const std::string& s) {
  if (s.empty() || s == "-") return !s.empty();
  size_t i = s[0] == '-' ? 1 : 0;
  bool digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '.' && !(c == '%' && i + 1 == s.size())) {
      return false;
    }
  }
  return digit;
}

std::string Table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const std::string& h : header) out += "<th>" + HtmlEscape(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const std::string& cell : row) {
      out += LooksNumeric(cell) ? "<td class=\"n\">" : "<td>";
      out += HtmlEscape(cell) + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string Str(uint64_t v) { return std::to_string(v); }
std::string Pct(uint64_t num, uint64_t den) { return PercentText(static_cast<int64_t>(num), den); }
std::string Label(const OutcomeGroup& g) { return g.dimension == "all" ? "all" : g.value; }

std::string Sha(const std::string& sealed_json) {
  auto j = nlohmann::json::parse(sealed_json, nullptr, false);
  return j.is_object() && j.contains("sha256") ? j["sha256"].get<std::string>() : "";
}

std::string CaseloadSection(const CaseloadReport& r) {
  const CaseloadSummary& s = r.summary;
  std::string out = "<section id=\"caseload\"><h2>Caseload</h2>";
  out += Table({"summary", "count"},
               {{"open cases", Str(s.open_cases)},
                {"consents expiring within 30 days", Str(s.consents_expiring_within_30_days)},
                {"overdue tasks", Str(s.overdue_tasks)},
                {"agreements past 3 months", Str(s.agreements_past_3_months)},
                {"sanctions in force", Str(s.sanctions_in_force)}});
  out += "<h3>Open cases by office and phase</h3>";
  std::vector<std::string> phases;
  for (unsigned p = 0; p < internal::kPhaseCount; ++p)
    phases.emplace_back(internal::PhaseNameAt(p));
  phases.emplace_back("none");
  std::vector<Series> series;
  std::vector<std::vector<uint64_t>> values;
  std::vector<std::string> offices;
  for (const auto& [office, by_phase] : s.by_office_phase) offices.push_back(office);
  for (size_t i = 0; i < phases.size(); ++i) {
    series.push_back({phases[i], PaletteColor(i)});
    std::vector<uint64_t> row;
    for (const auto& [office, by_phase] : s.by_office_phase) {
      auto it = by_phase.find(phases[i]);
      row.push_back(it == by_phase.end() ? 0 : it->second);
    }
    values.push_back(std::move(row));
  }
  out += internal::GroupedBarsSvg(series, offices, values);
  out += "<h3>Open cases by follow-up category</h3>";
  std::vector<std::string> categories;
  std::vector<uint64_t> counts;
  for (const auto& [k, n] : s.by_category) {
    categories.push_back(k == "none" ? "none" : "category " + k);
    counts.push_back(n);
  }
  out += internal::GroupedBarsSvg({{"open cases", PaletteColor(0)}}, categories, {counts});
  return out + "</section>";
}

std::string OutcomesSection(const OutcomesReport& r) {
  std::string out = "<section id=\"outcomes\"><h2>Outcomes of the cohort</h2>";
  const OutcomeGroup* all = r.groups.empty() ? nullptr : &r.groups.front();
  if (all == nullptr) return out + "</section>";
  const OutcomesOptions& o = r.options;
  out += "<p>Intake " + HtmlEscape(o.intake_from ? FormatDate(*o.intake_from) : "any date") +
         " to " + HtmlEscape(o.intake_to ? FormatDate(*o.intake_to) : "any date") +
         ", aged 18-24 at intake: <b>" + Str(all->cohort) + "</b> people (O1).</p>";
  std::vector<std::vector<std::string>> cohort_rows;
  for (const auto& [dim, values] : r.cohort_by) {
    for (const auto& [value, n] : values)
      cohort_rows.push_back({dim, value, Str(n), Pct(n, all->cohort)});
  }
  out += Table({"by", "value", "people", "share"}, cohort_rows);

  out += "<h3>Status after intake, by horizon (O2)</h3>";
  std::vector<Series> statuses;
  std::vector<std::string> keys;
  for (unsigned i = 0; i < internal::kObservedStatusCount; ++i) {
    keys.emplace_back(internal::ObservedStatusNameAt(i));
  }
  keys.emplace_back("unknown");
  for (size_t i = 0; i < keys.size(); ++i) {
    statuses.push_back({keys[i], i + 1 == keys.size() ? "#b8c4cc" : PaletteColor(i)});
  }
  std::vector<internal::StackedBar> bars;
  for (const HorizonOutcome& h : all->horizons) {
    internal::StackedBar bar{std::to_string(h.months) + " months", {}};
    for (const std::string& k : keys) bar.values.push_back(h.status.at(k));
    bars.push_back(std::move(bar));
  }
  out += internal::StackedBarsSvg(statuses, bars);
  std::vector<std::string> header = {"horizon",
                                     "group",
                                     "followed",
                                     "work or education (O3)",
                                     "any activity (O4)",
                                     "off assistance (O5)",
                                     "assistance main income (O6)",
                                     "supplementary only (O7)"};
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < o.horizons.size(); ++i) {
    for (const OutcomeGroup& g : r.groups) {
      const HorizonOutcome& h = g.horizons[i];
      rows.push_back({std::to_string(h.months) + " months", Label(g), Str(h.followed),
                      Pct(h.work_or_education, h.followed), Pct(h.any_activity, h.followed),
                      Pct(h.off_assistance, h.followed), Pct(h.assistance_main_income, h.followed),
                      Pct(h.supplementary_only, h.followed)});
    }
  }
  out += Table(header, rows);

  out += "<h3>Time to exit from assistance (O8, Kaplan-Meier) and re-entry (O9)</h3>";
  std::vector<Series> curves;
  std::vector<std::vector<uint32_t>> ppm;
  rows.clear();
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const OutcomeGroup& g = r.groups[i];
    curves.push_back({Label(g), PaletteColor(i)});
    std::vector<uint32_t> curve;
    for (const SurvivalRow& row : g.survival.rows) curve.push_back(row.s_ppm);
    ppm.push_back(std::move(curve));
    rows.push_back({Label(g), Str(g.cohort), Str(g.survival.exits), Str(g.survival.censored),
                    g.survival.median_months ? std::to_string(*g.survival.median_months) : "-",
                    Pct(g.reentered, g.exited)});
  }
  out += internal::StepCurvesSvg(curves, ppm, "months since the intake month");
  out += Table({"group", "people", "exits", "censored", "median months", "re-entry"}, rows);

  out += "<h3>Payments by year (O10-O12)</h3>";
  rows.clear();
  for (const YearOutcome& y : all->years) {
    const auto total = static_cast<int64_t>(y.grant_nok + y.loan_nok);
    rows.push_back({std::to_string(y.year), Str(y.recipients), Str(y.paid_months),
                    internal::DecimalText(static_cast<int64_t>(y.paid_months), y.recipients, 2),
                    std::to_string(total), internal::DecimalText(total, y.recipients, 0),
                    internal::DecimalText(total, y.paid_months, 0),
                    Pct(y.long_term_assistance, y.recipients)});
  }
  out += Table({"year", "recipients", "paid months", "mean months", "total NOK", "per recipient",
                "per paid month", "long-term assistance"},
               rows);
  if (all->stock) {
    const StockOutcome& s = *all->stock;
    std::string d0 = FormatDate(s.baseline).substr(0, 7), d1 = FormatDate(s.month).substr(0, 7);
    out += "<h3>Recipients in " + d1 + " against " + d0 + " (O13)</h3>";
    rows.clear();
    for (const OutcomeGroup& g : r.groups) {
      const StockOutcome& x = *g.stock;
      rows.push_back({Label(g), Str(x.baseline_recipients), Str(x.recipients), Str(x.both),
                      PercentText(static_cast<int64_t>(x.recipients) -
                                      static_cast<int64_t>(x.baseline_recipients),
                                  x.baseline_recipients),
                      Str(x.supplementary), Str(x.passive)});
    }
    out += Table({"group", d0, d1, "both", "change", "supplement only", "passive"}, rows);
  }
  return out + "</section>";
}

std::string ComplianceSection(const ComplianceReport& r) {
  std::string out = "<section id=\"compliance\"><h2>Compliance at a glance</h2>";
  std::vector<internal::ShareBar> bars;
  std::vector<std::vector<std::string>> rows;
  for (const ComplianceCheck& c : r.checks) {
    const uint64_t exceptions = c.exceptions.size();
    bars.push_back({c.id, c.passed, c.checked,
                    Pct(c.passed, c.checked) + " of " + Str(c.checked) + ", " + Str(exceptions) +
                        " exception" + (exceptions == 1 ? "" : "s"),
                    exceptions > 0});
    rows.push_back({c.id, c.title, Str(c.checked), Str(c.passed), Pct(c.passed, c.checked),
                    c.target, Str(exceptions)});
  }
  out += internal::ShareBarsSvg(bars);
  out += Table({"check", "what", "checked", "passed", "share", "target", "exceptions"}, rows);
  out += "<h3>Exceptions, with the events that cause them</h3>";
  rows.clear();
  size_t total = 0;
  for (const ComplianceCheck& c : r.checks) {
    for (const ComplianceException& x : c.exceptions) {
      if (++total > kMaxExceptionRows) continue;
      const ComplianceEvent& e = x.events.front();
      std::string related;
      for (size_t i = 1; i < x.events.size(); ++i) {
        related += (related.empty() ? "" : ", ") + x.events[i].type + " #" + Str(x.events[i].seq);
      }
      rows.push_back({c.id, Str(e.seq), e.event_id, x.stream, e.type,
                      internal::LocalDate(r.at, e.occurred_at_us), x.ref_id,
                      internal::Join(x.reasons, ", "), related});
    }
  }
  out += Table({"check", "seq", "event id", "stream", "type", "date", "id", "reasons", "related"},
               rows);
  if (total > kMaxExceptionRows) {
    out += "<p>and " + Str(total - kMaxExceptionRows) +
           " more: <code>ledger compliance --format csv</code> lists them all.</p>";
  }
  const ConsentDynamics& d = r.consent;
  out += "<h3>Consent dynamics (C3)</h3>";
  out += Table(
      {"measure", "count", "of", "share"},
      {{"refused", Str(d.refused), Str(d.asked), Pct(d.refused, d.asked)},
       {"withdrawn", Str(d.withdrawn), Str(d.given), Pct(d.withdrawn, d.given)},
       {"renewed before expiry", Str(d.renewed_before_expiry), Str(d.renewal_decided),
        Pct(d.renewed_before_expiry, d.renewal_decided)},
       {"median validity (days)",
        d.median_validity_days ? std::to_string(*d.median_validity_days) : "-", Str(d.ended), ""}});
  return out + "</section>";
}

}  // namespace

std::string FullReportHtml(const FullReport& report) {
  const ReportTime& at = report.caseload.at;
  const LogPoint& log = report.caseload.log;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>";
  out += "Programme report as of " + FormatDate(at.date) + "</title><style>" + kStyle +
         "</style></head><body>";
  out += "<h1>Programme report as of " + FormatDate(at.date) + "</h1>";
  out += "<p class=\"meta\">" + HtmlEscape(at.zone) + ", " + FormatInstantMicros(at.instant_us) +
         "; log of " + Str(log.size) + " entries, Merkle root <code>" + internal::RootHex(log) +
         "</code>. Every figure is rebuilt by replaying the signed log.</p>";
  out +=
      "<p><a href=\"#caseload\">Caseload</a> · <a href=\"#outcomes\">Outcomes</a> · "
      "<a href=\"#compliance\">Compliance</a></p>";
  out += CaseloadSection(report.caseload);
  out += OutcomesSection(report.outcomes);
  out += ComplianceSection(report.compliance);
  out +=
      "<footer>SHA-256 of each report's canonical JSON (<code>--format json</code>): caseload "
      "<code>" +
      Sha(CaseloadJson(report.caseload)) + "</code>, outcomes <code>" +
      Sha(OutcomesJson(report.outcomes)) + "</code>, compliance <code>" +
      Sha(ComplianceJson(report.compliance)) + "</code>.</footer>";
  return out + "</body></html>\n";
}

}  // namespace ledger::replay
