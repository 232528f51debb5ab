#include "identity_registry.h"

#include <cassert>

#include "demography.h"
#include "national_id.h"
#include "prng.h"

namespace ledger::synth {
namespace {

// Prime, so coprime with both slot counts (600 and 500): the stride visits every slot once.
constexpr int kStride = 263;

class Allocator {
 public:
  Allocator(uint64_t seed, Day first, Day last)
      : seed_(seed), first_(first), used_(static_cast<size_t>(last - first + 1), 0) {}

  // The next free valid individual number of `birth`, or -1 when the date has none left.
  int Take(Day birth) {
    assert(birth >= first_ && birth - first_ < static_cast<Day>(used_.size()));
    uint16_t& used = used_[static_cast<size_t>(birth - first_)];
    const int year = CivilFromDay(birth).year;
    const int slots = IndividualNumberSlots(year);
    const int start = static_cast<int>(Mix64(seed_ ^ (static_cast<uint64_t>(birth) << 20)) %
                                       static_cast<uint64_t>(slots));
    while (used < slots) {
      const int slot = (start + used * kStride) % slots;
      ++used;
      const int individual = IndividualNumberAt(year, slot);
      if (SyntheticNationalId(birth, individual)) return individual;
    }
    return -1;
  }

 private:
  uint64_t seed_;
  Day first_;
  std::vector<uint16_t> used_;
};

}  // namespace

IdentityRegistry::IdentityRegistry(const Cohort& cohort) {
  const size_t n = static_cast<size_t>(cohort.participants);
  birth_.resize(n);
  intake_.resize(n);
  individual_.resize(n);
  // Intakes lie in the window and ages are 18..24: births lie between these dates.
  Allocator allocator(cohort.seed, AddYears(cohort.window_start, -25) - 1,
                      AddYears(cohort.window_end, -18));
  Demography d;
  for (uint32_t i = 0; i < n; ++i) {
    DrawDemography(cohort, i, &d);
    intake_[i] = d.intake;
    const Day latest = AddYears(d.intake, -d.age);
    const Day earliest = AddYears(d.intake, -(d.age + 1)) + 1;
    int individual = -1;
    Day birth = d.birth;
    for (int step = 0; individual < 0 && step <= 2 * (latest - earliest) + 1; ++step) {
      birth = d.birth + (step % 2 == 0 ? step / 2 : -(step / 2 + 1));
      if (birth >= earliest && birth <= latest) individual = allocator.Take(birth);
    }
    if (individual < 0) {
      // Every number of every fitting date is taken: a duplicate is the lesser evil against
      // refusing the options. Unreachable below several times Norway's age cohort.
      birth = d.birth;
      const int year = CivilFromDay(birth).year;
      for (int slot = 0; individual < 0; ++slot) {
        if (SyntheticNationalId(birth, IndividualNumberAt(year, slot))) {
          individual = IndividualNumberAt(year, slot);
        }
      }
    }
    birth_[i] = birth;
    individual_[i] = static_cast<uint16_t>(individual);
  }
}

std::string IdentityRegistry::NationalId(uint32_t participant) const {
  auto id = SyntheticNationalId(birth_[participant], individual_[participant]);
  assert(id.has_value());
  return *id;
}

}  // namespace ledger::synth
