// The release's time mapping (timeline.h) keeps every comparison the outcome indicators make,
// for every horizon of the release: checked for every intake day over four years against dates
// all around each horizon.
#include "timeline.h"

#include <gtest/gtest.h>

#include <set>

#include "k_anonymity.h"
#include "replay/report_time.h"

namespace ledger::release {
namespace {

TEST(PersonTimelineTest, WindowsAndFollowUpAreKeptForEveryIntakeDay) {
  const std::vector<int> horizons = {6, 12, 24};
  const CivilDate as_of{2012, 6, 30};
  for (int64_t t0 = DaysFromCivil({2007, 1, 1}); t0 < DaysFromCivil({2011, 1, 1}); t0 += 1) {
    const CivilDate intake = CivilFromDays(t0);
    for (int anchor_shift : {0, -1, -2}) {  // intake period: month, or a quarter begun earlier
      const int32_t anchor = MonthNumberOf(intake) + anchor_shift;
      PersonTimeline line(intake, anchor, as_of, horizons, 7);
      const CivilDate synthetic = SyntheticIntake(anchor);
      ASSERT_EQ(line.Day(t0), 0);
      for (int h : horizons) {
        const int64_t c = DaysFromCivil(replay::AddMonths(intake, h));
        const int64_t cs =
            DaysFromCivil(replay::AddMonths(synthetic, h)) - DaysFromCivil(synthetic);
        for (int64_t d = c - 80; d <= c + 20; ++d) {
          const int64_t s = line.Day(d);
          ASSERT_EQ(d >= c - 31 && d <= c, s >= cs - 31 && s <= cs)
              << FormatDate(intake) << " h=" << h << " day " << FormatDate(CivilFromDays(d));
          ASSERT_EQ(d >= c - 62 && d <= c, s >= cs - 62 && s <= cs)
              << FormatDate(intake) << " h=" << h;
        }
      }
      // Followed for h exactly when t0 + h months <= as_of, through the synthetic end.
      const CivilDate end = SyntheticFollowUpEnd(anchor, line.followed_months(), line.end_month());
      for (int h = 1; h <= 60; ++h) {
        const bool real = DaysFromCivil(replay::AddMonths(intake, h)) <= DaysFromCivil(as_of);
        const bool synth = DaysFromCivil(replay::AddMonths(synthetic, h)) <= DaysFromCivil(end);
        ASSERT_EQ(real, synth) << FormatDate(intake) << " h=" << h;
      }
      ASSERT_EQ(MonthNumberOf(end) - anchor, MonthNumberOf(as_of) - MonthNumberOf(intake));
    }
  }
}

TEST(PersonTimelineTest, DaysAreCoarse) {
  PersonTimeline line({2008, 3, 17}, MonthNumberOf({2008, 3, 1}), {2010, 12, 31}, {6, 12, 24}, 7);
  const int64_t t0 = DaysFromCivil({2008, 3, 17});
  // Far from any horizon a released day is a whole number of weeks, and the seven days of a
  // week share it.
  for (int64_t d = t0; d < t0 + 7; ++d) EXPECT_EQ(line.Day(d + 28), 28);
  EXPECT_EQ(line.Day(t0 + 34), 28);
  EXPECT_EQ(line.Day(t0 + 35), 35);
}

// Within a quarter, a released day is a multiple of the unit or one of the points the windows
// need, all counted in the synthetic calendar: the same for every intake month of the period, so
// no released day tells the real month (the real length of h months varies with it).
TEST(PersonTimelineTest, ReleasedDaysDoNotTellTheMonthWithinThePeriod) {
  const std::vector<int> horizons = {6, 12, 24};
  const int32_t anchor = MonthNumberOf({2008, 1, 1});
  const CivilDate synthetic = SyntheticIntake(anchor);
  std::set<int64_t> points;
  for (int h : horizons) {
    const int64_t s = DaysFromCivil(replay::AddMonths(synthetic, h)) - DaysFromCivil(synthetic);
    for (int64_t p : {s - 70, s - 62, s - 31, s, s + 1}) points.insert(p);
  }
  for (int64_t t0 = DaysFromCivil({2008, 1, 1}); t0 <= DaysFromCivil({2008, 3, 31}); ++t0) {
    PersonTimeline line(CivilFromDays(t0), anchor, {2010, 12, 31}, horizons, 7);
    for (int64_t d = t0; d < t0 + 1000; ++d) {
      const int64_t s = line.Day(d);
      ASSERT_TRUE(s % 7 == 0 || points.count(s) != 0)
          << FormatDate(CivilFromDays(t0)) << " +" << d - t0 << " -> " << s;
    }
  }
}

// Released follow-up: counted from the last month of the period, the same for everyone in it,
// and never more than the real one; followed for h exactly when h <= it, through the real end.
TEST(PersonTimelineTest, ReleasedFollowUpIsThePeriods) {
  const CivilDate as_of{2010, 12, 31};
  EXPECT_EQ(ReleasedFollowUpMonths(MonthNumberOf({2008, 3, 1}), as_of), 33);
  EXPECT_EQ(ReleasedFollowUpMonths(MonthNumberOf({2011, 3, 1}), as_of), 0);
  for (int64_t t0 = DaysFromCivil({2008, 1, 1}); t0 <= DaysFromCivil({2008, 3, 31}); ++t0) {
    const CivilDate intake = CivilFromDays(t0);
    PersonTimeline line(intake, MonthNumberOf({2008, 1, 1}), as_of, {6, 12, 24}, 7);
    const int released = ReleasedFollowUpMonths(MonthNumberOf({2008, 3, 1}), as_of);
    EXPECT_LE(released, line.followed_months());
    const CivilDate end = ReleasedFollowUpEnd(intake, released);
    EXPECT_LE(DaysFromCivil(end), DaysFromCivil(as_of));
    EXPECT_EQ(MonthNumberOf(end) - MonthNumberOf(intake), released);
    for (int h = 1; h <= 40; ++h) {
      ASSERT_EQ(DaysFromCivil(replay::AddMonths(intake, h)) <= DaysFromCivil(end), h <= released)
          << FormatDate(intake) << " h=" << h;
    }
  }
}

TEST(KAnonymityTest, GeneralisesUntilEveryClassHasK) {
  std::vector<QuasiIdentifiers> people;
  // 12 people in one month and municipality; 3 in another municipality and month.
  for (int i = 0; i < 12; ++i) people.push_back({"female", 19, "3005", "o1", {2008, 1, 10}});
  for (int i = 0; i < 3; ++i) people.push_back({"female", 19, "3025", "o1", {2008, 2, 10}});
  auto a = Anonymise(people, 5, 0);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->suppressed_count, 0u);
  // Either the municipality or the intake period had to give.
  EXPECT_GE(a->level.municipality + a->level.intake, 1);
  EXPECT_EQ(a->risk.smallest_class, 15u);
  // With 20% suppression allowed, the three are left out instead, nothing generalised.
  auto b = Anonymise(people, 5, 200);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->level.steps(), 0);
  EXPECT_EQ(b->suppressed_count, 3u);
  // Too few people for k at all.
  auto c = Anonymise({people[0], people[1]}, 5, 0);
  EXPECT_EQ(c.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ledger::release
