// The compliance projection's state (private to compliance*.cc): per case stream, the facts
// the checks read, each with the event that established it (seq, event id, occurred_at) so that
// an exception can name it. Lists keep log order; ids are unique within a stream (the ledger
// refuses a reused id), and a repeated creation is ignored.
#ifndef REPLAY_SRC_COMPLIANCE_STATE_H_
#define REPLAY_SRC_COMPLIANCE_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "event_key.h"
#include "replay/compliance.h"
#include "replay/consent.h"

namespace ledger::replay {

struct EventRef {
  uint64_t seq = 0;
  std::string event_id;
  int64_t at_us = 0;  // occurred_at
};

struct CmpDecision {
  EventRef ref;
  std::string decision_id;
  bool granted = false;  // outcome granted or partly
  bool reduction_warning = false;
};

struct CmpBreach {
  std::string breach_id;
  std::optional<EventRef> notified;  // the earliest breach.notified by occurred_at
  std::optional<EventRef> reduce;    // the earliest breach.assessed with outcome reduce
};

struct CmpSanction {
  EventRef ref;
  std::string sanction_id;
  std::string breach_id;
  std::string basis_decision_id;
  bool emergency_checked = false;
};

struct CmpAgreement {
  EventRef ref;
  std::string agreement_id;
  int32_t start = 0, end = 0;  // days
  uint32_t problems = 0;
  bool extension_reason = false;
  std::optional<EventRef> closed;  // the first agreement.closed in the log
  bool evaluation_done = false;
};

// A referral (consent_id from the event) or a disclosure with basis consent:<id>.
struct CmpUse {
  EventRef ref;
  bool referral = false;
  std::string use_id;  // referral_id or disclosure_id
  std::string consent_id;
  std::string recipient;  // disclosures
  std::vector<std::string> data_categories;
  std::string purpose;
};

// The earliest-effective withdrawal of a consent, as an event (C2 names it).
struct CmpWithdrawal {
  std::string consent_id;
  int64_t effective_at_us = 0;
  EventRef ref;
};

struct CmpCaseState {
  bool opened = false;
  int32_t intake = 0;  // day
  uint8_t age = 0;     // age_at_intake
  std::vector<CmpDecision> decisions;
  std::vector<std::string> conditioned;  // decision ids named by condition.set or .exempted
  std::vector<CmpBreach> breaches;
  std::vector<CmpSanction> sanctions;
  std::vector<CmpAgreement> agreements;
  std::vector<ConsentFacts> consents;
  std::vector<CmpWithdrawal> withdrawals;
  std::vector<CmpUse> uses;
  uint64_t statute_disclosures = 0;
};

struct ComplianceProjection::State {
  std::unordered_map<std::string, CmpCaseState, SubjectHash, std::equal_to<>> cases;
};

}  // namespace ledger::replay

#endif  // REPLAY_SRC_COMPLIANCE_STATE_H_
