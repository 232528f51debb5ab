// status.observed and income.recorded: what the person is doing and lives on. Observed at
// intake (self-reported), then every four to six weeks by the caseworker while the case is
// open, and every one to two months after it is closed (register data as of the end
// of the previous month, or a self-report): follow-up continues after closing, which the
// outcome indicators need. Statuses drift towards work and education for those who left.
#include <string>

#include "processes.h"

namespace ledger::synth {
namespace {

enum Status {
  kWorkFull,
  kWorkPart,
  kEducationStatus,
  kQualification,
  kMeasure,
  kHealthBenefit,
  kUnemployed,
  kOther
};
constexpr const char* kStatusNames[] = {
    "work_full", "work_part",      "education",  "qualification_programme",
    "measure",   "health_benefit", "unemployed", "other"};
enum Income {
  kWork,
  kSocialAssistance,
  kHealthIncome,
  kUnemploymentBenefit,
  kQualificationBenefit,
  kStudentSupport,
  kFamily,
  kOtherIncome
};
constexpr const char* kIncomeNames[] = {"work",
                                        "social_assistance",
                                        "health_benefit",
                                        "unemployment_benefit",
                                        "qualification_benefit",
                                        "student_support",
                                        "family",
                                        "other"};

class StatusWriter {
 public:
  StatusWriter(const Cohort& cohort, Participant& p, EventWriter& w)
      : cohort_(cohort),
        p_(p),
        w_(w),
        rng_(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kStatus))) {}

  void Run() {
    const WorkCalendar& cal = cohort_.calendar;
    Intake();
    Day day = cal.OnOrAfter(p_.demo.intake + rng_.Range(25, 50));
    size_t exits_seen = 0;
    int exit_status = kOther;
    while (day < cohort_.window_end) {
      const size_t index = p_.EpisodeAt(day);
      const Episode& e = p_.episodes[index];
      const Minute morning = AtTime(day, 8, 0);
      int gap;
      if (day < e.exit_day) {
        OnAssistance(day, e);
        gap = rng_.Range(25, 45);
      } else {
        // Off assistance: the status reached at the exit drifts over time.
        if (exits_seen <= index) {
          exit_status = ExitStatus(e.reason);
          exits_seen = index + 1;
        } else {
          exit_status = Drift(exit_status);
        }
        if (morning < e.close_at) {
          Observe(OfficeTime(rng_, day), day, exit_status, "caseworker", p_.primary_id, 0.75);
        } else {
          Closed(day, exit_status);
        }
        gap = rng_.Range(28, 60);
      }
      day = cal.OnOrAfter(day + gap);
    }
  }

 private:
  void Intake() {
    static constexpr int kWeights[] = {0, 10, 10, 0, 0, 0, 55, 25};
    const int status = static_cast<int>(rng_.Weighted(kWeights, 8));
    static constexpr int kIncomeWeights[] = {10, 25, 0, 10, 0, 0, 40, 15};
    const int income = static_cast<int>(rng_.Weighted(kIncomeWeights, 8));
    const Minute at = p_.demo.open_at + rng_.Range(30, 50);
    Write(at, p_.demo.intake, status, "self_report", p_.reception_id);
    WriteIncome(at + 1, p_.demo.intake, income, p_.reception_id, Basis::kAdvice);
  }

  void OnAssistance(Day day, const Episode& e) {
    int status;
    const bool in_course = p_.has_course && day >= p_.course_start && day <= p_.course_end;
    if (e.follow_up == kNoDay || day < e.follow_up) {
      status = in_course ? kMeasure : static_cast<int>(rng_.Weighted({0, 3, 0, 0, 15, 0, 62, 20}));
    } else {
      // Part-time work and school grow more likely the longer follow-up goes on.
      const int months = (day - e.follow_up) / 30;
      const int grow = months < 12 ? months : 12;
      switch (p_.category) {
        case 1:
          status = static_cast<int>(rng_.Weighted({0, 20 + 3 * grow, 10 + grow, 0, 40, 0, 25, 5}));
          break;
        case 2:
          status = static_cast<int>(rng_.Weighted({0, 10 + 2 * grow, 5, 3, 30, 2, 45, 5}));
          break;
        case 3:
          status = static_cast<int>(rng_.Weighted({0, 8 + 2 * grow, 8 + grow, 15, 35, 10, 15, 9}));
          break;
        default:
          status = static_cast<int>(rng_.Weighted({0, 5 + grow, 3, 10, 25, 10, 35, 12}));
          break;
      }
    }
    const bool self = rng_.Chance(0.1);
    const std::string worker = p_.Worker(rng_, cohort_);
    const bool kept = day >= cohort_.plan.income_from &&
                      (p_.role == Role::kSupplement || p_.role == Role::kMainIncome);
    if (!kept) {
      Observe(OfficeTime(rng_, day), day, status, self ? "self_report" : "caseworker", worker,
              0.75);
      return;
    }
    // A scenario's recipient whose main income the figures count: recorded at every
    // observation, part-time work or a qualification benefit beside the assistance, or the
    // assistance itself.
    int income = kSocialAssistance;
    if (p_.role == Role::kSupplement) {
      status = rng_.Chance(0.75) ? kWorkPart : kQualification;
      income = status == kWorkPart ? kWork : kQualificationBenefit;
    }
    Observe(OfficeTime(rng_, day), day, status, self ? "self_report" : "caseworker", worker, 1.0,
            income);
  }

  void Closed(Day day, int status) {
    const WorkCalendar& cal = cohort_.calendar;
    if (rng_.Chance(0.65)) {
      // Register data as of the end of the previous month, read in the first half of a month.
      const CivilDate c = CivilFromDay(day);
      const Day read = cal.OnOrAfter(DayFromCivil(c.year, c.month, 5) + rng_.Range(0, 8));
      const Day as_of = FirstDayOfMonthIndex(MonthIndex(day)) - 1;
      if (read >= cohort_.window_end || p_.EpisodeAt(read) != p_.EpisodeAt(day)) return;
      const Minute at = AtTime(read, 8, rng_.Range(0, 58));
      Write(at, as_of, status, "register", "svc-register", "service");
      if (rng_.Chance(0.6)) {
        WriteIncome(at + 1, as_of, IncomeFor(status, false), "svc-register", Basis::kAdvice,
                    "service");
      }
    } else {
      Observe(OfficeTime(rng_, day), day, status, "self_report", p_.primary_id, 0.5);
    }
  }

  // `income` >= 0 is recorded as it is; otherwise one follows from the status.
  void Observe(Minute at, Day as_of, int status, const char* source, const std::string& worker,
               double income_share, int income = -1) {
    const bool on_assistance = p_.IsActive(as_of);
    Write(at, as_of, status, source, worker);
    if (rng_.Chance(income_share)) {
      WriteIncome(at + 1, as_of, income >= 0 ? income : IncomeFor(status, on_assistance), worker,
                  Basis::kAdvice);
    }
  }

  int ExitStatus(ExitReason reason) {
    switch (reason) {
      case ExitReason::kWork:
        return rng_.Chance(0.6) ? kWorkFull : kWorkPart;
      case ExitReason::kEducation:
        return rng_.Chance(0.88) ? kEducationStatus : kWorkPart;
      case ExitReason::kOtherBenefit:
        return rng_.Chance(0.55) ? kHealthBenefit : kQualification;
      case ExitReason::kMoved:
        return static_cast<int>(rng_.Weighted({20, 0, 20, 0, 0, 0, 0, 60}));
      case ExitReason::kNoContact:
        return static_cast<int>(rng_.Weighted({10, 25, 0, 0, 0, 0, 30, 35}));
      case ExitReason::kOther:
        return static_cast<int>(rng_.Weighted({0, 15, 0, 0, 15, 0, 30, 40}));
    }
    return kOther;
  }

  int Drift(int status) {
    const double u = rng_.Unit();
    switch (status) {
      case kWorkPart:
        return u < 0.15 ? kWorkFull : u < 0.18 ? kUnemployed : kWorkPart;
      case kWorkFull:
        return u < 0.03 ? kUnemployed : kWorkFull;
      case kEducationStatus:
        return u < 0.05 ? kWorkPart : kEducationStatus;
      case kQualification:
        return u < 0.08 ? kWorkPart : kQualification;
      case kUnemployed:
        return u < 0.15 ? kWorkPart : u < 0.22 ? kMeasure : kUnemployed;
      case kOther:
        return u < 0.08 ? kWorkPart : kOther;
      default:
        return status;
    }
  }

  int IncomeFor(int status, bool on_assistance) {
    const double u = rng_.Unit();
    if (on_assistance) {
      // Part-time work with supplementary assistance: P1824 aimed at "only supplementary".
      if (status == kWorkPart) return u < 0.7 ? kWork : kSocialAssistance;
      if (status == kQualification) return u < 0.8 ? kQualificationBenefit : kSocialAssistance;
      if (status == kHealthBenefit) return u < 0.6 ? kHealthIncome : kSocialAssistance;
      return kSocialAssistance;
    }
    switch (status) {
      case kWorkFull:
      case kWorkPart:
        return kWork;
      case kEducationStatus:
        return u < 0.85 ? kStudentSupport : kFamily;
      case kHealthBenefit:
        return kHealthIncome;
      case kQualification:
        return kQualificationBenefit;
      case kUnemployed:
        return u < 0.4 ? kUnemploymentBenefit : u < 0.8 ? kFamily : kOtherIncome;
      case kMeasure:
        return u < 0.5 ? kUnemploymentBenefit : kOtherIncome;
      default:
        return u < 0.5 ? kFamily : kOtherIncome;
    }
  }

  void Write(Minute at, Day as_of, int status, const char* source, const std::string& actor,
             const char* role = "caseworker") {
    w_.Emit(at, "status.observed", Actor{actor, role}, Basis::kAdvice, [&](Json& data) {
      data["as_of"] = FormatDate(as_of);
      data["status"] = kStatusNames[status];
      data["source"] = source;
    });
  }

  void WriteIncome(Minute at, Day as_of, int income, const std::string& actor, Basis basis,
                   const char* role = "caseworker") {
    w_.Emit(at, "income.recorded", Actor{actor, role}, basis, [&](Json& data) {
      data["as_of"] = FormatDate(as_of);
      data["main_source"] = kIncomeNames[income];
    });
  }

  const Cohort& cohort_;
  Participant& p_;
  EventWriter& w_;
  Rng rng_;
};

}  // namespace

void EmitStatus(const Cohort& cohort, Participant& p, EventWriter& w) {
  StatusWriter(cohort, p, w).Run();
}

}  // namespace ledger::synth
