// The scenarios' fixed options (scenario.h), their plans and the dealing of roles
// (scenario_plan.h). The published figures these quotas stand for are quoted in
// docs/evaluator-guide.md; cli/scenario_figures.cc holds them again, independently, to check the
// replayed figures against them.
#include "synth/scenario.h"

#include <algorithm>

#include "cohort.h"
#include "identity_registry.h"
#include "prng.h"
#include "scenario_plan.h"

namespace ledger::synth {

std::optional<Scenario> ParseScenario(std::string_view name) {
  if (name == "drammen") return Scenario::kDrammen;
  if (name == "narvik") return Scenario::kNarvik;
  return std::nullopt;
}

std::string_view ScenarioName(Scenario scenario) {
  switch (scenario) {
    case Scenario::kDrammen:
      return "drammen";
    case Scenario::kNarvik:
      return "narvik";
    case Scenario::kNone:
      break;
  }
  return "none";
}

CohortOptions ScenarioOptions(Scenario scenario, uint64_t seed) {
  CohortOptions o;
  o.seed = seed;
  o.scenario = scenario;
  switch (scenario) {
    case Scenario::kDrammen:
      // P1824: the 428 recipients of 2007, followed to the project's end (31.12.2010).
      o.participants = 428;
      o.from_year = 2007;
      o.from_month = 1;
      o.months = 48;
      o.municipality = "0602";
      o.programme = "P1824";
      break;
    case Scenario::kNarvik:
      // Aktiv Hverdag: participants from 2002, counted in May 2004.
      o.participants = 235;
      o.from_year = 2002;
      o.from_month = 1;
      o.months = 29;
      o.municipality = "1805";
      o.programme = "aktiv-hverdag";
      break;
    case Scenario::kNone:
      break;
  }
  return o;
}

ScenarioPlan PlanOf(Scenario scenario) {
  ScenarioPlan plan;
  if (scenario == Scenario::kDrammen) {
    // Everyone came in during 2007 in time to be paid in 2007. December 2009: 50 recipients;
    // 10 of them leave before May 2010, and of the 40 left in May 21 (52.5 %, "more than half")
    // live mainly on something else.
    plan.intake_months = 11;
    plan.leave_by = DayFromCivil(2009, 12, 1);
    plan.late_from = DayFromCivil(2009, 12, 14);
    plan.late_by = DayFromCivil(2010, 4, 30);
    plan.stay_after = DayFromCivil(2010, 7, 1);
    plan.income_from = DayFromCivil(2010, 2, 1);
    plan.leaves = 428 - 50;
    plan.stayers = {{Role::kLeavesLate, 10}, {Role::kSupplement, 21}, {Role::kMainIncome, 19}};
  } else {
    // Intakes 2002-01 .. 2003-12, so that by May 2004 every recipient is past the course and in
    // follow-up; 140 off assistance in May 2004, 20 of the 95 still paid exempted from activity.
    plan.intake_months = 24;
    plan.leave_by = DayFromCivil(2004, 5, 1);
    plan.stay_after = DayFromCivil(2004, 6, 1);
    plan.income_from = plan.stay_after;  // incomes are not part of Narvik's figures
    plan.leaves = 140;
    plan.stayers = {{Role::kPassive, 20}, {Role::kActive, 75}};
  }
  return plan;
}

std::vector<Role> AssignRoles(const Cohort& cohort, const IdentityRegistry& registry) {
  const ScenarioPlan& plan = cohort.plan;
  const auto n = static_cast<size_t>(cohort.participants);
  Rng rng(StreamKey(cohort.seed, 0, static_cast<uint64_t>(StreamTag::kScenario)));
  std::vector<Role> roles(n, Role::kFree);
  // Leavers, by months left before leave_by (at most 24): integer weights, no floating point.
  std::vector<int> weights(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const Day intake = registry.Intake(static_cast<uint32_t>(i));
    if (intake + kLeaveMargin > plan.leave_by) continue;
    weights[i] = std::clamp(MonthIndex(plan.leave_by) - MonthIndex(intake), 1, 24);
  }
  for (size_t i : rng.Distinct(weights.data(), n, static_cast<size_t>(plan.leaves))) {
    roles[i] = Role::kLeaves;
  }
  std::vector<size_t> rest;
  for (size_t i = 0; i < n; ++i) {
    if (roles[i] == Role::kFree) rest.push_back(i);
  }
  for (size_t i = rest.size(); i > 1; --i) std::swap(rest[i - 1], rest[rng.Below(i)]);
  size_t next = 0;
  for (size_t k = 0; k < plan.stayers.size(); ++k) {
    const bool last = k + 1 == plan.stayers.size();
    const size_t count =
        last ? rest.size() - next
             : std::min(rest.size() - next, static_cast<size_t>(plan.stayers[k].second));
    for (size_t j = 0; j < count; ++j) roles[rest[next++]] = plan.stayers[k].first;
  }
  return roles;
}

}  // namespace ledger::synth
