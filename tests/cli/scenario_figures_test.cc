// The reports' own figures, replayed (cli/scenario_figures.h): each scenario cohort
// (`ledger generate --scenario`), fed to the outcomes projection, reproduces the published
// figures within 10 % for the default seed and for other seeds; the default cohort does not; and
// the tolerance is checked on both sides of its bounds. The events go straight from the
// generator into the projection (no signing, which would cost seconds per cohort): the ledger's
// path is the same projection over the same canonical bytes, which `ledger scenario` and the
// demo take.
#include "scenario_figures.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger/event_codec.h"
#include "replay/event_view.h"
#include "replay/outcomes.h"
#include "synth/scenario.h"

namespace ledger::cli {
namespace {

using synth::Scenario;

// `options`' cohort replayed as of the scenario's report date: events after its end in Oslo are
// left out, as a replay for that date leaves them out.
Result<ScenarioComparison> Replayed(Scenario scenario, const synth::CohortOptions& options) {
  const replay::ReportTime at =
      replay::ReportTime::EndOfDay(ScenarioReportDate(scenario), replay::ReportZone::EuropeOslo());
  replay::OutcomesProjection projection;
  replay::EventDecoder decoder;
  replay::EventView view;
  uint64_t seq = 0;
  Status failed = Status::Ok();
  const std::string error = synth::GenerateCohort(options, [&](std::string_view line) {
    if (!failed.ok()) return;
    nlohmann::json event = nlohmann::json::parse(line);
    event.erase("personal");  // the projection reads no personal value
    Result<std::string> bytes = CanonicalEventFromJsonValue(event);
    if (!bytes.ok()) {
      failed = bytes.status();
      return;
    }
    Entry entry;
    entry.seq = seq;
    entry.event = std::move(bytes).value();
    failed = decoder.DecodeEntry(entry, &view);
    if (failed.ok() && view.occurred_at_us() <= at.instant_us) projection.Apply(view);
    ++seq;
  });
  if (!error.empty()) return Status::InvalidArgument(error);
  LEDGER_RETURN_IF_ERROR(failed);
  return CompareScenario(scenario, [&](const replay::OutcomesOptions& o) {
    return Result<replay::OutcomesReport>(projection.Report(at, replay::LogPoint{seq, {}}, o));
  });
}

ScenarioComparison ExpectAllWithin(Scenario scenario, uint64_t seed) {
  auto c = Replayed(scenario, synth::ScenarioOptions(scenario, seed));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  if (!c.ok()) return {};
  EXPECT_EQ(c->figures.size(), 3u);
  for (const ScenarioFigure& f : c->figures) {
    EXPECT_TRUE(f.within) << synth::ScenarioName(scenario) << " seed " << seed << ": " << f.figure
                          << " replayed " << f.replayed_num << "/" << f.replayed_den
                          << ", the report " << f.reported_num << "/" << f.reported_den;
  }
  EXPECT_TRUE(c->AllWithin());
  return *c;
}

// Seed 1 gives the figures docs/evaluator-guide.md shows.
TEST(ScenarioFiguresTest, DrammenReproducesP1824ForSeveralSeeds) {
  const ScenarioComparison c = ExpectAllWithin(Scenario::kDrammen, 1);
  ASSERT_EQ(c.figures.size(), 3u);
  EXPECT_EQ(c.figures[0].replayed_num, 428u);
  EXPECT_EQ(c.figures[1].replayed_num, 50u);
  EXPECT_EQ(c.figures[2].replayed_num, 21u);
  EXPECT_EQ(c.figures[2].replayed_den, 40u);
  for (uint64_t seed : {2, 2026}) ExpectAllWithin(Scenario::kDrammen, seed);
}

TEST(ScenarioFiguresTest, NarvikReproducesAktivHverdagForSeveralSeeds) {
  const ScenarioComparison c = ExpectAllWithin(Scenario::kNarvik, 1);
  ASSERT_EQ(c.figures.size(), 3u);
  EXPECT_EQ(c.figures[0].replayed_num, 235u);
  EXPECT_EQ(c.figures[1].replayed_num, 140u);
  EXPECT_EQ(c.figures[2].replayed_num, 20u);
  for (uint64_t seed : {2, 2026}) ExpectAllWithin(Scenario::kNarvik, seed);
}

// A cohort that is not the scenario's misses the reports: the comparison can fail.
TEST(ScenarioFiguresTest, TheDefaultCohortDoesNotReproduceTheReports) {
  synth::CohortOptions drammen_like;  // from 2008-01: nobody came in during 2007
  drammen_like.participants = 60;
  auto d = Replayed(Scenario::kDrammen, drammen_like);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->figures[0].within);
  EXPECT_FALSE(d->AllWithin());
  synth::CohortOptions narvik_like;
  narvik_like.participants = 235;
  narvik_like.from_year = 2002;
  narvik_like.months = 29;
  auto n = Replayed(Scenario::kNarvik, narvik_like);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_TRUE(n->figures[0].within);  // the size is an option
  EXPECT_FALSE(n->AllWithin()) << ScenarioComparisonText(*n);
}

TEST(ScenarioFiguresTest, TenPercentOnBothSidesAndAboveWhenTheReportSaysMoreThan) {
  EXPECT_TRUE(WithinTenPercent(45, 1, 50, 1));
  EXPECT_TRUE(WithinTenPercent(55, 1, 50, 1));
  EXPECT_FALSE(WithinTenPercent(44, 1, 50, 1));
  EXPECT_FALSE(WithinTenPercent(56, 1, 50, 1));
  EXPECT_TRUE(WithinTenPercent(11, 20, 1, 2));   // 55 % against 50 %
  EXPECT_FALSE(WithinTenPercent(23, 40, 1, 2));  // 57.5 %
  EXPECT_FALSE(WithinTenPercent(1, 0, 1, 2));
  // "more than half": 50 % exactly is not enough, 52.5 % is.
  ScenarioComparison c;
  const OutcomesFor half = [](const replay::OutcomesOptions& o) {
    replay::OutcomesReport r;
    replay::OutcomeGroup g;
    g.cohort = 428;
    g.years.push_back(replay::YearOutcome{2007, 428});
    g.stock = replay::StockOutcome{*o.stock_baseline, *o.stock_month, 428, 50, 0, 25, 0};
    r.groups.push_back(g);
    return Result<replay::OutcomesReport>(r);
  };
  auto at_half = CompareScenario(Scenario::kDrammen, half);
  ASSERT_TRUE(at_half.ok());
  EXPECT_TRUE(at_half->figures[1].within);
  EXPECT_EQ(at_half->figures[2].replayed_num * 2, at_half->figures[2].replayed_den);
  EXPECT_FALSE(at_half->figures[2].within);
  EXPECT_EQ(CompareScenario(Scenario::kNone, half).status().code(), StatusCode::kInvalidArgument);
}

TEST(ScenarioFiguresTest, JsonCarriesBothFiguresAndTheVerdict) {
  auto n = Replayed(Scenario::kNarvik, synth::ScenarioOptions(Scenario::kNarvik));
  ASSERT_TRUE(n.ok());
  const std::string text = ScenarioComparisonJson(*n);
  ASSERT_EQ(text.back(), '\n');
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j.at("scenario"), "narvik");
  EXPECT_EQ(j.at("as_of"), "2004-05-31");
  EXPECT_EQ(j.at("all_within"), true);
  EXPECT_EQ(j.at("figures").at(2).at("reported_value").at("num"), 20);
  EXPECT_EQ(j.at("figures").at(2).at("replayed").at("num"), 20);
}

}  // namespace
}  // namespace ledger::cli
