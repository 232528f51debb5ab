// Consent in force and coverage, as indicators.md ("Compliance") defines them: pure functions
// over the facts the consent events of one stream establish. Instants are compared as UTC
// microseconds, so the zone an event was written in does not matter.
//
// A consent is in force at T when
//   - its consent.given has occurred_at <= T;
//   - T is before its expiry: the expires_at of the latest consent.renewed with occurred_at <= T
//     (ties on occurred_at: the later in the log), or else the given's expires_at;
//   - it has no consent.withdrawn with effective_at <= T, and no consent.revoked or
//     consent.invalidated with occurred_at <= T;
//   - it was never refused (a refused consent is never in force).
// It covers a disclosure when its recipients include the disclosure's recipient, its
// data_categories include all of the disclosure's, and its purposes include its purpose; it
// covers a referral when it has purpose referral_committee and recipient referral_committee.
#ifndef REPLAY_CONSENT_H_
#define REPLAY_CONSENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::replay {

struct ConsentRenewal {
  int64_t occurred_at_us = 0;
  uint64_t seq = 0;  // log position: breaks ties on occurred_at
  int64_t expires_at_us = 0;
  bool operator==(const ConsentRenewal&) const = default;
};

// What the events of one stream say about one consent id. Lists hold the catalogue's JSON
// codes ("case_coordination", "nav", "economy").
struct ConsentFacts {
  std::string consent_id;
  bool given = false;
  int64_t given_at_us = 0;    // occurred_at of consent.given
  int64_t expires_at_us = 0;  // the given's expires_at
  std::vector<std::string> purposes;
  std::vector<std::string> recipients;
  std::vector<std::string> data_categories;
  std::vector<ConsentRenewal> renewals;
  bool refused = false;
  // The earliest effective_at of its withdrawals, the earliest occurred_at of its revocations
  // and invalidations: the earliest is all "no ... <= T" needs.
  std::optional<int64_t> withdrawn_effective_us;
  std::optional<int64_t> revoked_at_us;
  std::optional<int64_t> invalidated_at_us;
  bool operator==(const ConsentFacts&) const = default;

  // Recording helpers that keep the invariants above (earliest wins, renewals kept).
  void Withdraw(int64_t effective_at_us);
  void Revoke(int64_t occurred_at_us);
  void Invalidate(int64_t occurred_at_us);
};

// Why a consent is or is not in force at T, first reason first in this order.
enum class ConsentStanding {
  kInForce,
  kRefused,    // refused: never in force, whatever T
  kNotGiven,   // no consent.given, or given after T
  kWithdrawn,  // a withdrawal effective at or before T
  kRevoked,
  kInvalidated,
  kExpired,  // T at or after the expiry in effect at T
};
std::string_view ConsentStandingName(ConsentStanding s);

// The expiry in effect at T (see above).
int64_t ExpiryAt(const ConsentFacts& consent, int64_t t_us);
ConsentStanding StandingAt(const ConsentFacts& consent, int64_t t_us);
inline bool InForceAt(const ConsentFacts& consent, int64_t t_us) {
  return StandingAt(consent, t_us) == ConsentStanding::kInForce;
}

struct DisclosureScope {
  std::string_view recipient;
  std::vector<std::string_view> data_categories;
  std::string_view purpose;
};
bool Covers(const ConsentFacts& consent, const DisclosureScope& disclosure);
bool CoversReferral(const ConsentFacts& consent);

}  // namespace ledger::replay

#endif  // REPLAY_CONSENT_H_
