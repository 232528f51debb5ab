// Breaches of activity conditions and what follows (NO:sotjl§20a): the written notice with a
// reply deadline (forhåndsvarsel), the assessment, and when there is no reasonable cause a
// reduction of the assistance, now and then appealed to the county governor. Breaches come from
// the course (missed sessions, dropping out) and from the follow-up months, more often for the
// unwilling categories 2 and 4. Rarely (2 %) the notice is skipped, for the compliance check P3
// to find; a sanction whose basis decision lacked the reduction warning is flagged the same way.
#include <algorithm>
#include <string>
#include <vector>

#include "processes.h"

namespace ledger::synth {
namespace {

// Monthly breach probability in follow-up, and the chance of a reasonable cause, by category.
constexpr double kBreachHazard[5] = {0, 0.025, 0.10, 0.035, 0.12};
constexpr double kReasonableCause[5] = {0, 0.25, 0.15, 0.35, 0.20};
constexpr double kMissingNotice = 0.02;
constexpr double kAppeal = 0.08;
constexpr double kEarlyLift = 0.12;
// A breach is pursued only if its process can end before the case work does.
constexpr int kProcessDays = 45;

struct Candidate {
  Day day;
  const char* kind;
};

class SanctionWriter {
 public:
  SanctionWriter(const Cohort& cohort, Participant& p, EventWriter& w)
      : cohort_(cohort),
        p_(p),
        w_(w),
        rng_(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kSanctions))) {}

  void Run() {
    const WorkCalendar& cal = cohort_.calendar;
    std::vector<Candidate> candidates;
    if (p_.course_dropout != kNoDay) {
      candidates.push_back(
          {cal.AddWorkingDays(p_.course_dropout + 1, rng_.Range(0, 1)), "dropout"});
    } else if (p_.course_second_miss != kNoDay) {
      candidates.push_back(
          {cal.AddWorkingDays(p_.course_second_miss + 1, rng_.Range(0, 1)), "no_show"});
    }
    for (const Episode& e : p_.episodes) {
      if (e.follow_up == kNoDay) continue;
      const Day end = std::min(e.exit_day, cohort_.window_end);
      for (Day block = e.follow_up + 14; block < end; block += 30) {
        if (!rng_.Chance(kBreachHazard[p_.category])) continue;
        const Day day = cal.OnOrAfter(block + static_cast<Day>(rng_.Below(30)));
        static constexpr const char* kKinds[] = {"no_show", "dropout", "refused_offer"};
        candidates.push_back({day, kKinds[rng_.Weighted({60, 25, 15})]});
      }
    }
    Day next_allowed = 0;
    for (const Candidate& c : candidates) {
      if (c.day < next_allowed) continue;
      if (c.day + kProcessDays >= p_.ActiveEnd(c.day) || !p_.IsActive(c.day)) continue;
      const Day end = Breach(c);
      if (end != kNoDay) next_allowed = end + 14;
    }
  }

 private:
  // The condition in force on day whose condition.set came before `at`.
  const Condition* ConditionAt(Day day, Minute at) const {
    const Condition* found = nullptr;
    for (const Condition& c : p_.conditions) {
      if (c.at + 1 < at && c.start <= day && day <= c.end + 14) found = &c;
    }
    return found;
  }

  // The paid decision covering day, else the one of the condition.
  const Decision& DecisionAt(Day day, const Decision& fallback) const {
    for (const Decision& d : p_.decisions) {
      if (d.paid && d.from <= day && day <= d.to) return d;
    }
    return fallback;
  }

  // Writes one breach and its consequences; returns the last day of the process, or kNoDay when
  // no condition was in force.
  Day Breach(const Candidate& candidate) {
    const WorkCalendar& cal = cohort_.calendar;
    const Minute at = OfficeTime(rng_, candidate.day);
    const Condition* condition = ConditionAt(candidate.day, at);
    if (condition == nullptr) return kNoDay;
    const Decision& basis = p_.decisions[condition->decision];
    const std::string id = "br-" + std::to_string(++breaches_);
    const std::string worker = p_.Worker(rng_, cohort_);
    const Actor actor{worker, "caseworker"};
    w_.Emit(at, "condition.breached", actor, Basis::kConditions, [&](Json& data) {
      data["breach_id"] = id;
      data["condition_id"] = condition->id;
      data["kind"] = candidate.kind;
    });

    const bool notice = !rng_.Chance(kMissingNotice);
    const Day notice_day = cal.AddWorkingDays(candidate.day + 1, rng_.Range(0, 3));
    const Day deadline = notice_day + rng_.Range(7, 14);
    if (notice) {
      w_.Emit(OfficeTime(rng_, notice_day), "breach.notified", actor, Basis::kConditions,
              [&](Json& data) {
                data["breach_id"] = id;
                data["reply_deadline"] = FormatDate(deadline);
              });
    }
    const Day assessed_day =
        cal.AddWorkingDays((notice ? deadline : candidate.day + 14) + 1, rng_.Range(0, 4));
    const Minute assessed_at = TimeBetween(rng_, assessed_day, 9, 13);
    const bool reasonable = rng_.Chance(kReasonableCause[p_.category]);
    const char* outcome = reasonable ? "no_action" : rng_.Chance(0.65) ? "reduce" : "new_condition";
    w_.Emit(assessed_at, "breach.assessed", actor, Basis::kConditions, [&](Json& data) {
      data["breach_id"] = id;
      data["reasonable_cause"] = reasonable;
      data["outcome"] = outcome;
    });
    Day end = assessed_day;
    if (outcome[0] == 'r') {
      end = std::max(end, Sanction(id, basis, assessed_at, actor));
    } else if (outcome[0] == 'n' && outcome[1] == 'e') {
      NewCondition(DecisionAt(assessed_day, basis), assessed_at, worker);
    }
    return end;
  }

  // sanction.imposed and perhaps an appeal and a lifting; returns the last day touched.
  Day Sanction(const std::string& breach_id, const Decision& basis, Minute assessed_at,
               const Actor& actor) {
    const WorkCalendar& cal = cohort_.calendar;
    const Day assessed_day = DayOf(assessed_at);
    Minute at;
    if (rng_.Chance(0.6)) {
      at = assessed_at + rng_.Range(20, 90);
    } else {
      const Day later = cal.AddWorkingDays(assessed_day + 1, rng_.Range(0, 1));
      at = OfficeTime(rng_, later);
    }
    const Day day = DayOf(at);
    synth::Sanction s;
    static constexpr int kPercents[] = {10, 15, 20, 25, 30, 40, 50};
    if (rng_.Chance(0.75)) {
      s.pct = kPercents[rng_.Below(7)];
    } else {
      s.nok = rng_.Range(5, 30) * 100;
    }
    s.from = FirstDayOfMonthIndex(MonthIndex(day) + 1);
    s.to = LastDayOfMonthIndex(MonthIndex(s.from) + (rng_.Chance(0.2) ? 1 : 0));
    const bool emergency_checked = rng_.Chance(0.98);
    const std::string id = "san-" + std::to_string(++sanctions_);
    w_.Emit(at, "sanction.imposed", actor, Basis::kConditions, [&](Json& data) {
      data["sanction_id"] = id;
      data["breach_id"] = breach_id;
      data["basis_decision_id"] = basis.id;
      if (s.pct != 0) {
        data["reduction_pct"] = s.pct;
      } else {
        data["reduction_nok"] = s.nok;
      }
      data["from"] = FormatDate(s.from);
      data["to"] = FormatDate(s.to);
      data["emergency_checked"] = emergency_checked;
    });
    Day end = day;
    const Day active_end = p_.ActiveEnd(day);

    const bool appeals = rng_.Chance(kAppeal);
    const Day appealed = cal.AddWorkingDays(day + 1, rng_.Range(4, 14));
    const Day decided = cal.AddWorkingDays(appealed + 1, rng_.Range(20, 55));
    static constexpr const char* kAppealOutcomes[] = {"upheld", "changed", "annulled"};
    const size_t appeal_outcome = rng_.Weighted({70, 20, 10});
    const Minute decided_at = OfficeTime(rng_, decided);
    const Minute lift_annulled_at = decided_at + rng_.Range(10, 60);
    const bool lifts_early = rng_.Chance(kEarlyLift);
    const Day lift_day = cal.OnOrAfter(
        s.from + static_cast<Day>(rng_.Below(static_cast<uint64_t>(s.to - s.from + 1))));
    const Minute lift_at = OfficeTime(rng_, lift_day);

    if (appeals && decided < active_end) {
      w_.Emit(OfficeTime(rng_, appealed), "sanction.appealed", actor, Basis::kAppeal,
              [&](Json& data) { data["sanction_id"] = id; });
      w_.Emit(decided_at, "appeal.decided", actor, Basis::kAppeal, [&](Json& data) {
        data["sanction_id"] = id;
        data["body"] = "fylkesmannen";
        data["outcome"] = kAppealOutcomes[appeal_outcome];
      });
      end = decided;
      if (appeal_outcome == 2) {
        Lift(id, lift_annulled_at, "annulled_on_appeal", actor, &s);
        p_.sanctions.push_back(s);
        return end;
      }
    }
    if (lifts_early && lift_day <= s.to && lift_day < active_end && lift_at > at) {
      Lift(id, lift_at, "activity_resumed", actor, &s);
      end = std::max(end, lift_day);
    }
    p_.sanctions.push_back(s);
    return end;
  }

  void Lift(const std::string& id, Minute at, const char* reason, const Actor& actor,
            synth::Sanction* s) {
    s->lifted = DayOf(at);
    w_.Emit(at, "sanction.lifted", actor, Basis::kConditions, [&](Json& data) {
      data["sanction_id"] = id;
      data["reason"] = reason;
    });
  }

  // A new condition instead of a reduction, on the decision in force.
  void NewCondition(const Decision& decision, Minute assessed_at, const std::string& worker) {
    const Day start = cohort_.calendar.AddWorkingDays(DayOf(assessed_at) + 1, rng_.Range(0, 4));
    const Day end = std::max(decision.to, start + 30);
    static constexpr const char* kActivities[] = {"low_threshold", "qualifying", "work_oriented"};
    const size_t activity = rng_.Weighted({50, 30, 20});
    const int hours = rng_.Range(6, 20);
    Condition c;
    c.id = "cond-" + std::to_string(p_.next_condition++);
    c.decision = static_cast<size_t>(&decision - p_.decisions.data());
    c.at = assessed_at + rng_.Range(15, 60);
    c.start = start;
    c.end = end;
    w_.Emit(c.at, "condition.set", Actor{worker, "caseworker"}, Basis::kConditions,
            [&](Json& data) {
              data["condition_id"] = c.id;
              data["decision_id"] = decision.id;
              data["activity"] = kActivities[activity];
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
  int breaches_ = 0;
  int sanctions_ = 0;
};

}  // namespace

void EmitSanctions(const Cohort& cohort, Participant& p, EventWriter& w) {
  if (p.exempt) return;  // no conditions, nothing to breach
  SanctionWriter(cohort, p, w).Run();
}

}  // namespace ledger::synth
