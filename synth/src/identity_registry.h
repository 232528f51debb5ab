// Makes the synthetic national identity numbers of a cohort unique. Birth dates and individual
// numbers are drawn per participant; two participants may draw the same pair, so a pre-pass in
// participant order moves a clash to the next free individual number (or a neighbouring birth
// date that keeps the age at intake). The result is a function of the options alone, whatever
// order the participants are later simulated in.
//
// Memory: 10 bytes per participant, kept for the whole run.
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
