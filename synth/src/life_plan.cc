#include "life_plan.h"

#include <algorithm>

#include "prng.h"

namespace ledger::synth {
namespace {

constexpr int kMaxEpisodes = 3;

// Monthly probability of leaving assistance, by category (index 1..4), after the first two
// months; calibrated so that about half are off assistance 12 months after intake and about
// three quarters after 24 (see the test and the generator's report).
constexpr double kExitHazard[5] = {0, 0.125, 0.055, 0.09, 0.04};
constexpr double kEarlyExitHazard[5] = {0, 0.05, 0.02, 0.03, 0.015};
// Re-entry after a closed case, per month, by exit reason.
constexpr double kReentryHazard[6] = {0.014, 0.012, 0.008, 0.003, 0.03, 0.015};

ExitReason DrawReason(Rng& rng, int category) {
  // work, education, other_benefit, moved, no_contact, other
  static constexpr int kWeights[5][6] = {{0, 0, 0, 0, 0, 1},
                                         {55, 28, 4, 5, 5, 3},
                                         {45, 15, 5, 10, 20, 5},
                                         {35, 22, 25, 6, 7, 5},
                                         {22, 8, 30, 10, 25, 5}};
  return static_cast<ExitReason>(rng.Weighted(kWeights[category], 6));
}

// Fills reason, after-care and close of an episode that ends at `exit` (nothing when that is
// at or after the window's end: still on assistance then).
void FinishExit(const Cohort& cohort, const Participant& p, Day exit, Rng& rng, Episode* e) {
  const WorkCalendar& cal = cohort.calendar;
  if (exit >= cohort.window_end) return;  // still on assistance at the window end
  e->exit_day = exit;
  e->reason = DrawReason(rng, p.category);
  e->after_care =
      (e->reason == ExitReason::kWork || e->reason == ExitReason::kEducation) && rng.Chance(0.35);
  Day close;
  if (e->after_care) {
    close = cal.OnOrAfter(exit + rng.Range(30, 90));
  } else if (e->reason == ExitReason::kNoContact) {
    close = cal.OnOrAfter(exit + rng.Range(20, 60));  // letters first, then the case is closed
  } else {
    close = cal.AddWorkingDays(exit, rng.Range(0, 7));
  }
  // Closing steps on the exit day run before noon; case.closed comes after them.
  e->close_at = TimeBetween(rng, close, 12, 15);
}

// Fills exit, after-care and close of an episode that starts at e->start.
void DrawExit(const Cohort& cohort, const Participant& p, size_t index, Rng& rng, Episode* e) {
  const WorkCalendar& cal = cohort.calendar;
  const double factor = index == 0 ? 1.0 : 1.3;  // returners know the way out
  Day exit = kNoDay;
  const CivilDate start = CivilFromDay(e->start);
  for (int k = 0;; ++k) {
    const Day month_start = AddMonths(start, k), month_end = AddMonths(start, k + 1);
    if (month_start >= cohort.window_end) break;
    const double hazard = (k < 2 ? kEarlyExitHazard[p.category] : kExitHazard[p.category]) * factor;
    if (rng.Chance(hazard)) {
      Day day =
          month_start + static_cast<Day>(rng.Below(static_cast<uint64_t>(month_end - month_start)));
      exit = cal.OnOrAfter(std::max(day, e->start + 21));
      break;
    }
  }
  FinishExit(cohort, p, exit, rng, e);
}

// The day a closed case is reopened (kNoDay: not within the window), by the re-entry hazard.
Day DrawReopen(const Cohort& cohort, const Participant& p, const Episode& last, Rng& rng) {
  const double hazard = kReentryHazard[static_cast<int>(last.reason)] *
                        (p.category == 2 || p.category == 4 ? 1.5 : 1.0);
  const CivilDate closed = CivilFromDay(DayOf(last.close_at));
  for (int k = 1;; ++k) {
    const Day month_start = AddMonths(closed, k);
    if (month_start >= cohort.window_end) return kNoDay;
    if (rng.Chance(hazard)) {
      return cohort.calendar.OnOrAfter(month_start + static_cast<Day>(rng.Below(28)));
    }
  }
}

// A scenario's exit in [lo, hi] (REQUIRES: a working day in it): the month by the hazard,
// conditioned on falling in the range (month by month from lo's, starting over after hi's), the
// day uniform in it.
Day ExitWithin(const WorkCalendar& cal, double hazard, Day lo, Day hi, Rng& rng) {
  const int first = MonthIndex(lo), last = MonthIndex(hi);
  int month = last;
  for (bool hit = false; !hit;) {
    for (int m = first; m <= last && !hit; ++m) {
      if (rng.Chance(hazard)) {
        month = m;
        hit = true;
      }
    }
  }
  const Day from = std::max(lo, FirstDayOfMonthIndex(month));
  const Day to = std::min(hi, LastDayOfMonthIndex(month));
  const Day exit =
      cal.OnOrAfter(from + static_cast<Day>(rng.Below(static_cast<uint64_t>(to - from + 1))));
  return exit <= hi ? exit : cal.OnOrBefore(hi);
}

// A scenario's exit after `after`, by the hazard month by month; kNoDay if none by the window's
// end.
Day ExitAfter(const Cohort& cohort, double hazard, Day after, Rng& rng) {
  for (int m = MonthIndex(after);; ++m) {
    const Day from = std::max(after + 1, FirstDayOfMonthIndex(m)), to = LastDayOfMonthIndex(m);
    if (from >= cohort.window_end) return kNoDay;
    if (from <= to && rng.Chance(hazard)) {
      const auto days = static_cast<uint64_t>(to - from + 1);
      return cohort.calendar.OnOrAfter(from + static_cast<Day>(rng.Below(days)));
    }
  }
}

// The episodes of a participant with a scenario role (scenario_plan.h): the first exit kept to
// the role's range; leavers may come back, but only for a spell that also ends by leave_by.
void DrawScenarioEpisodes(const Cohort& cohort, Participant* p, Rng& rng) {
  const ScenarioPlan& plan = cohort.plan;
  const double hazard = kExitHazard[p->category];
  Episode first;
  first.open_at = p->demo.open_at;
  first.start = p->demo.intake;
  const Day exit =
      p->role == Role::kLeaves
          ? ExitWithin(cohort.calendar, hazard, first.start + kLeaveMargin, plan.leave_by, rng)
      : p->role == Role::kLeavesLate
          ? ExitWithin(cohort.calendar, hazard, plan.late_from, plan.late_by, rng)
          : ExitAfter(cohort, hazard, plan.stay_after, rng);
  FinishExit(cohort, *p, exit, rng, &first);
  p->episodes.push_back(first);
  while (p->role == Role::kLeaves && p->episodes.size() < kMaxEpisodes) {
    const Episode& last = p->episodes.back();
    if (last.close_at >= cohort.end_minute) break;
    const Day reopen = DrawReopen(cohort, *p, last, rng);
    if (reopen == kNoDay || reopen + kLeaveMargin > plan.leave_by) break;
    Episode next;
    next.start = reopen;
    next.open_at = TimeBetween(rng, reopen, 9, 13);
    FinishExit(cohort, *p,
               ExitWithin(cohort.calendar, hazard * 1.3, reopen + 28, plan.leave_by, rng), rng,
               &next);
    p->episodes.push_back(next);
  }
}

}  // namespace

const char* ActivityName(int activity) {
  static constexpr const char* kNames[] = {"low_threshold", "qualifying", "work_oriented",
                                           "education", "course"};
  return kNames[activity];
}

void DrawLifePlan(const Cohort& cohort, Participant* p) {
  Rng rng(StreamKey(cohort.seed, p->index, static_cast<uint64_t>(StreamTag::kPlan)));
  const WorkCalendar& cal = cohort.calendar;

  // Category 1 and 3 about 35 % each, 2 and 4 about 15 % each.
  // Those a scenario keeps on assistance are more often the limited or unwilling.
  p->category = 1 + static_cast<int>(Stays(p->role) ? rng.Weighted({20, 20, 30, 30})
                                                    : rng.Weighted({35, 15, 35, 15}));
  p->exempt = rng.Chance(0.10);
  p->exemption_ground = static_cast<int>(rng.Weighted({50, 25, 15, 10}));
  p->refused_first = rng.Chance(0.04);
  p->reapplies = p->refused_first && rng.Chance(0.6);
  if (p->role != Role::kFree) {
    // A scenario's people were all recipients: a refused first application is followed by a
    // granted one. Its passive recipients are exempted from activity, its active ones never.
    p->reapplies = p->refused_first;
    if (p->role == Role::kPassive) p->exempt = true;
    if (p->role == Role::kActive) p->exempt = false;
  }
  switch (p->category) {
    case 1:
      p->activity = rng.Chance(0.6) ? kWorkOriented : kEducationActivity;
      break;
    case 2:
      p->activity = rng.Chance(0.6) ? kWorkOriented : kQualifying;
      break;
    case 3:
      p->activity = rng.Chance(0.5) ? kQualifying : kLowThreshold;
      break;
    default:
      p->activity = rng.Chance(0.7) ? kLowThreshold : kQualifying;
      break;
  }
  p->hours = p->activity == kLowThreshold   ? rng.Range(4, 12)
             : p->activity == kWorkOriented ? rng.Range(20, 30)
                                            : rng.Range(15, 30);
  p->form = static_cast<int>(rng.Weighted({82, 5, 13}));
  p->own_housing = rng.Chance(0.45);
  p->base_grant = p->own_housing ? rng.Range(650, 900) * 10 : rng.Range(400, 560) * 10;

  if (p->role != Role::kFree) {
    DrawScenarioEpisodes(cohort, p, rng);
    return;
  }

  Episode first;
  first.open_at = p->demo.open_at;
  first.start = p->demo.intake;
  if (p->refused_first && !p->reapplies) {
    // Refused and never granted: the case is closed after a few weeks.
    const Day exit = cal.OnOrAfter(first.start + rng.Range(21, 40));
    if (exit < cohort.window_end) {
      first.exit_day = exit;
      first.reason = static_cast<ExitReason>(2 + 3 * rng.Weighted({2, 1}));  // other_benefit/other
      const Day close = cal.AddWorkingDays(exit, rng.Range(0, 5));
      first.close_at = TimeBetween(rng, close, 12, 15);
    }
  } else {
    DrawExit(cohort, *p, 0, rng, &first);
  }
  p->episodes.push_back(first);

  while (p->episodes.size() < kMaxEpisodes) {
    const Episode& last = p->episodes.back();
    if (last.close_at >= cohort.end_minute) break;
    const Day reopen = DrawReopen(cohort, *p, last, rng);
    if (reopen >= cohort.window_end) break;
    Episode next;
    next.start = reopen;
    next.open_at = TimeBetween(rng, reopen, 9, 13);
    DrawExit(cohort, *p, p->episodes.size(), rng, &next);
    p->episodes.push_back(next);
  }
}

}  // namespace ledger::synth
