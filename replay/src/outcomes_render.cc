// Renderings of the outcomes report: aligned text, canonical JSON, long-form CSV.
#include "enum_names.h"
#include "replay/outcomes.h"
#include "report_format.h"
#include "report_header.h"

namespace ledger::replay {
namespace {

using internal::CountJson;
using internal::CountText;
using internal::CsvRow;
using internal::DecimalText;
using internal::Num;
using internal::PercentText;
using internal::RatioJson;
using internal::TextTable;
using nlohmann::json;

std::string MonthText(const CivilDate& d) { return FormatDate(d).substr(0, 7); }

std::string WindowText(const OutcomesOptions& o) {
  if (!o.intake_from && !o.intake_to) return "any intake date";
  return "intake " + (o.intake_from ? FormatDate(*o.intake_from) : std::string("...")) + " to " +
         (o.intake_to ? FormatDate(*o.intake_to) : std::string("..."));
}

std::string Label(const OutcomeGroup& g) { return g.dimension == "all" ? "all" : g.value; }

// The O3-O7 figures of a horizon, with their names in each rendering, in report order.
struct DerivedFigure {
  const char* id;
  const char* key;    // JSON and CSV
  const char* title;  // text
  uint64_t HorizonOutcome::*count;
};
constexpr DerivedFigure kDerived[] = {
    {"O3", "work_or_education", "work or education (O3)", &HorizonOutcome::work_or_education},
    {"O4", "any_activity", "any activity (O4)", &HorizonOutcome::any_activity},
    {"O5", "off_assistance", "off assistance (O5)", &HorizonOutcome::off_assistance},
    {"O6", "assistance_main_income", "assistance main income (O6)",
     &HorizonOutcome::assistance_main_income},
    {"O7", "supplementary_only", "supplementary assistance only (O7)",
     &HorizonOutcome::supplementary_only},
};

// The catalogue's statuses in their order, then "unknown".
std::vector<std::string> StatusKeys() {
  std::vector<std::string> keys;
  for (unsigned s = 0; s < internal::kObservedStatusCount; ++s) {
    keys.emplace_back(internal::ObservedStatusNameAt(s));
  }
  keys.emplace_back("unknown");
  return keys;
}

uint64_t TotalNok(const YearOutcome& y) {
  if (y.grant_nok == kSuppressedCount || y.loan_nok == kSuppressedCount) return kSuppressedCount;
  return y.grant_nok + y.loan_nok;
}

int64_t StockChange(const StockOutcome& s) {
  if (s.recipients == kSuppressedCount || s.baseline_recipients == kSuppressedCount) {
    return internal::kSuppressedNum;
  }
  return Num(s.recipients) - Num(s.baseline_recipients);
}

int64_t PpmNum(uint32_t s_ppm) {
  return s_ppm == kSuppressedPpm ? internal::kSuppressedNum : static_cast<int64_t>(s_ppm);
}

json GroupJson(const OutcomeGroup& g) {
  json horizons = json::array();
  for (const HorizonOutcome& h : g.horizons) {
    json status = json::object();
    for (const auto& [name, n] : h.status) status[name] = RatioJson(Num(n), h.followed);
    json x = {
        {"months", h.months}, {"followed", CountJson(h.followed)}, {"status", std::move(status)}};
    for (const DerivedFigure& f : kDerived) {
      x[f.key] = RatioJson(Num(h.*f.count), h.followed);
    }
    horizons.push_back(std::move(x));
  }
  json rows = json::array();
  for (const SurvivalRow& r : g.survival.rows) {
    rows.push_back({{"month", r.month},
                    {"at_risk", CountJson(r.at_risk)},
                    {"exits", CountJson(r.exits)},
                    {"censored", CountJson(r.censored)},
                    {"s_ppm", r.s_ppm == kSuppressedPpm ? json(nullptr) : json(r.s_ppm)}});
  }
  json years = json::array();
  for (const YearOutcome& y : g.years) {
    years.push_back(
        {{"year", y.year},
         {"recipients", CountJson(y.recipients)},
         {"paid_months", CountJson(y.paid_months)},
         {"mean_paid_months", RatioJson(Num(y.paid_months), y.recipients)},
         {"payments", CountJson(y.payments)},
         {"grant_nok", CountJson(y.grant_nok)},
         {"loan_nok", CountJson(y.loan_nok)},
         {"total_nok", CountJson(TotalNok(y))},
         {"per_recipient_nok", RatioJson(Num(TotalNok(y)), y.recipients)},
         {"per_paid_month_nok", RatioJson(Num(TotalNok(y)), y.paid_months)},
         {"long_term_assistance", RatioJson(Num(y.long_term_assistance), y.recipients)}});
  }
  json stock = nullptr;
  if (g.stock) {
    const StockOutcome& s = *g.stock;
    stock = {{"baseline_month", MonthText(s.baseline)},
             {"month", MonthText(s.month)},
             {"baseline_recipients", CountJson(s.baseline_recipients)},
             {"recipients", CountJson(s.recipients)},
             {"both", CountJson(s.both)},
             {"change", RatioJson(StockChange(s), s.baseline_recipients)},
             {"supplementary", RatioJson(Num(s.supplementary), s.recipients)},
             {"passive", RatioJson(Num(s.passive), s.recipients)}};
  }
  return {{"dimension", g.dimension},
          {"value", g.value},
          {"cohort", CountJson(g.cohort)},
          {"horizons", std::move(horizons)},
          {"time_to_exit",
           {{"exits", CountJson(g.survival.exits)},
            {"censored", CountJson(g.survival.censored)},
            {"median_months",
             g.survival.median_months ? json(*g.survival.median_months) : json(nullptr)},
            {"rows", std::move(rows)}}},
          {"reentry", RatioJson(Num(g.reentered), g.exited)},
          {"years", std::move(years)},
          {"stock", std::move(stock)}};
}

}  // namespace

std::string OutcomesJson(const OutcomesReport& r) {
  const OutcomesOptions& o = r.options;
  json body = internal::ReportHeaderJson("outcomes", r.projection_version, r.at, r.log);
  json by = json::object();
  for (const auto& [dim, values] : r.cohort_by) {
    json v = json::object();
    for (const auto& [value, n] : values) v[value] = CountJson(n);
    by[dim] = std::move(v);
  }
  body["cohort"] = {
      {"intake_from", o.intake_from ? json(FormatDate(*o.intake_from)) : json(nullptr)},
      {"intake_to", o.intake_to ? json(FormatDate(*o.intake_to)) : json(nullptr)},
      {"age_min", 18},
      {"age_max", 24},
      {"size", r.groups.empty() ? json(0) : CountJson(r.groups.front().cohort)},
      {"by", std::move(by)}};
  body["options"] = {
      {"horizons", o.horizons},
      {"grouping", OutcomeGroupingName(o.grouping)},
      {"stock_baseline", o.stock_baseline ? json(MonthText(*o.stock_baseline)) : json(nullptr)}};
  json groups = json::array();
  for (const OutcomeGroup& g : r.groups) groups.push_back(GroupJson(g));
  body["groups"] = std::move(groups);
  return internal::SealedReportJson(body);
}

std::string OutcomesText(const OutcomesReport& r) {
  std::string out = internal::ReportHeadline("Outcomes", r.at, r.log);
  const uint64_t size = r.groups.empty() ? 0 : r.groups.front().cohort;
  out += "Cohort (O1): " + WindowText(r.options) + ", aged 18-24 at intake: " + CountText(size) +
         " people\n";
  TextTable cohort({"by", "value", "people", "share"});
  for (const auto& [dim, values] : r.cohort_by) {
    for (const auto& [value, n] : values) {
      cohort.AddRow({dim, value, CountText(n), PercentText(Num(n), size)});
    }
  }
  out += cohort.Render();

  std::vector<std::string> header = {"measure"};
  for (const OutcomeGroup& g : r.groups) header.push_back(Label(g));
  for (size_t i = 0; i < r.options.horizons.size(); ++i) {
    const int h = r.options.horizons[i];
    out += "\nStatus " + std::to_string(h) +
           " months after intake (O2-O7): share of those followed for " + std::to_string(h) +
           " months\n";
    TextTable t(header);
    std::vector<std::string> followed = {"followed"};
    for (const OutcomeGroup& g : r.groups) followed.push_back(CountText(g.horizons[i].followed));
    t.AddRow(followed);
    for (const std::string& key : StatusKeys()) {
      std::vector<std::string> row = {key};
      for (const OutcomeGroup& g : r.groups) {
        const HorizonOutcome& x = g.horizons[i];
        row.push_back(PercentText(Num(x.status.at(key)), x.followed));
      }
      t.AddRow(std::move(row));
    }
    for (const DerivedFigure& f : kDerived) {
      std::vector<std::string> row = {f.title};
      for (const OutcomeGroup& g : r.groups) {
        const HorizonOutcome& x = g.horizons[i];
        row.push_back(PercentText(Num(x.*f.count), x.followed));
      }
      t.AddRow(std::move(row));
    }
    out += t.Render();
  }

  out +=
      "\nTime to exit (O8): months from the intake month to the first of three unpaid months; "
      "re-entry (O9): paid again 3-14 months after the exit\n";
  TextTable exits(
      {"group", "people", "exits", "censored", "median (months)", "re-entered", "re-entry"});
  for (const OutcomeGroup& g : r.groups) {
    exits.AddRow({Label(g), CountText(g.cohort), CountText(g.survival.exits),
                  CountText(g.survival.censored),
                  g.survival.median_months ? std::to_string(*g.survival.median_months) : "-",
                  CountText(g.reentered), PercentText(Num(g.reentered), g.exited)});
  }
  out += exits.Render();
  out += "\nKaplan-Meier S(t) and number at risk\n";
  std::vector<std::string> km_header = {"month"};
  size_t months = 0;
  for (const OutcomeGroup& g : r.groups) {
    km_header.push_back("at risk " + Label(g));
    km_header.push_back("S(t) " + Label(g));
    months = std::max(months, g.survival.rows.size());
  }
  TextTable km(km_header);
  for (size_t m = 0; m < months; ++m) {
    std::vector<std::string> row = {std::to_string(m)};
    for (const OutcomeGroup& g : r.groups) {
      if (m < g.survival.rows.size()) {
        const SurvivalRow& x = g.survival.rows[m];
        row.push_back(CountText(x.at_risk));
        row.push_back(DecimalText(PpmNum(x.s_ppm), 1000000, 4));
      } else {
        row.insert(row.end(), {"-", "-"});
      }
    }
    km.AddRow(std::move(row));
  }
  out += km.Render();

  out += "\nPayments by year (O10-O12; NOK, by data.month)\n";
  TextTable years({"group", "year", "recipients", "paid months", "mean months", "total NOK",
                   "per recipient", "per paid month", "long-term SA"});
  for (const OutcomeGroup& g : r.groups) {
    for (const YearOutcome& y : g.years) {
      const auto total = Num(TotalNok(y));
      std::string per_recipient = DecimalText(total, y.recipients, 0);
      std::string per_month = DecimalText(total, y.paid_months, 0);
      years.AddRow({Label(g), std::to_string(y.year), CountText(y.recipients),
                    CountText(y.paid_months),
                    y.recipients ? DecimalText(Num(y.paid_months), y.recipients, 2) : "-",
                    CountText(TotalNok(y)), per_recipient.empty() ? "-" : per_recipient,
                    per_month.empty() ? "-" : per_month,
                    PercentText(Num(y.long_term_assistance), y.recipients)});
    }
  }
  out += years.Render();

  if (!r.groups.empty() && r.groups.front().stock) {
    const StockOutcome& s0 = *r.groups.front().stock;
    out += "\nRecipients in " + MonthText(s0.month) + " against " + MonthText(s0.baseline) +
           " (O13)\n";
    TextTable stock({"group", MonthText(s0.baseline), MonthText(s0.month), "both", "change",
                     "supplement only", "passive"});
    for (const OutcomeGroup& g : r.groups) {
      const StockOutcome& s = *g.stock;
      stock.AddRow({Label(g), CountText(s.baseline_recipients), CountText(s.recipients),
                    CountText(s.both), PercentText(StockChange(s), s.baseline_recipients),
                    CountText(s.supplementary), CountText(s.passive)});
    }
    out += stock.Render();
  }
  return out;
}

std::string OutcomesCsv(const OutcomesReport& r) {
  std::string out = CsvRow(
      {"group_dimension", "group_value", "indicator", "horizon", "key", "num", "den", "value"});
  auto row = [&](const OutcomeGroup& g, const std::string& indicator, const std::string& horizon,
                 const std::string& key, int64_t num, std::optional<uint64_t> den) {
    const bool hidden = num == internal::kSuppressedNum || (den && *den == kSuppressedCount);
    out += CsvRow({g.dimension, g.value, indicator, horizon, key,
                   num == internal::kSuppressedNum ? std::string() : std::to_string(num),
                   !den || *den == kSuppressedCount ? std::string() : std::to_string(*den),
                   den && !hidden ? DecimalText(num, *den, 4) : std::string()});
  };
  auto n = [](uint64_t v) { return Num(v); };
  for (const OutcomeGroup& g : r.groups) {
    row(g, "O1", "", "cohort", n(g.cohort), std::nullopt);
    if (g.dimension == "all") {
      for (const auto& [dim, values] : r.cohort_by) {
        for (const auto& [value, count] : values) {
          row(g, "O1", "", dim + "=" + value, n(count), g.cohort);
        }
      }
    }
    for (const HorizonOutcome& h : g.horizons) {
      const std::string months = std::to_string(h.months);
      row(g, "O2", months, "followed", n(h.followed), std::nullopt);
      for (const std::string& key : StatusKeys()) {
        row(g, "O2", months, key, n(h.status.at(key)), h.followed);
      }
      for (const DerivedFigure& f : kDerived)
        row(g, f.id, months, f.key, n(h.*f.count), h.followed);
    }
    for (const SurvivalRow& x : g.survival.rows) {
      const std::string t = std::to_string(x.month);
      row(g, "O8", t, "at_risk", n(x.at_risk), std::nullopt);
      row(g, "O8", t, "exits", n(x.exits), std::nullopt);
      row(g, "O8", t, "censored", n(x.censored), std::nullopt);
      row(g, "O8", t, "survival", PpmNum(x.s_ppm), 1000000);
    }
    if (g.survival.median_months)
      row(g, "O8", "", "median_months", *g.survival.median_months, std::nullopt);
    row(g, "O9", "", "reentry", n(g.reentered), g.exited);
    for (const YearOutcome& y : g.years) {
      const std::string year = std::to_string(y.year);
      row(g, "O10", year, "recipients", n(y.recipients), std::nullopt);
      row(g, "O10", year, "mean_paid_months", n(y.paid_months), y.recipients);
      row(g, "O11", year, "grant_nok", n(y.grant_nok), std::nullopt);
      row(g, "O11", year, "loan_nok", n(y.loan_nok), std::nullopt);
      row(g, "O11", year, "per_recipient_nok", n(TotalNok(y)), y.recipients);
      row(g, "O11", year, "per_paid_month_nok", n(TotalNok(y)), y.paid_months);
      row(g, "O12", year, "long_term_assistance", n(y.long_term_assistance), y.recipients);
    }
    if (g.stock) {
      const StockOutcome& s = *g.stock;
      row(g, "O13", MonthText(s.baseline), "recipients", n(s.baseline_recipients), std::nullopt);
      row(g, "O13", MonthText(s.month), "recipients", n(s.recipients), std::nullopt);
      row(g, "O13", MonthText(s.month), "both", n(s.both), std::nullopt);
      row(g, "O13", MonthText(s.month), "change", StockChange(s), s.baseline_recipients);
      row(g, "O13", MonthText(s.month), "supplementary", n(s.supplementary), s.recipients);
      row(g, "O13", MonthText(s.month), "passive", n(s.passive), s.recipients);
    }
  }
  return out;
}

}  // namespace ledger::replay
