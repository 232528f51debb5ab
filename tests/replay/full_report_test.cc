// All projections on a realistic log (a small synthetic cohort, signed and appended): one replay
// for the three reports gives what three separate replays give, replays are deterministic,
// resuming anywhere equals a rebuild, the figures add up, and the HTML page is self-contained.
#include "replay/full_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "replay/replayer.h"
#include "replay/state_store.h"
#include "replay_test_log.h"
#include "synth_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::Date;
using ledger::testing::ReplayTestLog;
using ledger::testing::ScratchDir;

class FullReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { log_ = ledger::testing::SyntheticLog(60, 11).release(); }
  static void TearDownTestSuite() {
    delete log_;
    log_ = nullptr;
  }

  static OutcomesQuery Query() {
    OutcomesQuery q;
    q.as_of = Date("2010-12-31");
    q.options.grouping = OutcomeGrouping::kCategory;
    q.options.stock_baseline = Date("2008-12-01");
    q.options.stock_month = Date("2009-12-01");
    return q;
  }

  static ReplayTestLog* log_;
};

ReplayTestLog* FullReportTest::log_ = nullptr;

TEST_F(FullReportTest, OneReplayGivesWhatSeparateReplaysGive) {
  auto full = RunFullReport(log_->ledger(), Query());
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  auto outcomes = RunOutcomes(log_->ledger(), Query());
  auto compliance = RunCompliance(log_->ledger(), Query());
  CaseloadQuery cq;
  cq.as_of = Query().as_of;
  auto caseload = RunCaseload(log_->ledger(), cq);
  ASSERT_TRUE(outcomes.ok() && compliance.ok() && caseload.ok());
  EXPECT_EQ(OutcomesJson(full->outcomes), OutcomesJson(outcomes->report));
  EXPECT_EQ(ComplianceJson(full->compliance), ComplianceJson(compliance->report));
  EXPECT_EQ(CaseloadJson(full->caseload), CaseloadJson(caseload->report));
  // And again: the same bytes.
  auto again = RunFullReport(log_->ledger(), Query());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(FullReportHtml(*again), FullReportHtml(*full));
}

TEST_F(FullReportTest, FiguresAddUp) {
  auto full = RunFullReport(log_->ledger(), Query());
  ASSERT_TRUE(full.ok());
  const OutcomesReport& o = full->outcomes;
  const OutcomeGroup& all = o.groups.front();
  EXPECT_EQ(all.cohort, 60u);  // every generated participant is 18-24 at intake
  uint64_t grouped = 0;
  for (size_t i = 1; i < o.groups.size(); ++i) grouped += o.groups[i].cohort;
  EXPECT_EQ(grouped, all.cohort);
  for (const HorizonOutcome& h : all.horizons) {
    uint64_t sum = 0;
    for (const auto& [status, n] : h.status) sum += n;
    EXPECT_EQ(sum, h.followed);
    EXPECT_LE(h.work_or_education, h.any_activity);
    EXPECT_LE(h.followed, all.cohort);
  }
  EXPECT_GT(all.horizons[0].followed, 0u);
  EXPECT_EQ(all.survival.exits + all.survival.censored, all.cohort);
  for (size_t t = 1; t < all.survival.rows.size(); ++t) {
    EXPECT_LE(all.survival.rows[t].at_risk, all.survival.rows[t - 1].at_risk);
    EXPECT_LE(all.survival.rows[t].s_ppm, all.survival.rows[t - 1].s_ppm);
  }
  EXPECT_GT(all.survival.exits, 0u);
  EXPECT_FALSE(all.years.empty());
  for (const ComplianceCheck& c : full->compliance.checks) {
    EXPECT_EQ(c.passed + c.exceptions.size(), c.checked) << c.id;
    EXPECT_GT(c.checked, 0u) << c.id;
  }
  EXPECT_GT(full->compliance.consent.given, 0u);
}

TEST_F(FullReportTest, HtmlIsOneSelfContainedPage) {
  auto full = RunFullReport(log_->ledger(), Query());
  ASSERT_TRUE(full.ok());
  const std::string html = FullReportHtml(*full);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* forbidden :
       {"<script", "http:", "https:", "src=", "url(", "@import", "<link", "<iframe", "<object"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    ++svgs;
  }
  EXPECT_GE(svgs, 5u);  // phase, category, status shares, survival, compliance
  for (const std::string& json : {CaseloadJson(full->caseload), OutcomesJson(full->outcomes),
                                  ComplianceJson(full->compliance)}) {
    std::string sha = nlohmann::json::parse(json)["sha256"];
    EXPECT_NE(html.find(sha), std::string::npos);
  }
  EXPECT_NE(html.find("id=\"compliance\""), std::string::npos);
}

TEST_F(FullReportTest, ResumedAnywhereEqualsARebuildForEveryProjection) {
  Ledger& ledger = log_->ledger();
  auto states = [](CaseloadProjection& a, OutcomesProjection& b, ComplianceProjection& c) {
    return a.Serialize() + "|" + b.Serialize() + "|" + c.Serialize();
  };
  CaseloadProjection c0;
  OutcomesProjection o0;
  ComplianceProjection k0;
  auto whole = Replayer::Create(ledger, {&c0, &o0, &k0});
  ASSERT_TRUE((*whole)->Run().ok());
  const std::string expected = states(c0, o0, k0);
  const uint64_t size = ledger.log().Size();
  for (uint64_t k : {uint64_t{1}, size / 3, size / 2, size - 1}) {
    ScratchDir dir;
    auto store = StateStore::Open(dir.path());
    {
      CaseloadProjection c1;
      OutcomesProjection o1;
      ComplianceProjection k1;
      auto r = Replayer::Create(ledger, {&c1, &o1, &k1});
      RunOptions to_k;
      to_k.to_seq = k;
      ASSERT_TRUE((*r)->Run(to_k).ok());
      ASSERT_TRUE((*r)->Save(**store).ok());
    }
    CaseloadProjection c2;
    OutcomesProjection o2;
    ComplianceProjection k2;
    auto r = Replayer::Create(ledger, {&k2, &c2, &o2});  // any order
    auto info = (*r)->Resume(**store);
    ASSERT_TRUE(info.ok());
    ASSERT_EQ(info->kind, ResumeKind::kResumed) << info->reason;
    ASSERT_TRUE((*r)->Run().ok());
    EXPECT_EQ(states(c2, o2, k2), expected) << "k=" << k;
  }
}

}  // namespace
}  // namespace ledger::replay
