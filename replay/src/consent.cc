#include "replay/consent.h"

#include <algorithm>

namespace ledger::replay {
namespace {

void KeepEarliest(std::optional<int64_t>& slot, int64_t value) {
  if (!slot || value < *slot) slot = value;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

void ConsentFacts::Withdraw(int64_t effective_at_us) {
  KeepEarliest(withdrawn_effective_us, effective_at_us);
}
void ConsentFacts::Revoke(int64_t occurred_at_us) { KeepEarliest(revoked_at_us, occurred_at_us); }
void ConsentFacts::Invalidate(int64_t occurred_at_us) {
  KeepEarliest(invalidated_at_us, occurred_at_us);
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
    case ConsentStanding::kExpired:
      return "expired";
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
  if (t_us >= ExpiryAt(consent, t_us)) return ConsentStanding::kExpired;
  return ConsentStanding::kInForce;
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

}  // namespace ledger::replay
