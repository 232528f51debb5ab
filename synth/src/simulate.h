// One participant's whole life course, written through an EventWriter.
#ifndef LEDGER_SYNTH_SIMULATE_H_
#define LEDGER_SYNTH_SIMULATE_H_

#include <cstdint>

#include "cohort.h"
#include "event_writer.h"
#include "identity_registry.h"
#include "participant.h"

namespace ledger::synth {

// Simulates participant `index` from scratch into `scratch` (reused to keep its capacity) and
// emits its events to `writer`. Depends only on (cohort, index): calling it again gives the same
// calls to the writer.
void SimulateParticipant(const Cohort& cohort, const IdentityRegistry& registry, uint32_t index,
                         Participant* scratch, EventWriter* writer);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_SIMULATE_H_
