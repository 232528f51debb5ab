// How one person's dates become the release's coarse days (docs/evaluator-guide.md, "Time").
//
// A release gives no calendar date but the person's intake period. Every date is released as
// whole days since the person's intake in a synthetic calendar that starts on the 15th of the
// first month of that period. Days from a little before each horizon h of the release on are
// first moved by the difference between the synthetic and the real length of h months, then
// floored to the time unit (7 days by default); the floor also stops at the few points where the
// outcome indicators compare days (indicators.md): the synthetic t0 + h months, the day after
// it, and the starts of the status (31 days) and income (62 days) windows before it. So for
// every horizon of the release:
//  - a date is in a window before t0 + h exactly when its released day is in the same window
//    before the synthetic t0 + h, and two dates share a released day only if no indicator could
//    tell them apart;
//  - every released day is a multiple of the unit or one of those points, the same for everyone
//    with the same intake period and horizons: a released day says nothing of the real intake
//    month within the period;
//  - follow-up is released per person as whole months (ReleasedFollowUpMonths), not as a date,
//    counted from the last month the released period allows, so that it says no more than the
//    period does; the person's events are released only up to the end of the month that
//    many months after their intake month (ReleasedFollowUpEnd).
// Months (payment.made's month) are released as months since the intake month, exactly.
// Hence O2-O9 computed from a release equal those of the ledger for the same people; O10-O13,
// which need calendar months, are exact only for people whose intake month is released.
#ifndef RELEASE_SRC_TIMELINE_H_
#define RELEASE_SRC_TIMELINE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "ledger/time_format.h"

namespace ledger::release {

// year * 12 + month - 1.
inline int32_t MonthNumberOf(const CivilDate& d) { return d.year * 12 + (d.month - 1); }
CivilDate FirstDayOfMonthNumber(int32_t month_number);

// The synthetic intake date of a person whose released intake period starts in `anchor_month`.
CivilDate SyntheticIntake(int32_t anchor_month);
// The synthetic end of follow-up: a day on or after the synthetic t0 + followed_months months
// and before t0 + followed_months + 1 months, in the month anchor + end_month.
// REQUIRES: end_month is followed_months or followed_months + 1.
CivilDate SyntheticFollowUpEnd(int32_t anchor_month, int followed_months, int end_month);

// The follow-up a release gives everyone whose intake period ends in `last_intake_month` (the
// last month of the released period that the cohort window and the report date allow): the
// whole months m with t0 + m months <= as_of for an intake in that month, which is the least of
// the period. REQUIRES: as_of is the last day of its month.
int ReleasedFollowUpMonths(int32_t last_intake_month, const CivilDate& as_of);
// The real end of a released person's follow-up: the last day of the month `followed_months`
// after the intake month. Followed for h (t0 + h months <= it) exactly when h <= followed_months.
CivilDate ReleasedFollowUpEnd(const CivilDate& intake, int followed_months);

class PersonTimeline {
 public:
  // REQUIRES: horizons ascending, each >= 3 and at least 3 months apart; unit_days >= 1;
  // intake <= as_of.
  PersonTimeline(const CivilDate& intake, int32_t anchor_month, const CivilDate& as_of,
                 const std::vector<int>& horizons, int unit_days);

  // A real date (days since the epoch) -> released days since the intake.
  int32_t Day(int64_t real_day) const;
  // A real month number -> months since the intake month.
  int32_t Month(int32_t real_month) const { return real_month - intake_month_; }

  // Whole months m with t0 + m months <= as_of.
  int followed_months() const { return followed_months_; }
  // Month of as_of minus the intake month: followed_months() or one more.
  int end_month() const { return end_month_; }

 private:
  int64_t t0_ = 0;
  int32_t intake_month_ = 0;
  int unit_ = 7;
  std::vector<int32_t> cuts_;                       // synthetic offsets, ascending
  std::vector<std::pair<int32_t, int32_t>> zones_;  // (real offset where it starts, shift)
  int followed_months_ = 0;
  int end_month_ = 0;
};

}  // namespace ledger::release

#endif  // RELEASE_SRC_TIMELINE_H_
