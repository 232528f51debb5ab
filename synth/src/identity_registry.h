// Gives every participant of a cohort a birth date and a unique synthetic national identity
// number, in time and memory linear in the number of participants.
//
// Each birth date hands out its individual numbers in a fixed pseudo-random order (a start and a
// stride drawn from the seed), skipping those whose check digits would be 10; participants take
// them in participant order. When a date runs out (only near the 1,000,000 participant limit,
// where the cohort is larger than Norway's whole population of that age), the next dates
// alternately after and before it that keep the age at intake are tried. The result is a
// function of the options alone, whatever order participants are later simulated in.
//
// Memory: 10 bytes per participant plus 2 bytes per possible birth date, kept for the run.
#ifndef LEDGER_SYNTH_IDENTITY_REGISTRY_H_
#define LEDGER_SYNTH_IDENTITY_REGISTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "calendar.h"
#include "cohort.h"

namespace ledger::synth {

class IdentityRegistry {
 public:
  explicit IdentityRegistry(const Cohort& cohort);

  Day BirthDate(uint32_t participant) const { return birth_[participant]; }
  // The intake day, so that a time slice can skip those who have not come in yet.
  Day Intake(uint32_t participant) const { return intake_[participant]; }
  // The 11-digit synthetic fødselsnummer.
  std::string NationalId(uint32_t participant) const;

 private:
  std::vector<Day> birth_;
  std::vector<Day> intake_;
  std::vector<uint16_t> individual_;
};

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_IDENTITY_REGISTRY_H_
