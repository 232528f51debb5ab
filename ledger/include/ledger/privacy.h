// Personal values, consent, retention and erasure of an open ledger (Ledger::privacy(),
// docs/privacy.md): who may read the values sealed in the vault, what the kept consent state
// decides, the policy erasure decisions and shreddings are checked against, and making what
// a shredding deleted physically gone from the files.
//
// Thread safety: all methods may be called from any thread.
#ifndef LEDGER_PRIVACY_H_
#define LEDGER_PRIVACY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/consent.h"
#include "ledger/policy.h"
#include "ledger/types.h"

namespace ledger {

namespace internal {
class LedgerState;
}  // namespace internal

// What erasure still has to do in the files (docs/privacy.md, "What erasure does").
struct ErasurePurgeState {
  // Shreddings whose deleted records may still be in the data directory's files.
  uint64_t pending = 0;
  // Purges this process has run.
  uint64_t passes = 0;
  // Of the last purge: OK if it finished (or none ran); else why not (it is retried).
  Status last_error;
};

// The personal values of one event, as a reader allowed to see them gets them.
struct PersonalValues {
  enum class State {
    kNone,     // the event carries no personal values
    kPresent,  // `values` holds them
    kErased,   // the subject was shredded: the values and their key are gone
  };
  State state = State::kNone;
  std::vector<Disclosure> values;
};

// What the ledger keeps about one subject's consents (consent.h), for decisions and display.
struct SubjectConsents {
  std::string subject;
  bool shredded = false;
  bool closed = false;
  std::vector<ConsentFacts> consents;
  std::vector<RestrictionPeriod> restrictions;
};

// A closed case's standing under the retention policy (LedgerPolicy) at some moment.
struct RetentionStanding {
  std::string subject;
  int64_t closed_at_us = 0;
  std::string archive_rule;  // non-empty: the archive duty keeps it
  std::string due_rule;      // non-empty: this retention rule allows shredding it now
  std::string reason;        // why not, when neither
};

// The privacy side of one open ledger; owned by its Ledger and valid as long as it.
class PersonalData {
 public:
  PersonalData(const PersonalData&) = delete;
  PersonalData& operator=(const PersonalData&) = delete;

  // The personal values of the event at `seq`, for the reader holding the registered key
  // `reader_key_id` (4 bytes): a dpo, or a caseworker whose scope covers the stream. Any other
  // reader gets PermissionDenied (auditors and services see the digests only). Needs the
  // master key (FailedPrecondition without it).
  Result<PersonalValues> ReadPersonal(uint64_t seq, std::string_view reader_key_id);
  // The consent facts and restrictions the ledger keeps for `subject` (NotFound: no case).
  Result<SubjectConsents> Consents(std::string_view subject);
  // "May R receive D about S for purpose P at T?" from the kept state.
  Result<ConsentDecision> DecideConsent(const ConsentQuestion& question);
  // The policy later erasure decisions and shreddings are checked against.
  LedgerPolicy PrivacyPolicy();
  // Replaces the policy (durably). Only an admin may: `admin_key_id` must be a registered,
  // unrevoked admin key.
  Status SetPrivacyPolicy(const LedgerPolicy& policy, std::string_view admin_key_id);
  // Every closed, unshredded case and whether the policy lets it be shredded at `now_us`.
  Result<std::vector<RetentionStanding>> RetentionReview(int64_t now_us);
  // Flushes, then compacts every file, so that what was deleted (shredded subjects' keys and
  // values) is physically gone from the data directory.
  Status Compact();
  // Makes every shredding committed so far physically reach the files now, and waits: OK once
  // no deleted key or value of a shredded subject is left in any file of the data directory
  // (nor in a write-ahead log). The ledger also does this by itself after every shredding
  // (LedgerOptions::erasure_purge_delay_ms), whatever path appended it. Unavailable when a
  // reader still holds a replaced file (the purge is retried); FailedPrecondition read-only.
  Status PurgeErased();
  ErasurePurgeState ErasurePurge();

 private:
  friend class Ledger;
  explicit PersonalData(internal::LedgerState* state) : state_(state) {}

  internal::LedgerState* const state_;  // owned by the Ledger
};

}  // namespace ledger

#endif  // LEDGER_PRIVACY_H_
