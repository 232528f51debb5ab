// Synthetic Norwegian national identity numbers (fødselsnummer): DDMMYY, a three-digit
// individual number, and two mod-11 check digits. As in Skatteetaten's synthetic test numbers
// (Tenor), 80 is added to the month, so the number is well formed but can never belong to a
// real person.
#ifndef LEDGER_SYNTH_NATIONAL_ID_H_
#define LEDGER_SYNTH_NATIONAL_ID_H_

#include <optional>
#include <string>

#include "calendar.h"

namespace ledger::synth {

// The individual numbers the register gives a birth year, numbered as slots 0..count-1:
// 000-499 and 900-999 for 1940-1999, 500-999 for 2000-2039 (the ranges also tell the century).
// REQUIRES: 1940 <= birth_year <= 2039, 0 <= slot < IndividualNumberSlots(birth_year).
int IndividualNumberSlots(int birth_year);
int IndividualNumberAt(int birth_year, int slot);

// The 11-digit synthetic number, or nullopt when a check digit would be 10 (such individual
// numbers are never issued; the caller tries the next one).
std::optional<std::string> SyntheticNationalId(Day birth_date, int individual_number);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_NATIONAL_ID_H_
