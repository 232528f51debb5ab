// Small built-in lists of common Norwegian given names (people born 1980-2007, including names
// common among Norwegians with immigrant parents) and surnames. A person is one given name and
// one surname; nothing else about the lists carries meaning.
#ifndef LEDGER_SYNTH_NAMES_H_
#define LEDGER_SYNTH_NAMES_H_

#include <string>

#include "prng.h"

namespace ledger::synth {

// A full name "Given Surname" drawn from the lists for the given sex.
std::string SyntheticName(Rng& rng, bool male);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_NAMES_H_
