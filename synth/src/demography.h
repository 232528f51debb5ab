// Who a participant is and when they come in: intake, age, sex, name, birth date, office and
// caseworkers. Drawn from the participant's own demography stream, so the identity pre-pass
// (IdentityRegistry) and the simulation draw exactly the same values.
#ifndef LEDGER_SYNTH_DEMOGRAPHY_H_
#define LEDGER_SYNTH_DEMOGRAPHY_H_

#include <cstdint>
#include <string>

#include "calendar.h"
#include "cohort.h"

namespace ledger::synth {

struct Demography {
  Day intake = 0;
  Minute open_at = 0;  // case.opened, in office hours on a working day
  int age = 0;         // 18..24 at intake
  bool male = false;
  Day birth = 0;  // consistent with age at intake
  std::string name;
  int office = 0;      // 0-based
  int caseworker = 0;  // the primary contact (primærkontakt), a worker number
  int reception = 0;   // the youth reception (ungdomsmottak) worker who opens the case
  const char* referral_source = "";
};

// REQUIRES: participant < cohort.participants.
void DrawDemography(const Cohort& cohort, uint32_t participant, Demography* out);

// The completed years between birth and day (the Norwegian way: a birthday counts on its day).
int AgeOn(Day birth, Day day);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_DEMOGRAPHY_H_
