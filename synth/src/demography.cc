#include "demography.h"

#include <cmath>

#include "names.h"
#include "office_hours.h"
#include "prng.h"

namespace ledger::synth {

int AgeOn(Day birth, Day day) {
  const CivilDate b = CivilFromDay(birth), d = CivilFromDay(day);
  int age = d.year - b.year;
  if (d.month < b.month || (d.month == b.month && d.day < b.day)) --age;
  return age;
}

void DrawDemography(const Cohort& cohort, uint32_t participant, Demography* out) {
  Rng rng(StreamKey(cohort.seed, participant, static_cast<uint64_t>(StreamTag::kDemography)));
  Demography& d = *out;

  // Intakes lean towards the start of the window: the programme first took in the existing
  // caseload (Drammen's 428 recipients of 2007), then new applicants.
  const double u = std::pow(rng.Unit(), 1.3);
  Day intake = cohort.window_start + static_cast<Day>(u * cohort.intake_span_days);
  intake = cohort.calendar.OnOrAfter(intake);
  if (intake >= cohort.window_end) intake = cohort.calendar.OnOrBefore(cohort.window_end - 1);
  d.intake = intake;
  d.open_at = TimeBetween(rng, intake, 9, 13);

  static constexpr int kAgeWeights[] = {10, 14, 16, 16, 15, 15, 14};  // ages 18..24
  d.age = 18 + static_cast<int>(rng.Weighted(kAgeWeights, 7));
  d.male = rng.Chance(0.55);
  // Born in (intake - (age + 1) years, intake - age years].
  const Day latest = AddYears(intake, -d.age);
  const Day earliest = AddYears(intake, -(d.age + 1)) + 1;
  d.birth = earliest + static_cast<Day>(rng.Below(static_cast<uint64_t>(latest - earliest + 1)));
  d.name = SyntheticName(rng, d.male);

  d.office =
      static_cast<int>(rng.Weighted(cohort.office_weights.data(), cohort.office_weights.size()));
  const size_t office = static_cast<size_t>(d.office);
  const int first = cohort.office_first_worker[office], workers = cohort.office_workers[office];
  // The first two workers of an office staff its youth reception.
  d.reception = first + static_cast<int>(rng.Below(2));
  d.caseworker = first + static_cast<int>(rng.Below(static_cast<uint64_t>(workers)));

  static constexpr const char* kSources[] = {"self",   "nav_state", "school_ot", "child_welfare",
                                             "health", "family",    "other"};
  static constexpr int kSourceWeights[] = {45, 18, 12, 10, 7, 5, 3};
  d.referral_source = kSources[rng.Weighted(kSourceWeights, 7)];
}

}  // namespace ledger::synth
