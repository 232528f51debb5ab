// CaseState <-> storage.capnp CaseState (inside the stream head record).
#ifndef LEDGER_SRC_CASE_STATE_CODEC_H_
#define LEDGER_SRC_CASE_STATE_CODEC_H_

#include <vector>

#include "case_state.h"
#include "storage.capnp.h"

namespace ledger::internal {

void WriteCaseState(const CaseState& state, schema::CaseState::Builder out);
void ReadCaseState(schema::CaseState::Reader in, CaseState* state);
// Only what a consent decision needs, without building the rest.
void ReadConsentState(schema::CaseState::Reader in, std::vector<ConsentFacts>* consents,
                      std::vector<RestrictionPeriod>* restrictions);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CASE_STATE_CODEC_H_
