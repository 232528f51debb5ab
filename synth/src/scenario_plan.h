// What a scenario (synth/scenario.h) fixes beyond the options: the outcome role of each
// participant, drawn once for the cohort so that the published counts hold exactly, and the days
// that bound each role's exits and incomes. The life plan, assistance and status processes read
// a participant's role; with Scenario::kNone every role is kFree and nothing changes.
#ifndef LEDGER_SYNTH_SCENARIO_PLAN_H_
#define LEDGER_SYNTH_SCENARIO_PLAN_H_

#include <cstdint>
#include <vector>

#include "calendar.h"
#include "synth/cohort_generator.h"

namespace ledger::synth {

class IdentityRegistry;
struct Cohort;

enum class Role : uint8_t {
  kFree,        // the default cohort: exits drawn from the hazards alone
  kLeaves,      // every episode ends on or before leave_by: not paid in the figure months
  kLeavesLate,  // paid in the first figure month, exits in [late_from, late_by]
  kSupplement,  // on assistance past stay_after; from income_from main income is not assistance
  kMainIncome,  // on assistance past stay_after; from income_from main income is assistance
  kActive,      // on assistance past stay_after, with an activity condition on every grant
  kPassive,     // on assistance past stay_after, exempted from activity conditions
};

// A role that is still on assistance in the first figure month.
inline bool Stays(Role role) { return role != Role::kFree && role != Role::kLeaves; }

struct ScenarioPlan {
  int intake_months = 0;  // intakes spread over this many months from the window's start
  Day leave_by = 0;
  Day late_from = 0, late_by = 0;
  Day stay_after = 0;
  Day income_from = 0;
  // The quota of each role; the roles after kLeaves are dealt in this order, the last one taking
  // whoever is left.
  int leaves = 0;
  std::vector<std::pair<Role, int>> stayers;
};

// The plan of a scenario; REQUIRES: scenario != kNone.
ScenarioPlan PlanOf(Scenario scenario);

// Every participant's role, from the seed: `plan.leaves` of those who came in at least
// kLeaveMargin days before leave_by are drawn to leave, the earlier their intake the likelier
// (weight 1 - 0.92^months left); the others are shuffled and dealt the stayers' roles.
// REQUIRES: cohort.scenario != kNone.
std::vector<Role> AssignRoles(const Cohort& cohort, const IdentityRegistry& registry);

// The first exit of a leaver lies at least this long after the intake (a first grant is paid
// before it, also after a refused first application) and no later than leave_by.
inline constexpr int kLeaveMargin = 49;

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_SCENARIO_PLAN_H_
