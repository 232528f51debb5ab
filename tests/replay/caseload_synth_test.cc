// The caseload on a realistic log: a small synthetic cohort (synth/), signed and appended. The
// figures are not known by hand here; what is checked is what must hold for any log: the
// summary adds up, reports are deterministic, resuming anywhere equals a rebuild, and the report
// zone agrees with the offsets the generator writes (the EU rule, Europe/Oslo).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "ledger/event_codec.h"
#include "replay/caseload.h"
#include "replay/event_view.h"
#include "replay/replayer.h"
#include "replay/state_store.h"
#include "replay_test_log.h"
#include "synth/cohort_generator.h"
#include "synth_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::Date;
using ledger::testing::ReplayTestLog;
using ledger::testing::ScratchDir;

class CaseloadSynthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { log_ = ledger::testing::SyntheticLog(80, 7).release(); }
  static void TearDownTestSuite() {
    delete log_;
    log_ = nullptr;
  }

  static CaseloadReport AsOf(const std::string& date) {
    ReportTime at = ReportTime::EndOfDay(Date(date), ReportZone::EuropeOslo());
    CaseloadProjection p;
    ReplayFilter filter;
    filter.occurred_at_most_us = at.instant_us;
    auto r = Replayer::Create(log_->ledger(), {&p}, filter);
    EXPECT_TRUE((*r)->Run().ok());
    return p.Report(at, *(*r)->Point());
  }

  static ReplayTestLog* log_;
};

ReplayTestLog* CaseloadSynthTest::log_ = nullptr;

TEST_F(CaseloadSynthTest, EventsDecodeAsTheCodecSaysAndTheOsloZoneMatchesTheirOffsets) {
  ReportZone oslo = ReportZone::EuropeOslo();
  EventDecoder decoder;
  EventView v;
  size_t checked = 0;
  std::set<std::string> types;
  for (auto it = log_->ledger().log().Scan(4, /*decode=*/true); it->Valid(); it->Next()) {
    ASSERT_TRUE(decoder.DecodeEntry(it->entry(), &v).ok());
    auto summary = SummarizeEvent(it->entry().event);
    ASSERT_TRUE(summary.ok());
    ASSERT_EQ(EventTypeName(v.type()), summary->type);
    ASSERT_EQ(v.occurred_at_us(), summary->occurred_at_us);
    ASSERT_EQ(v.subject(), summary->subject);
    types.insert(summary->type);
    std::string_view text(v.event().getOccurredAt().cStr());
    ASSERT_GE(text.size(), 6u);
    std::string_view zone = text.substr(text.size() - 6);
    int sign = zone[0] == '-' ? -1 : 1;
    int minutes = sign * (((zone[1] - '0') * 10 + (zone[2] - '0')) * 60 + (zone[4] - '0') * 10 +
                          (zone[5] - '0'));
    ASSERT_EQ(oslo.OffsetMinutesAt(v.occurred_at_us()), minutes) << text;
    ++checked;
  }
  EXPECT_GT(checked, 5000u);
  EXPECT_GE(types.size(), 30u);
}

TEST_F(CaseloadSynthTest, SummariesAddUpOnEveryMonth) {
  uint64_t max_open = 0;
  for (int m = 0; m < 36; m += 3) {
    int year = 2008 + m / 12, month = 1 + m % 12;
    char date[11];
    std::snprintf(date, sizeof(date), "%04d-%02d-15", year, month);
    CaseloadReport r = AsOf(date);
    const CaseloadSummary& s = r.summary;
    EXPECT_EQ(s.open_cases, r.cases.size()) << date;
    uint64_t grid = 0;
    for (const auto& [office, phases] : s.by_office_phase) {
      EXPECT_EQ(phases.size(), 5u);
      for (const auto& [phase, n] : phases) grid += n;
    }
    EXPECT_EQ(grid, s.open_cases) << date;
    uint64_t categories = 0;
    for (const auto& [k, n] : s.by_category) categories += n;
    EXPECT_EQ(categories, s.open_cases) << date;
    uint64_t overdue = 0, expiring = 0, in_force = 0;
    for (const CaseloadCase& c : r.cases) {
      EXPECT_GE(c.days_since_intake, 0) << c.subject;
      for (const CaseloadConsent& k : c.consents) {
        EXPECT_GT(k.expires_at_us, r.at.instant_us);
        expiring += k.expires_within_30_days;
      }
      for (const CaseloadAgreement& a : c.agreements) {
        EXPECT_LE(a.overdue_tasks, a.open_tasks);
        EXPECT_LE(a.open_tasks, a.tasks);
        overdue += a.overdue_tasks;
      }
      for (const CaseloadSanction& x : c.sanctions) in_force += x.in_force;
    }
    EXPECT_EQ(overdue, s.overdue_tasks);
    EXPECT_EQ(expiring, s.consents_expiring_within_30_days);
    EXPECT_EQ(in_force, s.sanctions_in_force);
    max_open = std::max(max_open, s.open_cases);
  }
  // The cohort is realistic: most of it is open at its peak, with agreements and consents.
  EXPECT_GT(max_open, 40u);
  CaseloadReport mid = AsOf("2009-01-15");
  size_t with_consent = 0, with_agreement = 0;
  for (const CaseloadCase& c : mid.cases) {
    with_consent += !c.consents.empty();
    with_agreement += !c.agreements.empty();
  }
  EXPECT_GT(with_consent, 0u);
  EXPECT_GT(with_agreement, 0u);
}

TEST_F(CaseloadSynthTest, DeterministicAndResumableAnywhere) {
  Ledger& ledger = log_->ledger();
  const uint64_t size = ledger.log().Size();
  CaseloadProjection full;
  auto whole = Replayer::Create(ledger, {&full});
  ASSERT_TRUE((*whole)->Run().ok());
  const ReportTime at = ReportTime::EndOfDay(Date("2009-06-30"), ReportZone::EuropeOslo());
  const std::string json = CaseloadJson(full.Report(at, *(*whole)->Point()));
  const std::string state = full.Serialize();

  CaseloadProjection again;
  auto second = Replayer::Create(ledger, {&again});
  ASSERT_TRUE((*second)->Run().ok());
  EXPECT_EQ(again.Serialize(), state);
  EXPECT_EQ(CaseloadJson(again.Report(at, *(*second)->Point())), json);

  for (uint64_t k : {uint64_t{4}, size / 7, size / 2, size - 1}) {
    ScratchDir dir;
    auto store = StateStore::Open(dir.path());
    {
      CaseloadProjection first;
      auto r = Replayer::Create(ledger, {&first});
      RunOptions to_k;
      to_k.to_seq = k;
      ASSERT_TRUE((*r)->Run(to_k).ok());
      ASSERT_TRUE((*r)->Save(**store).ok());
    }
    CaseloadProjection resumed;
    auto r = Replayer::Create(ledger, {&resumed});
    auto info = (*r)->Resume(**store);
    ASSERT_TRUE(info.ok());
    ASSERT_EQ(info->kind, ResumeKind::kResumed);
    ASSERT_TRUE((*r)->Run().ok());
    EXPECT_EQ(resumed.Serialize(), state) << "k=" << k;
    EXPECT_EQ(CaseloadJson(resumed.Report(at, *(*r)->Point())), json) << "k=" << k;
  }
}

}  // namespace
}  // namespace ledger::replay
