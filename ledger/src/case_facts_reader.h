// Reading CaseFacts from a decoded event (kept apart from case_facts.h so that the rules and
// the state need no Cap'n Proto header).
#ifndef LEDGER_SRC_CASE_FACTS_READER_H_
#define LEDGER_SRC_CASE_FACTS_READER_H_

#include "case_facts.h"
#include "event.capnp.h"

namespace ledger::internal {

// REQUIRES: `event` passed ValidateEvent. `occurred_at_us` is the event's occurred_at.
CaseFacts ReadCaseFacts(schema::Event::Reader event, int64_t occurred_at_us);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CASE_FACTS_READER_H_
