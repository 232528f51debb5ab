// The figures the two project reports published (shared/context/), beside the same figures
// replayed from a log of the scenario's cohort (`ledger generate --scenario`): what each report
// said, which indicator answers it, and whether the replayed figure is within 10 % of it
// (docs/evaluator-guide.md, "The reports' own figures, replayed").
//
// The published figures are written here again, independently of the generator's quotas
// (synth/src/scenario.cc), so that a generator that drifts from the reports is caught by
// comparing the two.
#ifndef LEDGER_CLI_SCENARIO_FIGURES_H_
#define LEDGER_CLI_SCENARIO_FIGURES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "replay/outcomes.h"
#include "synth/cohort_generator.h"

namespace ledger::cli {

struct ScenarioFigure {
  std::string figure;     // what the report counted, in English
  std::string source;     // where it says so: "P1824, slide 18"
  std::string reported;   // as the report words it: "428", "about 50", "more than half"
  std::string indicator;  // what replays it: "O10 recipients in 2007"
  // The report's figure and the replayed one as ratios (a count has den 1).
  uint64_t reported_num = 0, reported_den = 1;
  uint64_t replayed_num = 0, replayed_den = 0;
  // The report says "more than": the replayed figure must also be above it.
  bool above = false;
  bool within = false;  // WithinTenPercent, and above the report's figure when `above`
};

struct ScenarioComparison {
  synth::Scenario scenario = synth::Scenario::kNone;
  std::string title;  // "P1824, Drammen (2007-2010)"
  CivilDate as_of{};  // the report date the figures are read at
  std::vector<ScenarioFigure> figures;
  bool AllWithin() const;
};

// The outcomes report for `options` as of the comparison's date (ScenarioReportDate), from
// whatever holds the log: a ledger (RunOutcomes) or a projection fed directly.
using OutcomesFor =
    std::function<Result<replay::OutcomesReport>(const replay::OutcomesOptions& options)>;

// The end of the last month the scenario's figures name: 2010-05-31 (drammen), 2004-05-31
// (narvik). REQUIRES: scenario != kNone.
CivilDate ScenarioReportDate(synth::Scenario scenario);

// Each published figure of `scenario`, replayed. InvalidArgument for kNone; the error of
// `outcomes` if it fails.
Result<ScenarioComparison> CompareScenario(synth::Scenario scenario, const OutcomesFor& outcomes);

// Replays `ledger` up to the end of ScenarioReportDate (in Oslo) once into an outcomes
// projection, and compares. Errors of the replay.
Result<ScenarioComparison> CompareScenarioInLedger(synth::Scenario scenario, Ledger& ledger);

// |a/b - c/d| <= c/d / 10, in integers. False when b or d is 0.
bool WithinTenPercent(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

// An aligned table: figure, the report's, replayed, indicator, within 10 %.
std::string ScenarioComparisonText(const ScenarioComparison& comparison);
// One line of JSON and a newline: scenario, title, as_of, all_within and the figures, each with
// reported and replayed as {"num", "den"}.
std::string ScenarioComparisonJson(const ScenarioComparison& comparison);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_SCENARIO_FIGURES_H_
