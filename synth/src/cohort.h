// The facts derived once from CohortOptions and shared, read-only, by every participant's
// simulation: the window, the offices and their staff, the course calendar and the per-process
// random stream tags.
#ifndef LEDGER_SYNTH_COHORT_H_
#define LEDGER_SYNTH_COHORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "calendar.h"
#include "scenario_plan.h"
#include "synth/cohort_generator.h"

namespace ledger::synth {

// One random stream per process of a participant (see StreamKey). Do not renumber: the numbers
// are part of what a seed means.
enum class StreamTag : uint64_t {
  kDemography = 1,
  kPlan = 2,
  kProgramme = 3,
  kConsent = 4,
  kAssistance = 5,
  kSanctions = 6,
  kPayments = 7,
  kAgreements = 8,
  kDisclosures = 9,
  kStatus = 10,
  kEventIds = 11,
  kLifecycle = 12,
  kScenario = 13,  // the cohort's dealing of scenario roles (participant 0's key, this tag)
};

struct Cohort {
  uint64_t seed = 0;
  int participants = 0;
  std::string municipality;
  std::string programme;
  std::string committee;  // the referral committee, "HU-drammen" for Drammen

  Day window_start = 0;   // first day of the first month
  Day window_end = 0;     // first day after the window (exclusive)
  Minute end_minute = 0;  // window_end at 00:00: no event at or after it
  int intake_span_days = 0;

  // Offices are "office-01".."office-NN"; office k's caseworkers are numbers
  // office_first_worker[k] .. + office_workers[k] - 1, printed as "cw-NNN".
  std::vector<int> office_weights;
  std::vector<int> office_first_worker;
  std::vector<int> office_workers;
  int worker_id_width = 3;

  // "Klart jeg kan" starts every fourth Monday counted from this one.
  Day course_anchor = 0;

  WorkCalendar calendar;

  // Scenario::kNone, or a published project's cohort: its plan, and every participant's role
  // (filled by GenerateCohort once the intakes are known; empty without a scenario).
  Scenario scenario = Scenario::kNone;
  ScenarioPlan plan;
  std::vector<Role> roles;

  // Validates the options and derives the rest. Returns an error message, empty on success.
  static std::string Make(const CohortOptions& options, Cohort* out);

  Cohort() : calendar(0, 0) {}
};

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_COHORT_H_
