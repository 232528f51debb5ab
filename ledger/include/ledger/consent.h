// Consent in force, coverage, and the consent decision: pure functions over the facts that the
// consent events of one case stream establish (indicators.md, "Compliance" and "Consent
// decision"; docs/privacy.md, "Consent decisions"). Instants are UTC microseconds, so the zone an
// event was written in does not matter.
//
// A consent is in force at T when
//   - its consent.given has occurred_at <= T;
//   - T is before its expiry: the expires_at of the latest consent.renewed with occurred_at <= T
//     (ties on occurred_at: the later in the log), or else the given's expires_at;
//   - it has no consent.withdrawn with effective_at <= T, and no consent.revoked or
//     consent.invalidated with occurred_at <= T;
//   - no consent.given that `replaces` it has occurred_at <= T;
//   - it was never refused (a refused consent is never in force).
// It covers a disclosure when its recipients include the disclosure's recipient, its
// data_categories include all of the disclosure's, and its purposes include its purpose; it
// covers a referral when it has purpose referral_committee and recipient referral_committee.
#ifndef LEDGER_CONSENT_H_
#define LEDGER_CONSENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ledger {

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
  int64_t refused_at_us = 0;
  // The earliest effective_at of its withdrawals, the earliest occurred_at of its revocations,
  // invalidations and replacements: the earliest is all "no ... <= T" needs.
  std::optional<int64_t> withdrawn_effective_us;
  std::optional<int64_t> revoked_at_us;
  std::optional<int64_t> invalidated_at_us;
  std::optional<int64_t> replaced_at_us;
  std::string replaced_by;  // the consent id that replaced it (the earliest)
  bool operator==(const ConsentFacts&) const = default;

  // Recording helpers that keep the invariants above (earliest wins, renewals kept).
  void Withdraw(int64_t effective_at_us);
  void Revoke(int64_t occurred_at_us);
  void Invalidate(int64_t occurred_at_us);
  void Replace(int64_t occurred_at_us, std::string_view by);
};

// Why a consent is or is not in force at T, first reason first in this order.
enum class ConsentStanding {
  kInForce,
  kRefused,    // refused: never in force, whatever T
  kNotGiven,   // no consent.given, or given after T
  kWithdrawn,  // a withdrawal effective at or before T
  kRevoked,
  kInvalidated,
  kReplaced,
  kExpired,  // T at or after the expiry in effect at T
};
std::string_view ConsentStandingName(ConsentStanding s);

// The expiry in effect at T (see above).
int64_t ExpiryAt(const ConsentFacts& consent, int64_t t_us);
ConsentStanding StandingAt(const ConsentFacts& consent, int64_t t_us);
inline bool InForceAt(const ConsentFacts& consent, int64_t t_us) {
  return StandingAt(consent, t_us) == ConsentStanding::kInForce;
}
// The instant the standing at T began (withdrawal effective_at, expiry, revocation, ...);
// 0 for kInForce, kRefused without a time, and kNotGiven.
int64_t StandingSince(const ConsentFacts& consent, ConsentStanding standing, int64_t t_us);

struct DisclosureScope {
  std::string_view recipient;
  std::vector<std::string_view> data_categories;
  std::string_view purpose;
};
bool Covers(const ConsentFacts& consent, const DisclosureScope& disclosure);
bool CoversReferral(const ConsentFacts& consent);

// processing.restricted for a purpose, from its occurred_at until the occurred_at of the
// processing.unrestricted that lifted it (none: still restricted).
struct RestrictionPeriod {
  std::string purpose;
  int64_t from_us = 0;
  std::optional<int64_t> until_us;
  bool operator==(const RestrictionPeriod&) const = default;
};
// The period restricting `purpose` at T, if any.
const RestrictionPeriod* RestrictionAt(const std::vector<RestrictionPeriod>& periods,
                                       std::string_view purpose, int64_t t_us);

// "May recipient R receive data categories D about subject S for purpose P at time T?"
struct ConsentQuestion {
  std::string subject;
  std::string recipient;
  std::vector<std::string> data_categories;
  std::string purpose;
  int64_t at_us = 0;
};

enum class ConsentAnswer {
  kAllowed,
  kNoConsent,  // no consent given by T (none at all, or all given later)
  kRefused,    // the participant refused, and nothing was given
  kWithdrawn,  // the covering consent was withdrawn, effective `since_us`
  kRevoked,
  kInvalidated,
  kReplaced,             // replaced by `replaced_by`, which does not cover the question
  kExpired,              // the covering consent expired at `since_us`
  kRecipientNotCovered,  // consents are in force, but none names the recipient
  kPurposeNotCovered,    // ... none for this purpose and recipient
  kCategoryNotCovered,   // ... none covers every category; `missing` lists the ones short
  kRestricted,           // processing for the purpose is restricted since `since_us`
  kErased,               // the subject was shredded
};
std::string_view ConsentAnswerName(ConsentAnswer a);

struct ConsentDecision {
  ConsentAnswer answer = ConsentAnswer::kNoConsent;
  bool allowed() const { return answer == ConsentAnswer::kAllowed; }
  // Allowed: every consent in force at T that covers the question, sorted. Refused: the consent
  // the reason is about (empty when none).
  std::vector<std::string> consent_ids;
  int64_t since_us = 0;              // see ConsentAnswer
  std::string replaced_by;           // kReplaced
  std::vector<std::string> missing;  // kCategoryNotCovered
};

// The decision from a subject's consents and restrictions (docs/privacy.md gives the order in
// which reasons are chosen).
ConsentDecision DecideConsent(const std::vector<ConsentFacts>& consents,
                              const std::vector<RestrictionPeriod>& restrictions,
                              const ConsentQuestion& question);

}  // namespace ledger

#endif  // LEDGER_CONSENT_H_
