// Consent in force and coverage for the projections: the ledger's own definitions
// (ledger/consent.h), so that the caseload, the compliance checks and the ledger's consent
// decisions can never disagree.
#ifndef REPLAY_CONSENT_H_
#define REPLAY_CONSENT_H_

#include "ledger/consent.h"

namespace ledger::replay {

using ledger::ConsentFacts;
using ledger::ConsentRenewal;
using ledger::ConsentStanding;
using ledger::ConsentStandingName;
using ledger::Covers;
using ledger::CoversReferral;
using ledger::DisclosureScope;
using ledger::ExpiryAt;
using ledger::InForceAt;
using ledger::StandingAt;

}  // namespace ledger::replay

#endif  // REPLAY_CONSENT_H_
