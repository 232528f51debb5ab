// Task-oriented cooperation agreements (Narvik "Aktiv Hverdag", oppgaveorientert tilnærming):
// a written agreement on at most three main problems, with tasks for the participant, the
// caseworker or a partner, each with a deadline, for about three months. A few run longer with a
// reason (6 %), a very few longer without one (2 %) for the compliance check P6 to find. Tasks
// are reviewed after their deadline, problems evaluated when the agreement closes, and a new
// agreement follows while the person is still on assistance. An exit closes the agreement that
// morning; nothing about an agreement is written after it is closed.
#include <algorithm>
#include <string>
#include <vector>

#include "processes.h"

namespace ledger::synth {
namespace {

constexpr size_t kMaxProblems = 3;  // the method's rule and the ledger's case rule

constexpr const char* kDomains[] = {"housing",   "economy", "health", "substance",
                                    "education", "work",    "network"};
constexpr int kDomainWeights[5][7] = {{1, 1, 1, 1, 1, 1, 1},
                                      {10, 20, 5, 0, 30, 30, 5},
                                      {10, 25, 5, 5, 15, 30, 10},
                                      {15, 15, 25, 5, 15, 10, 15},
                                      {15, 15, 20, 20, 5, 10, 15}};
// done, partly, not_done / better, same, worse
constexpr int kTaskWeights[5][3] = {
    {1, 1, 1}, {65, 20, 15}, {35, 25, 40}, {50, 30, 20}, {25, 25, 50}};
constexpr int kChangeWeights[5][3] = {
    {1, 1, 1}, {60, 30, 10}, {35, 45, 20}, {45, 40, 15}, {25, 50, 25}};
constexpr const char* kTaskStatus[] = {"done", "partly", "not_done"};
constexpr const char* kChanges[] = {"better", "same", "worse"};
constexpr const char* kResponsible[] = {"participant", "caseworker", "partner"};
constexpr const char* kExtensionReasons[] = {"awaiting_school_start", "health_treatment",
                                             "housing_process", "apprenticeship_start"};

struct Task {
  std::string id;
  size_t problem;
  size_t responsible;
  Day due;
};

class AgreementWriter {
 public:
  AgreementWriter(const Cohort& cohort, Participant& p, EventWriter& w)
      : cohort_(cohort),
        p_(p),
        w_(w),
        rng_(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kAgreements))) {}

  void Episode(const synth::Episode& e) {
    const WorkCalendar& cal = cohort_.calendar;
    if (e.follow_up == kNoDay) return;
    Day start = cal.AddWorkingDays(e.follow_up + 1, rng_.Range(4, 14));
    while (start < e.exit_day && start < cohort_.window_end) {
      start = One(e, start);
    }
  }

 private:
  // One agreement from `start`; returns the start of the next one (kNoDay-like large values
  // end the loop).
  Day One(const synth::Episode& e, Day start) {
    const WorkCalendar& cal = cohort_.calendar;
    const std::string id = "agr-" + std::to_string(++agreements_);
    const int kind = static_cast<int>(rng_.Weighted({92, 6, 2}));  // normal, reasoned, unreasoned
    const Day end = kind == 0 ? cal.OnOrBefore(AddMonths(start, 3) - rng_.Range(0, 14))
                              : cal.OnOrBefore(AddMonths(start, rng_.Range(4, 6)));
    const char* extension = kind == 1 ? kExtensionReasons[rng_.Below(4)] : nullptr;

    const size_t problem_count = 1 + rng_.Weighted({25, 40, 35});
    const std::vector<size_t> domains =
        rng_.Distinct(kDomainWeights[p_.category], 7, std::min(problem_count, kMaxProblems));
    const size_t task_count =
        std::max<size_t>(domains.size(), static_cast<size_t>(rng_.Range(2, 5)));
    std::vector<Task> tasks;
    for (size_t t = 0; t < task_count; ++t) {
      Task task;
      task.id = id + ".t" + std::to_string(t + 1);
      task.problem = t < domains.size() ? t : static_cast<size_t>(rng_.Below(domains.size()));
      task.responsible = rng_.Weighted({55, 30, 15});
      task.due = cal.OnOrBefore(start + rng_.Range(10, std::max(11, end - start)));
      if (task.due <= start) task.due = cal.AddWorkingDays(start + 1, 0);
      tasks.push_back(std::move(task));
    }
    const Minute signed_at = OfficeTime(rng_, start);
    const std::string worker = p_.Worker(rng_, cohort_);
    const Actor actor{worker, "caseworker"};
    w_.Emit(signed_at, "agreement.signed", actor, Basis::kAdvice, [&](Json& data) {
      data["agreement_id"] = id;
      data["start"] = FormatDate(start);
      data["end"] = FormatDate(end);
      Json problems = Json::array();
      for (size_t i = 0; i < domains.size(); ++i) {
        problems.push_back(Json{{"problem_id", id + ".p" + std::to_string(i + 1)},
                                {"domain", kDomains[domains[i]]}});
      }
      data["problems"] = std::move(problems);
      Json task_list = Json::array();
      for (const Task& t : tasks) {
        task_list.push_back(Json{{"task_id", t.id},
                                 {"problem_id", id + ".p" + std::to_string(t.problem + 1)},
                                 {"responsible", kResponsible[t.responsible]},
                                 {"due", FormatDate(t.due)}});
      }
      data["tasks"] = std::move(task_list);
      if (extension != nullptr) data["extension_reason"] = extension;
    });

    // How it ends: at the exit if that comes first, else at the end date.
    const Day natural_close = cal.AddWorkingDays(end, rng_.Range(0, 7));
    const bool at_exit = e.exit_day <= natural_close;
    const Day close_day = at_exit ? e.exit_day : natural_close;
    const size_t natural_reason = rng_.Weighted({80, 8, 12});  // completed, expired, replaced
    const char* reason;
    bool evaluated;
    if (at_exit) {
      const bool good = e.reason == ExitReason::kWork || e.reason == ExitReason::kEducation;
      reason = good ? "completed" : "terminated";
      evaluated = rng_.Chance(good ? 0.92 : 0.6);
    } else {
      static constexpr const char* kReasons[] = {"completed", "expired", "replaced"};
      reason = kReasons[natural_reason];
      evaluated = natural_reason == 1 ? false : rng_.Chance(natural_reason == 0 ? 0.96 : 1.0);
    }
    const Minute close_at = at_exit ? AtTime(close_day, 10, rng_.Range(25, 45))
                                    : TimeBetween(rng_, close_day, 14, 15, 45);

    // Reviews of tasks whose deadline has passed, on days before the closing day.
    for (const Task& t : tasks) {
      const bool reviewed = rng_.Chance(0.9);
      const Day day = cal.AddWorkingDays(t.due, rng_.Range(0, 7));
      const size_t status = rng_.Weighted(kTaskWeights[p_.category], 3);
      const Minute at = OfficeTime(rng_, day);
      if (!reviewed || day >= close_day || day <= start) continue;
      w_.Emit(at, "agreement.task_reviewed", actor, Basis::kAdvice, [&](Json& data) {
        data["agreement_id"] = id;
        data["task_id"] = t.id;
        data["status"] = kTaskStatus[status];
      });
    }
    if (evaluated) {
      for (size_t i = 0; i < domains.size(); ++i) {
        const size_t change = rng_.Weighted(kChangeWeights[p_.category], 3);
        const Minute at = close_at - 25 + static_cast<Minute>(i) * 5;
        w_.Emit(at, "agreement.problem_evaluated", actor, Basis::kAdvice, [&](Json& data) {
          data["agreement_id"] = id;
          data["problem_id"] = id + ".p" + std::to_string(i + 1);
          data["change"] = kChanges[change];
        });
      }
    }
    w_.Emit(close_at, "agreement.closed", actor, Basis::kAdvice, [&](Json& data) {
      data["agreement_id"] = id;
      data["reason"] = reason;
      data["evaluation_done"] = evaluated;
    });
    if (at_exit) return kNoDay;
    const int gap = natural_reason == 2 ? rng_.Range(1, 3) : rng_.Range(5, 25);
    return cal.AddWorkingDays(close_day + 1, gap - 1);
  }

  const Cohort& cohort_;
  Participant& p_;
  EventWriter& w_;
  Rng rng_;
  int agreements_ = 0;
};

}  // namespace

void EmitAgreements(const Cohort& cohort, Participant& p, EventWriter& w) {
  AgreementWriter writer(cohort, p, w);
  for (const Episode& e : p.episodes) writer.Episode(e);
}

}  // namespace ledger::synth
