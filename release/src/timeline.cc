#include "timeline.h"

#include <algorithm>

#include "replay/report_time.h"

namespace ledger::release {
namespace {

// The windows the indicators look back over from t0 + h (indicators.md): status 31 days,
// income 62 days. A zone begins a little before the wider one, so that a date moved by the
// previous zone's shift can never land inside it (shifts differ by at most 6 days).
constexpr int32_t kStatusWindowDays = 31;
constexpr int32_t kIncomeWindowDays = 62;
constexpr int32_t kZoneLeadDays = kIncomeWindowDays + 8;

int64_t FloorTo(int64_t x, int unit) {
  int64_t q = x / unit;
  if (x % unit != 0 && x < 0) --q;
  return q * unit;
}

int64_t DaysBetween(const CivilDate& from, const CivilDate& to) {
  return DaysFromCivil(to) - DaysFromCivil(from);
}

}  // namespace

CivilDate FirstDayOfMonthNumber(int32_t m) {
  const int year = m >= 0 ? m / 12 : (m - 11) / 12;
  return CivilDate{year, m - year * 12 + 1, 1};
}

CivilDate SyntheticIntake(int32_t anchor_month) {
  CivilDate d = FirstDayOfMonthNumber(anchor_month);
  d.day = 15;
  return d;
}

CivilDate SyntheticFollowUpEnd(int32_t anchor_month, int followed_months, int end_month) {
  // Synthetic t0 + m months is the 15th of month anchor + m: the 28th of that month, or the 1st
  // of the next, both lie on or after it and before the 15th of the month after.
  if (end_month == followed_months) {
    CivilDate d = FirstDayOfMonthNumber(anchor_month + followed_months);
    d.day = 28;
    return d;
  }
  return FirstDayOfMonthNumber(anchor_month + followed_months + 1);
}

PersonTimeline::PersonTimeline(const CivilDate& intake, int32_t anchor_month,
                               const CivilDate& as_of, const std::vector<int>& horizons,
                               int unit_days)
    : t0_(DaysFromCivil(intake)), intake_month_(MonthNumberOf(intake)), unit_(unit_days) {
  const CivilDate synthetic = SyntheticIntake(anchor_month);
  for (int h : horizons) {
    const auto real = static_cast<int32_t>(DaysBetween(intake, replay::AddMonths(intake, h)));
    const auto synth =
        static_cast<int32_t>(DaysBetween(synthetic, replay::AddMonths(synthetic, h)));
    for (int32_t cut : {synth - kZoneLeadDays, synth - kIncomeWindowDays, synth - kStatusWindowDays,
                        synth, synth + 1}) {
      cuts_.push_back(cut);
    }
    zones_.emplace_back(real - kZoneLeadDays, synth - real);
  }
  std::sort(cuts_.begin(), cuts_.end());
  int m = 0;
  while (m < 1200 && DaysFromCivil(replay::AddMonths(intake, m + 1)) <= DaysFromCivil(as_of)) ++m;
  followed_months_ = m;
  end_month_ = MonthNumberOf(as_of) - intake_month_;
}

int32_t PersonTimeline::Day(int64_t real_day) const {
  const int64_t x = real_day - t0_;
  int64_t shift = 0;
  for (const auto& [start, zone_shift] : zones_) {
    if (x >= start) shift = zone_shift;
  }
  // Moved first, then floored in the synthetic calendar: every released day is a multiple of
  // the unit or one of the cuts, which are the same for everyone with the same intake period,
  // so no released day shows the real length of h months (hence the real intake month).
  const int64_t y = x + shift;
  int64_t day = FloorTo(y, unit_);
  auto it = std::upper_bound(cuts_.begin(), cuts_.end(), y);
  if (it != cuts_.begin()) day = std::max<int64_t>(day, *(it - 1));
  return static_cast<int32_t>(day);
}

int ReleasedFollowUpMonths(int32_t last_intake_month, const CivilDate& as_of) {
  return std::max(0, MonthNumberOf(as_of) - last_intake_month);
}

CivilDate ReleasedFollowUpEnd(const CivilDate& intake, int followed_months) {
  const CivilDate first = FirstDayOfMonthNumber(MonthNumberOf(intake) + followed_months);
  return CivilDate{first.year, first.month, DaysInMonth(first.year, first.month)};
}

}  // namespace ledger::release
