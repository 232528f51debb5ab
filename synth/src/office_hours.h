// Random times of day for events. Everything the generator writes happens on working days between
// 08:00 (the payment service's batch) and 16:00, never in the night hour that daylight saving
// skips or repeats.
#ifndef LEDGER_SYNTH_OFFICE_HOURS_H_
#define LEDGER_SYNTH_OFFICE_HOURS_H_

#include "calendar.h"
#include "prng.h"

namespace ledger::synth {

// A random time on `day` from first_hour:00 to last_hour:last_minute.
// Draws are in separate statements here and everywhere: the evaluation order of function
// arguments is unspecified, and the draws must come in the same order with every compiler.
inline Minute TimeBetween(Rng& rng, Day day, int first_hour, int last_hour, int last_minute = 59) {
  const int hour = rng.Range(first_hour, last_hour);
  const int minute = rng.Range(0, last_minute);
  return AtTime(day, hour, minute);
}

// Case work: 09:00 to 14:59, leaving an hour inside office hours for the steps that follow the
// same day (a condition after its decision, income after status).
inline Minute OfficeTime(Rng& rng, Day day) { return TimeBetween(rng, day, 9, 14); }

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_OFFICE_HOURS_H_
