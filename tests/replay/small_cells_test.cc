// Small-cell suppression (replay/small_cells.h): counts below the threshold, and the cells from
// which they could be derived, are hidden, and the renderings show them as such.
#include "replay/small_cells.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "replay/outcomes.h"

namespace ledger::replay {
namespace {

OutcomesReport Sample() {
  OutcomesReport r;
  r.options.horizons = {6};
  r.cohort_by["sex"] = {{"female", 30}, {"male", 17}, {"other", 2}};
  OutcomeGroup g;
  g.dimension = "all";
  g.value = "all";
  g.cohort = 49;
  HorizonOutcome h;
  h.months = 6;
  h.followed = 40;
  h.status = {
      {"work_full", 3}, {"work_part", 10},     {"education", 9},  {"qualification_programme", 0},
      {"measure", 8},   {"health_benefit", 0}, {"unemployed", 6}, {"other", 0},
      {"unknown", 4}};
  h.work_or_education = 22;
  h.any_activity = 30;
  h.off_assistance = 38;  // complement 2: small
  h.assistance_main_income = 12;
  h.supplementary_only = 5;
  g.horizons.push_back(h);
  g.survival.rows = {{0, 49, 1, 0, 979592}, {1, 48, 10, 0, 775510}, {2, 4, 1, 3, 581633}};
  g.exited = 12;
  g.reentered = 11;  // complement 1: small
  YearOutcome y;
  y.year = 2008;
  y.recipients = 3;
  y.paid_months = 20;
  y.grant_nok = 100000;
  g.years.push_back(y);
  r.groups.push_back(g);
  return r;
}

TEST(SmallCellsTest, HidesSmallCountsAndWhatWouldRevealThem) {
  OutcomesReport r = Sample();
  SuppressSmallCells(&r, 5);
  // Cohort by sex: "other" (2) is small; only one would be hidden, so the next smallest goes.
  EXPECT_EQ(r.cohort_by["sex"]["other"], kSuppressedCount);
  EXPECT_EQ(r.cohort_by["sex"]["male"], kSuppressedCount);
  EXPECT_EQ(r.cohort_by["sex"]["female"], 30u);
  const HorizonOutcome& h = r.groups[0].horizons[0];
  EXPECT_EQ(h.status.at("work_full"), kSuppressedCount);
  EXPECT_EQ(h.status.at("unknown"), kSuppressedCount);
  EXPECT_EQ(h.status.at("work_part"), 10u);
  EXPECT_EQ(h.status.at("measure"), 8u);
  EXPECT_EQ(h.status.at("health_benefit"), 0u) << "zero is no small cell";
  EXPECT_EQ(h.work_or_education, kSuppressedCount) << "contains work_full";
  EXPECT_EQ(h.any_activity, kSuppressedCount);
  EXPECT_EQ(h.off_assistance, kSuppressedCount) << "40 - 38 = 2 people on assistance";
  EXPECT_EQ(h.assistance_main_income, 12u);
  EXPECT_EQ(h.supplementary_only, 5u);
  const OutcomeGroup& g = r.groups[0];
  EXPECT_EQ(g.reentered, kSuppressedCount) << "12 - 11 = 1 did not re-enter";
  ASSERT_EQ(g.survival.rows.size(), 2u) << "rows end where fewer than 5 are at risk";
  EXPECT_EQ(g.survival.rows[0].exits, kSuppressedCount);
  EXPECT_EQ(g.survival.rows[0].s_ppm, kSuppressedPpm);
  EXPECT_EQ(g.survival.rows[1].exits, 10u);
  EXPECT_EQ(g.years[0].recipients, kSuppressedCount);
  EXPECT_EQ(g.years[0].grant_nok, kSuppressedCount) << "money of 3 recipients";

  // Renderings: "*" in text, null in JSON, empty in CSV; never the hidden number.
  const std::string text = OutcomesText(r);
  EXPECT_NE(text.find('*'), std::string::npos);
  auto json = nlohmann::json::parse(OutcomesJson(r));
  const auto& jh = json["report"]["groups"][0]["horizons"][0];
  EXPECT_TRUE(jh["status"]["work_full"]["num"].is_null());
  EXPECT_EQ(jh["status"]["work_full"]["suppressed"], true);
  EXPECT_EQ(jh["status"]["work_part"]["num"], 10);
  const std::string csv = OutcomesCsv(r);
  EXPECT_NE(csv.find("all,all,O2,6,work_full,,40,\n"), std::string::npos) << csv;
  EXPECT_EQ(text.find("18446744073709551615"), std::string::npos);
  EXPECT_EQ(json.dump().find("18446744073709551615"), std::string::npos);
}

TEST(SmallCellsTest, AThresholdOfOneChangesNothing) {
  OutcomesReport r = Sample();
  SuppressSmallCells(&r, 1);
  EXPECT_EQ(OutcomesJson(r), OutcomesJson(Sample()));
}

}  // namespace
}  // namespace ledger::replay
