// The P1824 programme: the youth reception (intake phase), referral to the interdisciplinary
// referral committee (Henvisningsutvalget, weekly meetings), the clarification phase with the
// four-week "Klart jeg kan" course (two days a week, four hours, eight sessions, a new course
// every fourth week), the follow-up category (ability x willingness) with a plan and a plan b,
// and the follow-up phase. Returners after a closed case go straight to follow-up.
#include <algorithm>
#include <string>
#include <vector>

#include "life_plan.h"
#include "processes.h"
#include "pseudonyms.h"

namespace ledger::synth {
namespace {

constexpr int kSessions = 8;
constexpr int kHuWeekday = 2;  // Wednesday

// Attendance and per-session dropout by category: the unwilling (2 and 4) miss more.
constexpr double kAttendance[5] = {0, 0.93, 0.74, 0.87, 0.64};
constexpr double kDropout[5] = {0, 0.004, 0.025, 0.008, 0.035};

constexpr const char* kGoals[] = {"work_full_time",       "work_part_time",   "upper_secondary",
                                  "apprenticeship",       "higher_education", "stable_housing",
                                  "health_stabilisation", "drug_free",        "daily_structure",
                                  "driving_licence"};
constexpr int kGoalWeights[5][10] = {{1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                     {30, 10, 20, 15, 10, 5, 2, 0, 3, 5},
                                     {25, 15, 15, 15, 5, 10, 3, 2, 5, 5},
                                     {8, 15, 12, 8, 3, 14, 18, 5, 12, 5},
                                     {5, 10, 6, 5, 1, 18, 18, 15, 20, 2}};
constexpr const char* kMeasures[] = {"work_training",          "job_search_course",
                                     "school_return",          "school_follow_up",
                                     "mental_health_service",  "substance_treatment",
                                     "housing_support",        "qualification_programme",
                                     "low_threshold_activity", "municipal_apprenticeship",
                                     "nav_work_measure"};
constexpr int kMeasureWeights[5][11] = {{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                        {25, 20, 15, 10, 3, 0, 3, 2, 2, 10, 15},
                                        {25, 20, 10, 8, 4, 3, 5, 5, 5, 5, 15},
                                        {12, 8, 8, 10, 15, 4, 10, 12, 12, 4, 5},
                                        {8, 5, 3, 5, 15, 14, 14, 10, 20, 2, 4}};
constexpr const char* kPlanB[] = {
    "work_training",    "municipal_work_training", "folk_high_school", "qualification_programme",
    "health_follow_up", "apprenticeship",          "job_search",       "adult_education"};
constexpr int kPlanBWeights[5][8] = {{1, 1, 1, 1, 1, 1, 1, 1},
                                     {20, 10, 10, 5, 3, 20, 20, 12},
                                     {20, 20, 10, 10, 5, 10, 15, 10},
                                     {15, 20, 8, 20, 15, 5, 7, 10},
                                     {10, 25, 5, 20, 20, 3, 7, 10}};

Json Codes(const std::vector<size_t>& picks, const char* const* names) {
  Json out = Json::array();
  for (size_t i : picks) out.push_back(names[i]);
  return out;
}

bool InHolidaySeason(Day day) {
  const CivilDate c = CivilFromDay(day);
  return c.month == 7 || (c.month == 12 && c.day >= 20) || (c.month == 1 && c.day <= 3);
}

// The first course start (a Monday in the four-week cycle) on or after `day` whose four weeks
// stay clear of the summer holiday (July) and Christmas.
Day NextCourseStart(const Cohort& cohort, Day day) {
  Day start = cohort.course_anchor;
  if (day > start) start += (day - start + 27) / 28 * 28;
  while (InHolidaySeason(start) || InHolidaySeason(start + 25)) start += 28;
  return start;
}

// category.assigned, plan.recorded and phase.entered follow_up from `day`; returns the first
// follow-up day, or kNoDay when the episode's case work ends first.
Day AssignCategoryAndPlan(const Cohort& cohort, Participant& p, Day day, Day active_end,
                          int plan_number, Rng& rng, EventWriter& w) {
  const WorkCalendar& cal = cohort.calendar;
  if (day >= active_end) return kNoDay;
  const Minute category_at = TimeBetween(rng, day, 9, 13);
  {
    const std::string worker = p.Worker(rng, cohort);
    w.Emit(category_at, "category.assigned", Actor{worker, "caseworker"}, Basis::kAdvice,
           [&](Json& data) {
             data["category"] = p.category;
             data["valid_from"] = FormatDate(day);
           });
  }
  p.category_day = day;
  const Day plan_day = cal.AddWorkingDays(day, rng.Range(0, 8));
  const Minute plan_at =
      plan_day == day ? category_at + rng.Range(30, 90) : OfficeTime(rng, plan_day);
  const auto goals =
      rng.Distinct(kGoalWeights[p.category], 10, static_cast<size_t>(rng.Range(1, 3)));
  const auto measures =
      rng.Distinct(kMeasureWeights[p.category], 11, static_cast<size_t>(rng.Range(1, 3)));
  const auto plan_b =
      rng.Distinct(kPlanBWeights[p.category], 8, static_cast<size_t>(rng.Range(1, 2)));
  const Minute follow_up_at = plan_at + rng.Range(5, 20);
  if (plan_day >= active_end) return kNoDay;
  const std::string worker = p.Worker(rng, cohort);
  w.Emit(plan_at, "plan.recorded", Actor{worker, "caseworker"}, Basis::kAdvice, [&](Json& data) {
    data["plan_id"] = "plan-" + std::to_string(plan_number);
    data["goals"] = Codes(goals, kGoals);
    data["measures"] = Codes(measures, kMeasures);
    data["plan_b"] = Codes(plan_b, kPlanB);
  });
  w.Emit(follow_up_at, "phase.entered", Actor{worker, "caseworker"}, Basis::kAdvice,
         [&](Json& data) { data["phase"] = "follow_up"; });
  return plan_day;
}

// The referral to the committee and its recommendation at the next weekly meeting.
void Referral(const Cohort& cohort, Participant& p, Rng& rng, EventWriter& w) {
  const WorkCalendar& cal = cohort.calendar;
  const Episode& e = p.episodes[0];
  const Day referral_day = cal.AddWorkingDays(p.demo.intake, rng.Range(0, 3));
  const Minute referral_at = referral_day == p.demo.intake ? e.open_at + rng.Range(45, 110)
                                                           : OfficeTime(rng, referral_day);
  Day hu = referral_day + 1;
  while (Weekday(hu) != kHuWeekday) ++hu;
  hu = cal.OnOrAfter(hu);
  static constexpr const char* kQuestions[] = {"activity_plan", "school_dropout", "mental_health",
                                               "substance_use", "housing",        "work_readiness"};
  static constexpr int kQuestionWeights[5][6] = {{1, 1, 1, 1, 1, 1},
                                                 {35, 25, 5, 2, 8, 25},
                                                 {35, 20, 8, 7, 10, 20},
                                                 {25, 15, 25, 8, 15, 12},
                                                 {20, 12, 22, 20, 18, 8}};
  static constexpr const char* kRecommendations[] = {"klart_jeg_kan", "health_assessment",
                                                     "school_guidance", "work_training",
                                                     "housing_follow_up"};
  static constexpr const char* kServices[] = {"nav_youth_team", "municipal_health",
                                              "ot_follow_up_service", "nav_youth_team",
                                              "housing_office"};
  const size_t question = rng.Weighted(kQuestionWeights[p.category], 6);
  // The course is the usual answer (everyone not exempted takes it); some are also pointed to
  // another service, and the exempted only to one.
  const size_t recommendation =
      p.exempt ? static_cast<size_t>(1 + rng.Below(4)) : (rng.Chance(0.85) ? 0 : 1 + rng.Below(4));
  const Minute recommended_at = AtTime(hu, 12, 35) + rng.Range(0, 140);
  if (referral_day >= e.exit_day) return;
  const std::string worker = p.Worker(rng, cohort);
  w.Emit(referral_at, "referral.made", Actor{worker, "caseworker"}, Basis::kConsent,
         [&](Json& data) {
           data["referral_id"] = "ref-1";
           data["committee"] = cohort.committee;
           data["consent_id"] = kIntakeConsentId;
           data["question_code"] = kQuestions[question];
         });
  if (hu >= e.exit_day) return;
  p.hu_day = hu;
  w.Emit(recommended_at, "referral.recommended", Actor{worker, "caseworker"}, Basis::kConsent,
         [&](Json& data) {
           data["referral_id"] = "ref-1";
           data["recommendation_code"] = kRecommendations[recommendation];
           data["responsible_service"] = kServices[recommendation];
         });
}

// Enrolment, the eight sessions and the end of the course. Returns the course's last day (the
// last session held, or the day it was discontinued), or kNoDay when there was none.
Day Course(const Cohort& cohort, Participant& p, Rng& rng, EventWriter& w) {
  const WorkCalendar& cal = cohort.calendar;
  const Day exit = p.episodes[0].exit_day;
  const Day start = NextCourseStart(cohort, p.hu_day + 4);
  const Day enrol_day =
      std::min(cal.AddWorkingDays(p.hu_day, rng.Range(1, 3)), cal.OnOrBefore(start - 1));
  if (enrol_day >= exit || enrol_day >= cohort.window_end) return kNoDay;
  const Minute enrol_at = OfficeTime(rng, enrol_day);
  const std::string course_id = "kjk-" + FormatDate(start);
  const std::string worker = p.Worker(rng, cohort);
  w.Emit(enrol_at, "phase.entered", Actor{worker, "caseworker"}, Basis::kAdvice,
         [&](Json& data) { data["phase"] = "clarification"; });
  w.Emit(enrol_at + rng.Range(2, 20), "course.enrolled", Actor{worker, "caseworker"},
         Basis::kAdvice, [&](Json& data) {
           data["course_id"] = course_id;
           data["start"] = FormatDate(start);
           data["weeks"] = 4;
         });
  p.has_course = true;
  p.course_start = start;

  // Tuesdays and Thursdays; a session on a holiday moves to the next working day.
  Day sessions[kSessions];
  Day previous = start;
  for (int s = 0; s < kSessions; ++s) {
    Day day = cal.OnOrAfter(start + 7 * (s / 2) + (s % 2 == 0 ? 1 : 3));
    if (day <= previous) day = cal.OnOrAfter(previous + 1);
    sessions[s] = previous = day;
  }
  // The course leader: one of the office's staff, rotating from course to course.
  const size_t office = static_cast<size_t>(p.demo.office);
  const int leader =
      cohort.office_first_worker[office] +
      static_cast<int>(((start - cohort.course_anchor) / 28) % cohort.office_workers[office]);
  const std::string leader_worker = NumberedId("cw", leader, cohort.worker_id_width);

  int missed = 0;
  for (int s = 0; s < kSessions; ++s) {
    const Day day = sessions[s];
    if (day >= exit) {
      // Left for work or school during the course: it ends that morning.
      w.Emit(AtTime(exit, 9, rng.Range(0, 30)), "course.ended", Actor{leader_worker, "caseworker"},
             Basis::kAdvice, [&](Json& data) {
               data["course_id"] = course_id;
               data["outcome"] = "discontinued";
             });
      p.course_end = exit;
      return exit;
    }
    const bool attended = rng.Chance(kAttendance[p.category]);
    w.Emit(AtTime(day, 13, rng.Range(5, 50)), "course.attended", Actor{leader_worker, "caseworker"},
           Basis::kAdvice, [&](Json& data) {
             data["course_id"] = course_id;
             data["session_date"] = FormatDate(day);
             data["attended"] = attended;
           });
    if (!attended && ++missed == 2) p.course_second_miss = day;
    const bool last = s == kSessions - 1;
    if (!last && (missed >= 3 || rng.Chance(kDropout[p.category]))) {
      const Day dropout = cal.AddWorkingDays(day + 1, 0);
      if (dropout >= exit) continue;  // the exit branch above ends the course
      w.Emit(TimeBetween(rng, dropout, 10, 14), "course.ended", Actor{leader_worker, "caseworker"},
             Basis::kAdvice, [&](Json& data) {
               data["course_id"] = course_id;
               data["outcome"] = "discontinued";
             });
      p.course_dropout = p.course_end = dropout;
      return dropout;
    }
    if (last) {
      w.Emit(AtTime(day, 14, rng.Range(0, 59)), "course.ended", Actor{leader_worker, "caseworker"},
             Basis::kAdvice, [&](Json& data) {
               data["course_id"] = course_id;
               data["outcome"] = "completed";
             });
      p.course_end = day;
    }
  }
  return p.course_end;
}

}  // namespace

void EmitProgramme(const Cohort& cohort, Participant& p, EventWriter& w) {
  Rng rng(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kProgramme)));
  const WorkCalendar& cal = cohort.calendar;
  Episode& first = p.episodes[0];
  w.Emit(first.open_at + rng.Range(1, 3), "phase.entered", Actor{p.reception_id, "caseworker"},
         Basis::kAdvice, [&](Json& data) { data["phase"] = "intake"; });
  Referral(cohort, p, rng, w);

  const bool never_granted = p.refused_first && !p.reapplies;
  if (p.hu_day != kNoDay && !never_granted) {
    Day category_from = kNoDay;
    if (!p.exempt) {
      const Day end = Course(cohort, p, rng, w);
      if (end != kNoDay) category_from = cal.AddWorkingDays(end, rng.Range(2, 8));
    } else {
      // Exempted from the course: clarification through individual talks.
      const Day day = cal.AddWorkingDays(p.hu_day, rng.Range(1, 3));
      if (day < first.exit_day) {
        const std::string worker = p.Worker(rng, cohort);
        w.Emit(OfficeTime(rng, day), "phase.entered", Actor{worker, "caseworker"}, Basis::kAdvice,
               [&](Json& data) { data["phase"] = "clarification"; });
        category_from = cal.AddWorkingDays(day, rng.Range(10, 30));
      }
    }
    if (category_from != kNoDay) {
      first.follow_up = AssignCategoryAndPlan(cohort, p, category_from, first.exit_day, 1, rng, w);
    }
  }

  int plans = p.category_day == kNoDay ? 0 : 1;
  for (size_t i = 1; i < p.episodes.size(); ++i) {
    Episode& e = p.episodes[i];
    const std::string worker = p.Worker(rng, cohort);
    if (p.category_day != kNoDay) {
      // Known to the team: straight back to follow-up.
      w.Emit(e.open_at + rng.Range(3, 8), "phase.entered", Actor{worker, "caseworker"},
             Basis::kAdvice, [&](Json& data) { data["phase"] = "follow_up"; });
      e.follow_up = e.start;
    } else {
      w.Emit(e.open_at + rng.Range(3, 8), "phase.entered", Actor{worker, "caseworker"},
             Basis::kAdvice, [&](Json& data) { data["phase"] = "clarification"; });
      e.follow_up = AssignCategoryAndPlan(cohort, p, cal.AddWorkingDays(e.start, rng.Range(5, 15)),
                                          e.exit_day, ++plans, rng, w);
    }
  }
}

}  // namespace ledger::synth
