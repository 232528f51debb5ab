#include "consent_events.h"

#include <string>

#include "enum_names.h"
#include "event_fields.h"

namespace ledger::replay::internal {

using W = schema::Event::Data::Which;

bool IsConsentEvent(EventType type) {
  switch (type) {
    case W::CONSENT_GIVEN:
    case W::CONSENT_RENEWED:
    case W::CONSENT_WITHDRAWN:
    case W::CONSENT_REFUSED:
    case W::CONSENT_REVOKED:
    case W::CONSENT_INVALIDATED:
      return true;
    default:
      return false;
  }
}

ConsentFacts& ConsentFor(std::vector<ConsentFacts>& consents, std::string_view id) {
  for (ConsentFacts& f : consents) {
    if (f.consent_id == id) return f;
  }
  consents.emplace_back();
  consents.back().consent_id = std::string(id);
  return consents.back();
}

ConsentFacts* ApplyConsentEvent(std::vector<ConsentFacts>& consents, const EventView& ev) {
  auto d = ev.data();
  const int64_t at = ev.occurred_at_us();
  switch (ev.type()) {
    case W::CONSENT_GIVEN: {
      auto g = d.getConsentGiven();
      auto expires = InstantField(g.getExpiresAt());
      if (!expires) return nullptr;
      ConsentFacts& f = ConsentFor(consents, TextView(g.getConsentId()));
      if (f.given) return &f;
      f.given = true;
      f.given_at_us = at;
      f.expires_at_us = *expires;
      for (auto p : g.getPurposes()) f.purposes.emplace_back(PurposeName(p));
      for (auto r : g.getRecipients()) f.recipients.emplace_back(TextView(r));
      for (auto k : g.getDataCategories()) f.data_categories.emplace_back(DataCategoryName(k));
      if (g.hasReplaces()) {
        // ConsentFor may grow the vector: keep the id, not a reference to `f`.
        const std::string by = f.consent_id;
        ConsentFor(consents, TextView(g.getReplaces())).Replace(at, by);
        return &ConsentFor(consents, by);
      }
      return &f;
    }
    case W::CONSENT_RENEWED: {
      auto r = d.getConsentRenewed();
      auto expires = InstantField(r.getExpiresAt());
      if (!expires) return nullptr;
      ConsentFacts& f = ConsentFor(consents, TextView(r.getConsentId()));
      f.renewals.push_back(ConsentRenewal{at, ev.seq(), *expires});
      return &f;
    }
    case W::CONSENT_WITHDRAWN: {
      auto w = d.getConsentWithdrawn();
      auto effective = InstantField(w.getEffectiveAt());
      if (!effective) return nullptr;
      ConsentFacts& f = ConsentFor(consents, TextView(w.getConsentId()));
      f.Withdraw(*effective);
      return &f;
    }
    case W::CONSENT_REFUSED: {
      ConsentFacts& f = ConsentFor(consents, TextView(d.getConsentRefused().getConsentId()));
      if (!f.refused) f.refused_at_us = at;
      f.refused = true;
      return &f;
    }
    case W::CONSENT_REVOKED: {
      ConsentFacts& f = ConsentFor(consents, TextView(d.getConsentRevoked().getConsentId()));
      f.Revoke(at);
      return &f;
    }
    case W::CONSENT_INVALIDATED: {
      ConsentFacts& f = ConsentFor(consents, TextView(d.getConsentInvalidated().getConsentId()));
      f.Invalidate(at);
      return &f;
    }
    default:
      return nullptr;
  }
}

}  // namespace ledger::replay::internal
