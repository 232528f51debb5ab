// Economic assistance (NO:sotjl§18): a decision a few working days after intake (now and then
// emergency aid the same day; ~4 % refused first), then renewals covering about three months
// each until the exit. Every grant gets activity conditions (NO:sotjl§20a) named by
// condition.set, first the course, then the follow-up activity, or an exemption (~10 %); a few
// grants (1.5 %) get neither, which the compliance check P1 is there to find.
#include <algorithm>
#include <string>

#include "life_plan.h"
#include "processes.h"

namespace ledger::synth {
namespace {

constexpr double kMissingCondition = 0.015;

const char* kForms[] = {"grant", "loan", "both"};
const char* kGrounds[] = {"health", "care_duties", "already_active", "other"};

class AssistanceWriter {
 public:
  AssistanceWriter(const Cohort& cohort, Participant& p, EventWriter& w)
      : cohort_(cohort),
        p_(p),
        w_(w),
        rng_(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kAssistance))) {}

  void Episode(size_t index) {
    const WorkCalendar& cal = cohort_.calendar;
    const synth::Episode& e = p_.episodes[index];
    const Day exit = e.exit_day;
    Day day;
    Minute at;
    const bool emergency = index == 0 && rng_.Chance(0.03);
    if (emergency) {
      day = e.start;
      at = e.open_at + rng_.Range(60, 120);
    } else {
      day = cal.AddWorkingDays(e.start + 1, rng_.Range(0, index == 0 ? 6 : 4));
      at = OfficeTime(rng_, day);
    }
    if (index == 0 && p_.refused_first) {
      Decide(at, day, LastDayOfMonthIndex(MonthIndex(day)), /*refused=*/true, false, index);
      if (!p_.reapplies) return;
      day = cal.AddWorkingDays(day, rng_.Range(8, 20));
      at = OfficeTime(rng_, day);
    }
    Day from = day, to = LastDayOfMonthIndex(MonthIndex(day) + 2);
    for (bool first = true;; first = false) {
      if (day >= exit || day >= cohort_.window_end) return;
      const size_t decision = Decide(at, from, to, false, emergency && first, index);
      Conditions(decision, e);
      if (to + 1 >= exit) return;  // off assistance by the end of this period
      // Renewed one to three weeks before the period ends.
      day = cal.OnOrBefore(to - rng_.Range(5, 15));
      at = OfficeTime(rng_, day);
      from = to + 1;
      to = LastDayOfMonthIndex(MonthIndex(from) + 2);
    }
  }

 private:
  size_t Decide(Minute at, Day from, Day to, bool refused, bool emergency, size_t episode) {
    Decision d;
    d.id = "dec-" + std::to_string(p_.decisions.size() + 1);
    d.at = at;
    d.from = from;
    d.to = to;
    d.paid = !refused;
    d.partly = !refused && rng_.Chance(p_.decisions.empty() ? 0.16 : 0.12);
    // Mostly the person's usual form, now and then another (a loan for a deposit, say).
    const bool usual = rng_.Chance(0.85);
    const int other = static_cast<int>(rng_.Weighted({70, 10, 20}));
    d.form = refused ? 0 : usual ? p_.form : other;
    d.episode = episode;
    const bool warning = rng_.Chance(0.95);
    const bool appeal_info = rng_.Chance(0.97);
    const std::string worker = p_.Worker(rng_, cohort_);
    w_.Emit(at, "assistance.decided", Actor{worker, "caseworker"}, Basis::kAssistance,
            [&](Json& data) {
              data["decision_id"] = d.id;
              data["outcome"] = refused ? "refused" : d.partly ? "partly" : "granted";
              data["period_from"] = FormatDate(from);
              data["period_to"] = FormatDate(to);
              data["form"] = kForms[d.form];
              data["reduction_warning_given"] = warning;
              data["appeal_info_given"] = appeal_info;
              data["emergency"] = emergency;
            });
    p_.decisions.push_back(std::move(d));
    return p_.decisions.size() - 1;
  }

  void Conditions(size_t decision, const synth::Episode& e) {
    const Decision& d = p_.decisions[decision];
    // A scenario's active recipients are never without one.
    if (rng_.Chance(kMissingCondition) && p_.role != Role::kActive) return;
    const std::string worker = p_.Worker(rng_, cohort_);
    if (p_.exempt) {
      const Minute at = d.at + rng_.Range(3, 20);
      const Day review = cohort_.calendar.OnOrAfter(AddMonths(d.from, 3));
      const std::string id = "exm-" + std::to_string(decision + 1);
      w_.Emit(at, "condition.exempted", Actor{worker, "caseworker"}, Basis::kConditions,
              [&](Json& data) {
                data["exemption_id"] = id;
                data["decision_id"] = d.id;
                data["ground"] = kGrounds[p_.exemption_ground];
                data["review_date"] = FormatDate(review);
              });
      return;
    }
    // Mostly set with the decision, sometimes a few days later.
    Minute at = d.at + rng_.Range(5, 25);
    if (rng_.Chance(0.15)) {
      const Day later = cohort_.calendar.AddWorkingDays(DayOf(d.at), rng_.Range(1, 3));
      if (later < e.exit_day) at = OfficeTime(rng_, later);
    }
    // The course condition goes on the first grant whose period meets the course's four weeks
    // (sessions end by the Friday of the fourth week).
    const Day course_end = p_.course_start + 25;
    if (p_.has_course && !course_condition_set_ && d.episode == 0 && course_end >= d.from &&
        p_.course_start <= d.to) {
      course_condition_set_ = true;
      Set(decision, at, kCourse, std::max(p_.course_start, d.from), course_end, 8, worker);
    } else if (e.follow_up <= d.from) {
      Set(decision, at, p_.activity, d.from, d.to, p_.hours, worker);
    } else {
      Set(decision, at, kLowThreshold, d.from, d.to, rng_.Range(4, 8), worker);
    }
    // Follow-up starting within the period brings its own activity on the same decision.
    if (e.follow_up > d.from && e.follow_up <= d.to && e.follow_up < e.exit_day) {
      const Minute follow_at = AtTime(e.follow_up, 15, rng_.Range(30, 59));
      Set(decision, follow_at, p_.activity, e.follow_up, d.to, p_.hours, p_.primary_id);
    }
  }

  void Set(size_t decision, Minute at, int activity, Day start, Day end, int hours,
           const std::string& worker) {
    Condition c;
    c.id = "cond-" + std::to_string(p_.next_condition++);
    c.decision = decision;
    c.at = at;
    c.start = start;
    c.end = end;
    const Decision& d = p_.decisions[decision];
    w_.Emit(at, "condition.set", Actor{worker, "caseworker"}, Basis::kConditions, [&](Json& data) {
      data["condition_id"] = c.id;
      data["decision_id"] = d.id;
      data["activity"] = ActivityName(activity);
      data["start"] = FormatDate(start);
      data["end"] = FormatDate(end);
      data["hours_per_week"] = hours;
    });
    p_.conditions.push_back(std::move(c));
  }

  const Cohort& cohort_;
  Participant& p_;
  EventWriter& w_;
  Rng rng_;
  bool course_condition_set_ = false;
};

}  // namespace

void EmitAssistance(const Cohort& cohort, Participant& p, EventWriter& w) {
  AssistanceWriter writer(cohort, p, w);
  for (size_t i = 0; i < p.episodes.size(); ++i) writer.Episode(i);
}

}  // namespace ledger::synth
