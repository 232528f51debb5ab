#include "case_state.h"

namespace ledger::internal {

const ConsentFacts* CaseState::FindConsent(std::string_view id) const {
  for (const ConsentFacts& c : consents) {
    if (c.consent_id == id) return &c;
  }
  return nullptr;
}

ConsentFacts* CaseState::FindConsent(std::string_view id) {
  for (ConsentFacts& c : consents) {
    if (c.consent_id == id) return &c;
  }
  return nullptr;
}

RestrictionPeriod* CaseState::OpenRestriction(std::string_view purpose) {
  for (RestrictionPeriod& r : restrictions) {
    if (r.purpose == purpose && !r.until_us) return &r;
  }
  return nullptr;
}

}  // namespace ledger::internal
