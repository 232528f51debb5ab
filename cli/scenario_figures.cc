#include "scenario_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "replay/report_run.h"
#include "synth/scenario.h"

namespace ledger::cli {
namespace {

std::string RatioText(uint64_t num, uint64_t den) {
  if (den == 1) return Thousands(num);
  if (den == 0) return "-";
  return fmt::format("{:.1f}% ({} of {})",
                     100.0 * static_cast<double>(num) / static_cast<double>(den), num, den);
}

ScenarioFigure Figure(std::string figure, std::string source, std::string reported,
                      std::string indicator, uint64_t reported_num, uint64_t reported_den,
                      uint64_t replayed_num, uint64_t replayed_den, bool above = false) {
  ScenarioFigure f{std::move(figure),
                   std::move(source),
                   std::move(reported),
                   std::move(indicator),
                   reported_num,
                   reported_den,
                   replayed_num,
                   replayed_den,
                   above,
                   false};
  f.within = WithinTenPercent(replayed_num, replayed_den, reported_num, reported_den) &&
             (!above || replayed_num * reported_den > reported_num * replayed_den);
  return f;
}

uint64_t RecipientsIn(const replay::OutcomeGroup& g, int year) {
  auto it = std::find_if(g.years.begin(), g.years.end(),
                         [year](const replay::YearOutcome& y) { return y.year == year; });
  return it == g.years.end() ? 0 : it->recipients;
}

// P1824 (p1824-drammen.txt): slide 18, "De opprinnelige 428 ungdommene som mottok sosialhjelp
// i 2007 er nå redusert til ca 50 personer (utgangen av 2009)"; slide 11, "mer enn 50% av
// brukerne skal innen 1.7.2010 kun ha supplerende sosialhjelp (ikke sosialhjelp som viktigste
// kilde til livsopphold). Dette målet ble nådd i mai 2010!"
Result<ScenarioComparison> Drammen(const OutcomesFor& outcomes) {
  replay::OutcomesOptions options;
  options.intake_from = CivilDate{2007, 1, 1};
  options.intake_to = CivilDate{2007, 12, 31};
  options.stock_baseline = CivilDate{2007, 12, 1};
  options.stock_month = CivilDate{2009, 12, 1};
  LEDGER_ASSIGN_OR_RETURN(replay::OutcomesReport end_2009, outcomes(options));
  options.stock_month = CivilDate{2010, 5, 1};
  LEDGER_ASSIGN_OR_RETURN(replay::OutcomesReport may_2010, outcomes(options));
  const replay::OutcomeGroup& a = end_2009.groups.front();
  const replay::OutcomeGroup& b = may_2010.groups.front();
  if (!a.stock || !b.stock) return Status::FailedPrecondition("the outcomes have no stock (O13)");

  ScenarioComparison c;
  c.title = "P1824, Drammen (2007-2010)";
  c.figures.push_back(Figure("recipients aged 18-24 in 2007", "P1824, slide 18", "428",
                             "O10 recipients in 2007 (intakes 2007)", 428, 1, RecipientsIn(a, 2007),
                             1));
  c.figures.push_back(Figure("of them still recipients at the end of 2009", "P1824, slide 18",
                             "about 50", "O13 recipients in 2009-12", 50, 1, a.stock->recipients,
                             1));
  c.figures.push_back(Figure("recipients with assistance only as a supplement, May 2010",
                             "P1824, slide 11", "more than half",
                             "O13 supplement only / recipients in 2010-05", 1, 2,
                             b.stock->supplementary, b.stock->recipients, /*above=*/true));
  return c;
}

// Aktiv Hverdag (aktiv-hverdag-narvik.txt), slide 10: "Fakta (mai 2004) 235 deltakere 140 helt
// ute av sosialkontoret (i Narvik) 20 kun passiv mottak av sosialhjelp Andre under behandling".
Result<ScenarioComparison> Narvik(const OutcomesFor& outcomes) {
  replay::OutcomesOptions options;
  options.intake_from = CivilDate{2002, 1, 1};
  options.intake_to = CivilDate{2004, 5, 31};
  options.stock_baseline = CivilDate{2003, 5, 1};
  options.stock_month = CivilDate{2004, 5, 1};
  LEDGER_ASSIGN_OR_RETURN(replay::OutcomesReport may_2004, outcomes(options));
  const replay::OutcomeGroup& g = may_2004.groups.front();
  if (!g.stock) return Status::FailedPrecondition("the outcomes have no stock (O13)");
  const uint64_t off = g.cohort >= g.stock->recipients ? g.cohort - g.stock->recipients : 0;

  ScenarioComparison c;
  c.title = "Aktiv Hverdag, Narvik (2002-2004)";
  c.figures.push_back(Figure("participants by May 2004", "Aktiv Hverdag, slide 10", "235",
                             "O1 cohort (intakes 2002-01 .. 2004-05)", 235, 1, g.cohort, 1));
  c.figures.push_back(Figure("entirely off the social office, May 2004", "Aktiv Hverdag, slide 10",
                             "140", "O1 cohort - O13 recipients in 2004-05", 140, 1, off, 1));
  c.figures.push_back(Figure("passive assistance only, May 2004", "Aktiv Hverdag, slide 10", "20",
                             "O13 passive (no activity condition) in 2004-05", 20, 1,
                             g.stock->passive, 1));
  return c;
}

}  // namespace

bool ScenarioComparison::AllWithin() const {
  return std::all_of(figures.begin(), figures.end(),
                     [](const ScenarioFigure& f) { return f.within; });
}

bool WithinTenPercent(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  if (b == 0 || d == 0) return false;
  // |a/b - c/d| <= (c/d) / 10  <=>  10 |a d - c b| <= c b; the figures are far below 2^31.
  const auto ad = static_cast<int64_t>(a * d), cb = static_cast<int64_t>(c * b);
  return 10 * (ad > cb ? ad - cb : cb - ad) <= cb;
}

CivilDate ScenarioReportDate(synth::Scenario scenario) {
  return scenario == synth::Scenario::kDrammen ? CivilDate{2010, 5, 31} : CivilDate{2004, 5, 31};
}

Result<ScenarioComparison> CompareScenario(synth::Scenario scenario, const OutcomesFor& outcomes) {
  if (scenario == synth::Scenario::kNone) {
    return Status::InvalidArgument("no scenario: drammen or narvik");
  }
  LEDGER_ASSIGN_OR_RETURN(ScenarioComparison c, scenario == synth::Scenario::kDrammen
                                                    ? Drammen(outcomes)
                                                    : Narvik(outcomes));
  c.scenario = scenario;
  c.as_of = ScenarioReportDate(scenario);
  return c;
}

Result<ScenarioComparison> CompareScenarioInLedger(synth::Scenario scenario, Ledger& ledger) {
  if (scenario == synth::Scenario::kNone) {
    return Status::InvalidArgument("no scenario: drammen or narvik");
  }
  replay::OutcomesProjection projection;
  replay::ReportMoment moment;
  moment.as_of = ScenarioReportDate(scenario);
  LEDGER_ASSIGN_OR_RETURN(replay::ReportRun run,
                          replay::ReplayForReport(ledger, moment, {&projection}));
  return CompareScenario(scenario, [&](const replay::OutcomesOptions& options) {
    return Result<replay::OutcomesReport>(projection.Report(run.at, run.log, options));
  });
}

std::string ScenarioComparisonText(const ScenarioComparison& c) {
  Table t({"figure", "report", "replayed", "indicator", "within 10%"});
  for (const ScenarioFigure& f : c.figures) {
    t.AddRow({f.figure, f.reported, RatioText(f.replayed_num, f.replayed_den), f.indicator,
              f.within ? "yes" : "NO"});
  }
  return fmt::format("{} ({} scenario), replayed as of {}\n", c.title,
                     synth::ScenarioName(c.scenario), FormatDate(c.as_of)) +
         t.Render();
}

std::string ScenarioComparisonJson(const ScenarioComparison& c) {
  nlohmann::ordered_json figures = nlohmann::ordered_json::array();
  for (const ScenarioFigure& f : c.figures) {
    figures.push_back({{"figure", f.figure},
                       {"source", f.source},
                       {"reported", f.reported},
                       {"reported_value", {{"num", f.reported_num}, {"den", f.reported_den}}},
                       {"above_reported", f.above},
                       {"indicator", f.indicator},
                       {"replayed", {{"num", f.replayed_num}, {"den", f.replayed_den}}},
                       {"within_10_percent", f.within}});
  }
  nlohmann::ordered_json out = {{"scenario", synth::ScenarioName(c.scenario)},
                                {"title", c.title},
                                {"as_of", FormatDate(c.as_of)},
                                {"all_within", c.AllWithin()},
                                {"figures", std::move(figures)}};
  return out.dump() + "\n";
}

}  // namespace ledger::cli
