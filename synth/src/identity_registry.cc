#include "identity_registry.h"

#include <cassert>
#include <unordered_set>

#include "demography.h"
#include "national_id.h"

namespace ledger::synth {
namespace {

uint64_t Key(Day birth, int individual) {
  return static_cast<uint64_t>(static_cast<int64_t>(birth) + (int64_t{1} << 31)) * 1000 +
         static_cast<uint64_t>(individual);
}

}  // namespace

IdentityRegistry::IdentityRegistry(const Cohort& cohort) {
  const size_t n = static_cast<size_t>(cohort.participants);
  birth_.resize(n);
  individual_.resize(n);
  intake_.resize(n);
  std::unordered_set<uint64_t> used;
  used.reserve(n * 2);
  Demography d;
  for (uint32_t i = 0; i < n; ++i) {
    DrawDemography(cohort, i, &d);
    intake_[i] = d.intake;
    const Day latest = AddYears(d.intake, -d.age);
    const Day earliest = AddYears(d.intake, -(d.age + 1)) + 1;
    // Try the drawn birth date first, then dates alternately after and before it, all within
    // the range that keeps the age at intake.
    bool placed = false;
    for (int step = 0; step <= 2 * (latest - earliest) + 1 && !placed; ++step) {
      const Day birth = d.birth + (step % 2 == 0 ? step / 2 : -(step / 2 + 1));
      if (birth < earliest || birth > latest) continue;
      const int year = CivilFromDay(birth).year;
      const int first = FirstIndividualNumber(year), last = LastIndividualNumber(year);
      const int span = last - first + 1;
      const int start = birth == d.birth ? d.individual_number - first : 0;
      for (int k = 0; k < span; ++k) {
        const int individual = first + (start + k) % span;
        if (used.count(Key(birth, individual)) != 0) continue;
        if (!SyntheticNationalId(birth, individual)) continue;
        used.insert(Key(birth, individual));
        birth_[i] = birth;
        individual_[i] = static_cast<uint16_t>(individual);
        placed = true;
        break;
      }
    }
    // The age range holds ~365 dates of ~410 valid numbers each; only near the 1,000,000
    // participant limit can a crowded range fill up. Then a duplicate number is the lesser evil
    // against refusing the options: keep the drawn date with its first valid number.
    if (!placed) {
      const int year = CivilFromDay(d.birth).year;
      int individual = d.individual_number;
      while (!SyntheticNationalId(d.birth, individual)) {
        individual =
            individual == LastIndividualNumber(year) ? FirstIndividualNumber(year) : individual + 1;
      }
      birth_[i] = d.birth;
      individual_[i] = static_cast<uint16_t>(individual);
    }
  }
}

std::string IdentityRegistry::NationalId(uint32_t participant) const {
  auto id = SyntheticNationalId(birth_[participant], individual_[participant]);
  assert(id.has_value());
  return *id;
}

}  // namespace ledger::synth
