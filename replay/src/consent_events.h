// The consent facts (replay/consent.h) the consent events of one stream establish: one
// function that every projection keeping consents applies, so that they agree.
#ifndef REPLAY_SRC_CONSENT_EVENTS_H_
#define REPLAY_SRC_CONSENT_EVENTS_H_

#include <string_view>
#include <vector>

#include "replay/consent.h"
#include "replay/event_view.h"

namespace ledger::replay::internal {

// Whether `type` is one of consent.given, .renewed, .withdrawn, .refused, .revoked,
// .invalidated.
bool IsConsentEvent(EventType type);

// The facts of consent `id` in `consents`, added (empty) if missing.
ConsentFacts& ConsentFor(std::vector<ConsentFacts>& consents, std::string_view id);

// Records a consent event (IsConsentEvent) of the stream that `consents` belong to. A second
// consent.given of an id changes nothing (an id is given once); a given that `replaces` another
// records the replacement on that one; renewals are all kept; the earliest withdrawal,
// revocation, invalidation and replacement count, and the first refusal (ConsentFacts).
// Returns the facts of the event's consent id, or null if a value did not parse.
ConsentFacts* ApplyConsentEvent(std::vector<ConsentFacts>& consents, const EventView& ev);

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_CONSENT_EVENTS_H_
