#include "ledger/consent.h"

#include <algorithm>

namespace ledger {
namespace {

void KeepEarliest(std::optional<int64_t>& slot, int64_t value) {
  if (!slot || value < *slot) slot = value;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> MissingCategories(const ConsentFacts& c, const ConsentQuestion& q) {
  std::vector<std::string> missing;
  for (const auto& category : q.data_categories) {
    if (!Contains(c.data_categories, category)) missing.push_back(category);
  }
  return missing;
}

ConsentAnswer AnswerFor(ConsentStanding s) {
  switch (s) {
    case ConsentStanding::kInForce:
      return ConsentAnswer::kAllowed;
    case ConsentStanding::kRefused:
      return ConsentAnswer::kRefused;
    case ConsentStanding::kNotGiven:
      return ConsentAnswer::kNoConsent;
    case ConsentStanding::kWithdrawn:
      return ConsentAnswer::kWithdrawn;
    case ConsentStanding::kRevoked:
      return ConsentAnswer::kRevoked;
    case ConsentStanding::kInvalidated:
      return ConsentAnswer::kInvalidated;
    case ConsentStanding::kReplaced:
      return ConsentAnswer::kReplaced;
    case ConsentStanding::kExpired:
      return ConsentAnswer::kExpired;
  }
  return ConsentAnswer::kNoConsent;
}

}  // namespace

void ConsentFacts::Withdraw(int64_t effective_at_us) {
  KeepEarliest(withdrawn_effective_us, effective_at_us);
}
void ConsentFacts::Revoke(int64_t occurred_at_us) { KeepEarliest(revoked_at_us, occurred_at_us); }
void ConsentFacts::Invalidate(int64_t occurred_at_us) {
  KeepEarliest(invalidated_at_us, occurred_at_us);
}
void ConsentFacts::Replace(int64_t occurred_at_us, std::string_view by) {
  if (!replaced_at_us || occurred_at_us < *replaced_at_us) {
    replaced_at_us = occurred_at_us;
    replaced_by = std::string(by);
  }
}

std::string_view ConsentStandingName(ConsentStanding s) {
  switch (s) {
    case ConsentStanding::kInForce:
      return "in_force";
    case ConsentStanding::kNotGiven:
      return "not_given";
    case ConsentStanding::kRefused:
      return "refused";
    case ConsentStanding::kWithdrawn:
      return "withdrawn";
    case ConsentStanding::kRevoked:
      return "revoked";
    case ConsentStanding::kInvalidated:
      return "invalidated";
    case ConsentStanding::kReplaced:
      return "replaced";
    case ConsentStanding::kExpired:
      return "expired";
  }
  return "unknown";
}

std::string_view ConsentAnswerName(ConsentAnswer a) {
  switch (a) {
    case ConsentAnswer::kAllowed:
      return "allowed";
    case ConsentAnswer::kNoConsent:
      return "no_consent";
    case ConsentAnswer::kRefused:
      return "refused";
    case ConsentAnswer::kWithdrawn:
      return "withdrawn";
    case ConsentAnswer::kRevoked:
      return "revoked";
    case ConsentAnswer::kInvalidated:
      return "invalidated";
    case ConsentAnswer::kReplaced:
      return "replaced";
    case ConsentAnswer::kExpired:
      return "expired";
    case ConsentAnswer::kRecipientNotCovered:
      return "recipient_not_covered";
    case ConsentAnswer::kPurposeNotCovered:
      return "purpose_not_covered";
    case ConsentAnswer::kCategoryNotCovered:
      return "category_not_covered";
    case ConsentAnswer::kRestricted:
      return "restricted";
    case ConsentAnswer::kErased:
      return "erased";
  }
  return "unknown";
}

int64_t ExpiryAt(const ConsentFacts& consent, int64_t t_us) {
  const ConsentRenewal* latest = nullptr;
  for (const ConsentRenewal& r : consent.renewals) {
    if (r.occurred_at_us > t_us) continue;
    if (latest == nullptr || r.occurred_at_us > latest->occurred_at_us ||
        (r.occurred_at_us == latest->occurred_at_us && r.seq > latest->seq)) {
      latest = &r;
    }
  }
  return latest ? latest->expires_at_us : consent.expires_at_us;
}

ConsentStanding StandingAt(const ConsentFacts& consent, int64_t t_us) {
  if (consent.refused) return ConsentStanding::kRefused;
  if (!consent.given || consent.given_at_us > t_us) return ConsentStanding::kNotGiven;
  if (consent.withdrawn_effective_us && *consent.withdrawn_effective_us <= t_us) {
    return ConsentStanding::kWithdrawn;
  }
  if (consent.revoked_at_us && *consent.revoked_at_us <= t_us) return ConsentStanding::kRevoked;
  if (consent.invalidated_at_us && *consent.invalidated_at_us <= t_us) {
    return ConsentStanding::kInvalidated;
  }
  if (consent.replaced_at_us && *consent.replaced_at_us <= t_us) return ConsentStanding::kReplaced;
  if (t_us >= ExpiryAt(consent, t_us)) return ConsentStanding::kExpired;
  return ConsentStanding::kInForce;
}

int64_t StandingSince(const ConsentFacts& consent, ConsentStanding standing, int64_t t_us) {
  switch (standing) {
    case ConsentStanding::kRefused:
      return consent.refused_at_us;
    case ConsentStanding::kWithdrawn:
      return consent.withdrawn_effective_us.value_or(0);
    case ConsentStanding::kRevoked:
      return consent.revoked_at_us.value_or(0);
    case ConsentStanding::kInvalidated:
      return consent.invalidated_at_us.value_or(0);
    case ConsentStanding::kReplaced:
      return consent.replaced_at_us.value_or(0);
    case ConsentStanding::kExpired:
      return ExpiryAt(consent, t_us);
    case ConsentStanding::kInForce:
    case ConsentStanding::kNotGiven:
      return 0;
  }
  return 0;
}

bool Covers(const ConsentFacts& consent, const DisclosureScope& disclosure) {
  if (!Contains(consent.recipients, disclosure.recipient)) return false;
  if (!Contains(consent.purposes, disclosure.purpose)) return false;
  return std::all_of(disclosure.data_categories.begin(), disclosure.data_categories.end(),
                     [&](std::string_view c) { return Contains(consent.data_categories, c); });
}

bool CoversReferral(const ConsentFacts& consent) {
  return Contains(consent.purposes, "referral_committee") &&
         Contains(consent.recipients, "referral_committee");
}

const RestrictionPeriod* RestrictionAt(const std::vector<RestrictionPeriod>& periods,
                                       std::string_view purpose, int64_t t_us) {
  for (const auto& p : periods) {
    if (p.purpose == purpose && p.from_us <= t_us && (!p.until_us || t_us < *p.until_us)) {
      return &p;
    }
  }
  return nullptr;
}

ConsentDecision DecideConsent(const std::vector<ConsentFacts>& consents,
                              const std::vector<RestrictionPeriod>& restrictions,
                              const ConsentQuestion& q) {
  ConsentDecision d;
  const int64_t t = q.at_us;
  // 1. A restriction of the purpose overrides every consent.
  if (const RestrictionPeriod* r = RestrictionAt(restrictions, q.purpose, t)) {
    d.answer = ConsentAnswer::kRestricted;
    d.since_us = r->from_us;
    return d;
  }
  DisclosureScope scope{q.recipient, {}, q.purpose};
  for (const auto& c : q.data_categories) scope.data_categories.push_back(c);

  // 2. Allowed by every covering consent in force at T.
  const ConsentFacts* latest_covering = nullptr;  // given by T, latest given first
  bool any_covering_given = false;
  for (const ConsentFacts& c : consents) {
    if (!c.given || c.refused || !Covers(c, scope)) continue;
    any_covering_given = true;
    if (InForceAt(c, t)) {
      d.consent_ids.push_back(c.consent_id);
    } else if (c.given_at_us <= t &&
               (latest_covering == nullptr || c.given_at_us > latest_covering->given_at_us ||
                (c.given_at_us == latest_covering->given_at_us &&
                 c.consent_id > latest_covering->consent_id))) {
      latest_covering = &c;
    }
  }
  if (!d.consent_ids.empty()) {
    std::sort(d.consent_ids.begin(), d.consent_ids.end());
    d.answer = ConsentAnswer::kAllowed;
    return d;
  }
  // 3. A consent would cover it but is not in force: say why, for the latest given by T.
  if (latest_covering != nullptr) {
    ConsentStanding s = StandingAt(*latest_covering, t);
    d.answer = AnswerFor(s);
    d.consent_ids = {latest_covering->consent_id};
    d.since_us = StandingSince(*latest_covering, s, t);
    if (s == ConsentStanding::kReplaced) d.replaced_by = latest_covering->replaced_by;
    return d;
  }
  // 4. Consents in force, none covering: which part of the question they fall short on.
  std::vector<const ConsentFacts*> in_force;
  const ConsentFacts* refusal = nullptr;
  for (const ConsentFacts& c : consents) {
    if (InForceAt(c, t)) in_force.push_back(&c);
    if (c.refused && c.refused_at_us <= t &&
        (refusal == nullptr || c.refused_at_us > refusal->refused_at_us)) {
      refusal = &c;
    }
  }
  if (in_force.empty()) {
    if (refusal != nullptr && !any_covering_given) {
      d.answer = ConsentAnswer::kRefused;
      d.consent_ids = {refusal->consent_id};
      d.since_us = refusal->refused_at_us;
    } else {
      d.answer = ConsentAnswer::kNoConsent;
    }
    return d;
  }
  std::vector<const ConsentFacts*> with_recipient, with_purpose;
  for (const ConsentFacts* c : in_force) {
    if (Contains(c->recipients, q.recipient)) with_recipient.push_back(c);
  }
  for (const ConsentFacts* c : with_recipient) {
    if (Contains(c->purposes, q.purpose)) with_purpose.push_back(c);
  }
  if (with_recipient.empty()) {
    d.answer = ConsentAnswer::kRecipientNotCovered;
    return d;
  }
  if (with_purpose.empty()) {
    d.answer = ConsentAnswer::kPurposeNotCovered;
    return d;
  }
  // The consent that comes closest (fewest categories short; ties: smallest id).
  const ConsentFacts* closest = nullptr;
  for (const ConsentFacts* c : with_purpose) {
    auto missing = MissingCategories(*c, q);
    if (closest == nullptr || missing.size() < d.missing.size() ||
        (missing.size() == d.missing.size() && c->consent_id < closest->consent_id)) {
      closest = c;
      d.missing = std::move(missing);
    }
  }
  d.answer = ConsentAnswer::kCategoryNotCovered;
  d.consent_ids = {closest->consent_id};
  return d;
}

}  // namespace ledger
