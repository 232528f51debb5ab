// The caseload report: time-dependent figures computed from the projection's state for one
// moment, and its renderings (text, canonical JSON, CSV).
#include <algorithm>

#include "caseload_state.h"
#include "enum_names.h"
#include "report_format.h"
#include "report_header.h"

namespace ledger::replay {
namespace {

using internal::DayText;
using internal::Join;
using nlohmann::json;

constexpr int64_t kThirtyDaysUs = 30 * kMicrosPerDay;
constexpr std::string_view kNone = "none";
constexpr std::string_view kUnknown = "unknown";

CivilDate DateOf(int32_t days) { return CivilFromDays(days); }

// The category in effect on day `d`: the assignment with the latest valid_from <= d (ties: the
// later event). 0 if none is valid yet.
uint32_t CategoryOn(const CaseloadCaseState& c, int32_t d) {
  const CategoryAssignment* best = nullptr;
  for (const CategoryAssignment& k : c.categories) {
    if (k.valid_from > d) continue;
    if (best == nullptr || k.valid_from > best->valid_from ||
        (k.valid_from == best->valid_from && k.key > best->key)) {
      best = &k;
    }
  }
  return best ? best->category : 0;
}

CaseloadCase BuildCase(const std::string& subject, const CaseloadCaseState& c, int32_t d,
                       int64_t t) {
  CaseloadCase row;
  row.subject = subject;
  row.office = c.office;
  row.municipality = c.municipality;
  row.intake_date = DateOf(c.intake_date);
  row.days_since_intake = int64_t{d} - c.intake_date;
  row.phase = c.phase < 0 ? std::string(kNone)
                          : std::string(internal::PhaseNameAt(static_cast<unsigned>(c.phase)));
  row.category = CategoryOn(c, d);
  if (c.status >= 0) {
    row.status = std::string(internal::ObservedStatusNameAt(static_cast<unsigned>(c.status)));
    row.status_as_of = DateOf(c.status_as_of);
  } else {
    row.status = std::string(kUnknown);
  }
  if (c.income >= 0) {
    row.main_income = std::string(internal::IncomeSourceNameAt(static_cast<unsigned>(c.income)));
    row.income_as_of = DateOf(c.income_as_of);
  } else {
    row.main_income = std::string(kUnknown);
  }
  for (const ConsentFacts& f : c.consents) {
    if (!InForceAt(f, t)) continue;
    int64_t expiry = ExpiryAt(f, t);
    row.consents.push_back(CaseloadConsent{f.consent_id, f.purposes, f.recipients,
                                           f.data_categories, expiry, expiry - t <= kThirtyDaysUs});
  }
  for (const CaseloadAgreementState& a : c.agreements) {
    CaseloadAgreement out;
    out.agreement_id = a.agreement_id;
    out.start = DateOf(a.start);
    out.end = DateOf(a.end);
    out.tasks = static_cast<uint32_t>(a.tasks.size());
    for (const CaseloadTask& task : a.tasks) {
      bool done = task.status == static_cast<int8_t>(schema::TaskStatus::DONE);
      if (done) continue;
      ++out.open_tasks;
      if (task.due < d) ++out.overdue_tasks;
    }
    out.days_left = int64_t{a.end} - d;
    out.past_3_months = d > DaysFromCivil(AddMonths(out.start, 3));
    out.extension_reason = a.extension_reason;
    row.agreements.push_back(std::move(out));
  }
  for (const CaseloadSanctionState& s : c.sanctions) {
    if (s.to < d) continue;
    CaseloadSanction out;
    out.sanction_id = s.sanction_id;
    out.from = DateOf(s.from);
    out.to = DateOf(s.to);
    out.in_force = s.from <= d;
    out.appeal_pending = s.appeal_pending;
    if (s.reduction_kind == 1) out.reduction_nok = s.reduction;
    if (s.reduction_kind == 2) out.reduction_pct = s.reduction;
    row.sanctions.push_back(std::move(out));
  }
  for (const CaseloadConditionState& k : c.conditions) {
    if (k.end < d) continue;
    row.conditions.push_back(
        CaseloadCondition{k.condition_id, std::string(internal::ActivityNameAt(k.activity)),
                          DateOf(k.start), DateOf(k.end), k.hours_per_week, k.start <= d});
  }
  for (const CaseloadExemptionState& e : c.exemptions) {
    if (e.review_date < d) continue;
    row.exemptions.push_back(
        CaseloadExemption{e.exemption_id, std::string(internal::ExemptionGroundNameAt(e.ground)),
                          DateOf(e.review_date)});
  }
  for (unsigned p = 0; p < internal::kPurposeCount; ++p) {
    if (c.restricted & (1u << p)) row.restricted_purposes.emplace_back(internal::PurposeNameAt(p));
  }
  return row;
}

}  // namespace

CaseloadReport CaseloadProjection::Report(const ReportTime& at, const LogPoint& log) const {
  CaseloadReport report;
  report.at = at;
  report.log = log;
  report.projection_version = kVersion;
  const int32_t d = static_cast<int32_t>(DaysFromCivil(at.date));
  for (const auto& [subject, c] : state_->cases) {
    if (!c.opened || !c.open || c.shredded) continue;
    report.cases.push_back(BuildCase(subject, c, d, at.instant_us));
  }
  std::sort(report.cases.begin(), report.cases.end(),
            [](const CaseloadCase& a, const CaseloadCase& b) {
              return std::tie(a.office, a.subject) < std::tie(b.office, b.subject);
            });
  CaseloadSummary& s = report.summary;
  for (const char* k : {"1", "2", "3", "4", "none"}) s.by_category[k] = 0;
  for (const CaseloadCase& c : report.cases) {
    ++s.open_cases;
    auto& phases = s.by_office_phase[c.office];
    if (phases.empty()) {
      for (unsigned p = 0; p < internal::kPhaseCount; ++p) {
        phases[std::string(internal::PhaseNameAt(p))] = 0;
      }
      phases[std::string(kNone)] = 0;
    }
    ++phases[c.phase];
    ++s.by_category[c.category == 0 ? std::string(kNone) : std::to_string(c.category)];
    for (const CaseloadConsent& k : c.consents)
      s.consents_expiring_within_30_days += k.expires_within_30_days;
    for (const CaseloadAgreement& a : c.agreements) {
      s.overdue_tasks += a.overdue_tasks;
      s.agreements_past_3_months += a.past_3_months;
    }
    for (const CaseloadSanction& x : c.sanctions) s.sanctions_in_force += x.in_force;
  }
  return report;
}

// ---- Renderings ----

namespace {

json Strings(const std::vector<std::string>& list) {
  json out = json::array();
  for (const std::string& s : list) out.push_back(s);
  return out;
}

json OptDate(const std::optional<CivilDate>& d) { return d ? json(FormatDate(*d)) : json(nullptr); }

json CaseJson(const CaseloadCase& c) {
  json consents = json::array();
  for (const CaseloadConsent& k : c.consents) {
    consents.push_back({{"consent_id", k.consent_id},
                        {"purposes", Strings(k.purposes)},
                        {"recipients", Strings(k.recipients)},
                        {"data_categories", Strings(k.data_categories)},
                        {"expires_at", FormatInstantMicros(k.expires_at_us)},
                        {"expires_within_30_days", k.expires_within_30_days}});
  }
  json agreements = json::array();
  for (const CaseloadAgreement& a : c.agreements) {
    agreements.push_back({{"agreement_id", a.agreement_id},
                          {"start", FormatDate(a.start)},
                          {"end", FormatDate(a.end)},
                          {"tasks", a.tasks},
                          {"open_tasks", a.open_tasks},
                          {"overdue_tasks", a.overdue_tasks},
                          {"days_left", a.days_left},
                          {"past_3_months", a.past_3_months},
                          {"extension_reason", a.extension_reason}});
  }
  json sanctions = json::array();
  for (const CaseloadSanction& s : c.sanctions) {
    json x = {{"sanction_id", s.sanction_id},
              {"from", FormatDate(s.from)},
              {"to", FormatDate(s.to)},
              {"in_force", s.in_force},
              {"appeal_pending", s.appeal_pending},
              {"reduction_nok", s.reduction_nok ? json(*s.reduction_nok) : json(nullptr)},
              {"reduction_pct", s.reduction_pct ? json(*s.reduction_pct) : json(nullptr)}};
    sanctions.push_back(std::move(x));
  }
  json conditions = json::array();
  for (const CaseloadCondition& k : c.conditions) {
    conditions.push_back({{"condition_id", k.condition_id},
                          {"activity", k.activity},
                          {"start", FormatDate(k.start)},
                          {"end", FormatDate(k.end)},
                          {"hours_per_week", k.hours_per_week},
                          {"in_force", k.in_force}});
  }
  json exemptions = json::array();
  for (const CaseloadExemption& e : c.exemptions) {
    exemptions.push_back({{"exemption_id", e.exemption_id},
                          {"ground", e.ground},
                          {"review_date", FormatDate(e.review_date)}});
  }
  return {{"subject", c.subject},
          {"office", c.office},
          {"municipality", c.municipality},
          {"intake_date", FormatDate(c.intake_date)},
          {"days_since_intake", c.days_since_intake},
          {"phase", c.phase},
          {"category", c.category == 0 ? json(nullptr) : json(c.category)},
          {"status", c.status},
          {"status_as_of", OptDate(c.status_as_of)},
          {"main_income", c.main_income},
          {"income_as_of", OptDate(c.income_as_of)},
          {"consents", std::move(consents)},
          {"agreements", std::move(agreements)},
          {"sanctions", std::move(sanctions)},
          {"conditions", std::move(conditions)},
          {"exemptions", std::move(exemptions)},
          {"restricted_purposes", Strings(c.restricted_purposes)}};
}

}  // namespace

std::string CaseloadJson(const CaseloadReport& r) {
  json cases = json::array();
  for (const CaseloadCase& c : r.cases) cases.push_back(CaseJson(c));
  const CaseloadSummary& s = r.summary;
  json by_office_phase = json::object();
  for (const auto& [office, phases] : s.by_office_phase) {
    json p = json::object();
    for (const auto& [phase, n] : phases) p[phase] = n;
    by_office_phase[office] = std::move(p);
  }
  json by_category = json::object();
  for (const auto& [k, n] : s.by_category) by_category[k] = n;
  json body = internal::ReportHeaderJson("caseload", r.projection_version, r.at, r.log);
  body["cases"] = std::move(cases);
  body["summary"] = {{"open_cases", s.open_cases},
                     {"by_office_phase", std::move(by_office_phase)},
                     {"by_category", std::move(by_category)},
                     {"consents_expiring_within_30_days", s.consents_expiring_within_30_days},
                     {"overdue_tasks", s.overdue_tasks},
                     {"agreements_past_3_months", s.agreements_past_3_months},
                     {"sanctions_in_force", s.sanctions_in_force}};
  return internal::SealedReportJson(body);
}

std::string CaseloadText(const CaseloadReport& r) {
  std::string out = internal::ReportHeadline("Caseload", r.at, r.log);
  internal::TextTable cases({"subject", "office", "phase", "cat", "intake", "days", "status",
                             "income", "consents in force", "agreements", "sanctions", "conditions",
                             "restricted"});
  for (const CaseloadCase& c : r.cases) {
    std::vector<std::string> consents, agreements, sanctions, conditions;
    for (const CaseloadConsent& k : c.consents) {
      consents.push_back(k.consent_id + " to " + internal::LocalDate(r.at, k.expires_at_us) +
                         (k.expires_within_30_days ? "!" : ""));
    }
    for (const CaseloadAgreement& a : c.agreements) {
      agreements.push_back(a.agreement_id + " " + std::to_string(a.open_tasks) + " open/" +
                           std::to_string(a.overdue_tasks) + " overdue, " +
                           std::to_string(a.days_left) + " d left" +
                           (a.past_3_months ? ", >3 mo" : ""));
    }
    for (const CaseloadSanction& s : c.sanctions) {
      sanctions.push_back(s.sanction_id +
                          (s.in_force ? " in force" : " from " + FormatDate(s.from)) + " to " +
                          FormatDate(s.to) + (s.appeal_pending ? ", appealed" : ""));
    }
    for (const CaseloadCondition& k : c.conditions) {
      conditions.push_back(k.condition_id + " " + k.activity +
                           (k.in_force ? "" : " from " + FormatDate(k.start)) + " to " +
                           FormatDate(k.end));
    }
    for (const CaseloadExemption& e : c.exemptions) {
      conditions.push_back(e.exemption_id + " exempt (" + e.ground + ") to " +
                           FormatDate(e.review_date));
    }
    cases.AddRow({c.subject, c.office, c.phase,
                  c.category == 0 ? std::string(kNone) : std::to_string(c.category),
                  FormatDate(c.intake_date), std::to_string(c.days_since_intake), c.status,
                  c.main_income, Join(consents, "; "), Join(agreements, "; "),
                  Join(sanctions, "; "), Join(conditions, "; "),
                  Join(c.restricted_purposes, ", ")});
  }
  out += cases.Render();

  const CaseloadSummary& s = r.summary;
  out += "\nOpen cases by office and phase\n";
  std::vector<std::string> header = {"office"};
  for (unsigned p = 0; p < internal::kPhaseCount; ++p) {
    header.emplace_back(internal::PhaseNameAt(p));
  }
  header.emplace_back(kNone);
  header.emplace_back("total");
  internal::TextTable grid(header);
  for (const auto& [office, phases] : s.by_office_phase) {
    std::vector<std::string> row = {office};
    uint64_t total = 0;
    for (size_t i = 1; i + 1 < header.size(); ++i) {
      auto it = phases.find(header[i]);
      uint64_t n = it == phases.end() ? 0 : it->second;
      total += n;
      row.push_back(std::to_string(n));
    }
    row.push_back(std::to_string(total));
    grid.AddRow(std::move(row));
  }
  out += grid.Render();
  out += "\nOpen cases by follow-up category\n";
  internal::TextTable categories({"category", "cases"});
  for (const auto& [k, n] : s.by_category) categories.AddRow({k, std::to_string(n)});
  out += categories.Render();
  out += "\n";
  internal::TextTable totals({"summary", "count"});
  totals.AddRow({"open cases", std::to_string(s.open_cases)});
  totals.AddRow(
      {"consents expiring within 30 days", std::to_string(s.consents_expiring_within_30_days)});
  totals.AddRow({"overdue tasks", std::to_string(s.overdue_tasks)});
  totals.AddRow({"agreements past 3 months", std::to_string(s.agreements_past_3_months)});
  totals.AddRow({"sanctions in force", std::to_string(s.sanctions_in_force)});
  out += totals.Render();
  return out;
}

std::string CaseloadCsv(const CaseloadReport& r) {
  std::string out = internal::CsvRow({"subject",
                                      "office",
                                      "municipality",
                                      "intake_date",
                                      "days_since_intake",
                                      "phase",
                                      "category",
                                      "status",
                                      "status_as_of",
                                      "main_income",
                                      "income_as_of",
                                      "consents_in_force",
                                      "consents_expiring_within_30_days",
                                      "agreements",
                                      "open_tasks",
                                      "overdue_tasks",
                                      "agreement_days_left",
                                      "agreements_past_3_months",
                                      "sanctions",
                                      "sanctions_in_force",
                                      "conditions",
                                      "conditions_in_force",
                                      "exemptions",
                                      "restricted_purposes"});
  for (const CaseloadCase& c : r.cases) {
    std::vector<std::string> consents, expiring, agreements, days_left, sanctions, conditions,
        exemptions;
    uint64_t open_tasks = 0, overdue = 0, past = 0, sanctions_in_force = 0, conditions_in_force = 0;
    for (const CaseloadConsent& k : c.consents) {
      consents.push_back(k.consent_id);
      if (k.expires_within_30_days) expiring.push_back(k.consent_id);
    }
    for (const CaseloadAgreement& a : c.agreements) {
      agreements.push_back(a.agreement_id);
      days_left.push_back(std::to_string(a.days_left));
      open_tasks += a.open_tasks;
      overdue += a.overdue_tasks;
      past += a.past_3_months;
    }
    for (const CaseloadSanction& s : c.sanctions) {
      sanctions.push_back(s.sanction_id);
      sanctions_in_force += s.in_force;
    }
    for (const CaseloadCondition& k : c.conditions) {
      conditions.push_back(k.condition_id);
      conditions_in_force += k.in_force;
    }
    for (const CaseloadExemption& e : c.exemptions) exemptions.push_back(e.exemption_id);
    out += internal::CsvRow({c.subject,
                             c.office,
                             c.municipality,
                             FormatDate(c.intake_date),
                             std::to_string(c.days_since_intake),
                             c.phase,
                             c.category == 0 ? std::string() : std::to_string(c.category),
                             c.status,
                             c.status_as_of ? FormatDate(*c.status_as_of) : std::string(),
                             c.main_income,
                             c.income_as_of ? FormatDate(*c.income_as_of) : std::string(),
                             Join(consents, ";"),
                             Join(expiring, ";"),
                             Join(agreements, ";"),
                             std::to_string(open_tasks),
                             std::to_string(overdue),
                             Join(days_left, ";"),
                             std::to_string(past),
                             Join(sanctions, ";"),
                             std::to_string(sanctions_in_force),
                             Join(conditions, ";"),
                             std::to_string(conditions_in_force),
                             Join(exemptions, ";"),
                             Join(c.restricted_purposes, ";")});
  }
  return out;
}

std::string CaseloadSummaryCsv(const CaseloadReport& r) {
  const CaseloadSummary& s = r.summary;
  std::string out = internal::CsvRow({"measure", "office", "phase", "category", "count"});
  auto row = [&](std::string measure, std::string office, std::string phase, std::string category,
                 uint64_t n) {
    out += internal::CsvRow({std::move(measure), std::move(office), std::move(phase),
                             std::move(category), std::to_string(n)});
  };
  row("open_cases", "", "", "", s.open_cases);
  for (const auto& [office, phases] : s.by_office_phase) {
    for (const auto& [phase, n] : phases) row("open_cases", office, phase, "", n);
  }
  for (const auto& [k, n] : s.by_category) row("open_cases", "", "", k, n);
  row("consents_expiring_within_30_days", "", "", "", s.consents_expiring_within_30_days);
  row("overdue_tasks", "", "", "", s.overdue_tasks);
  row("agreements_past_3_months", "", "", "", s.agreements_past_3_months);
  row("sanctions_in_force", "", "", "", s.sanctions_in_force);
  return out;
}

}  // namespace ledger::replay
