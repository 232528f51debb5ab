// Checks an event's content whatever wire format it came in: required fields present, every
// Text value in its $format, numbers and list lengths within their bounds, the envelope's
// stream/subject/type rules and the rules that tie fields of one event together. It does not
// look at the ledger's state (that is the append path's job).
#ifndef LEDGER_SRC_EVENT_VALIDATOR_H_
#define LEDGER_SRC_EVENT_VALIDATOR_H_

#include <string_view>

#include "base/status.h"
#include "event.capnp.h"

namespace ledger::internal {

// InvalidArgument naming the field path and the rule on failure.
Status ValidateEvent(schema::Event::Reader event);

// "case.opened" -> true for types that belong in a case/<subject> stream, and so on.
enum class StreamKind { kCase, kKeys, kReleases };
StreamKind StreamKindOfType(std::string_view type);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_EVENT_VALIDATOR_H_
