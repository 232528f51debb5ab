// What one case event does to its stream's state, read from the event on the appender's thread
// (PrepareEvent) so that the single writer only compares ids: the id it creates or acts on, the
// ids it refers to, and the few values the rules and the consent decision need.
#ifndef LEDGER_SRC_CASE_FACTS_H_
#define LEDGER_SRC_CASE_FACTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ledger/consent.h"

namespace ledger::internal {

enum class CaseOp : uint8_t {
  kNone,  // not a case event (keys, releases)
  kOpened,
  kClosed,
  kReopened,
  kAssistanceDecided,
  kPaymentMade,
  kConditionSet,
  kConditionExempted,
  kConditionBreached,
  kBreachNotified,
  kBreachAssessed,
  kSanctionImposed,
  kSanctionLifted,
  kSanctionAppealed,
  kAppealDecided,
  kPhaseEntered,
  kCourseEnrolled,
  kCourseAttended,
  kCourseEnded,
  kCategoryAssigned,
  kPlanRecorded,
  kAgreementSigned,
  kTaskReviewed,
  kProblemEvaluated,
  kAgreementClosed,
  kConsentGiven,
  kConsentRenewed,
  kConsentWithdrawn,
  kConsentRefused,
  kConsentRevoked,
  kConsentInvalidated,
  kReferralMade,
  kReferralRecommended,
  kDisclosureMade,
  kStatusObserved,
  kIncomeRecorded,
  kErasureRequested,
  kErasureDecided,
  kSubjectShredded,
  kProcessingRestricted,
  kProcessingUnrestricted,
};

struct CaseFacts {
  CaseOp op = CaseOp::kNone;
  // The id the event creates or acts on (decision_id of assistance.decided, condition_id of
  // condition.set, agreement_id of agreement.task_reviewed, request_id, ...).
  std::string id;
  // The id it refers to: the decision of a payment, condition or exemption; the condition of
  // a breach; the breach of a sanction; the task or problem of a review or evaluation; the
  // consent of a referral or consent-based disclosure; the consent a consent.given replaces.
  std::string ref;
  std::string basis_decision;         // sanction.imposed
  std::vector<std::string> ids;       // assistance.decided condition_ids (+ exemption_id)
  std::vector<std::string> problems;  // agreement.signed problem ids
  std::vector<std::pair<std::string, std::string>> tasks;  // agreement.signed (task, problem)
  bool flag = false;    // assistance granted or partly; erasure granted; request-based shredding
  std::string purpose;  // restriction, disclosure (consent purpose code)
  std::string retention_rule;                        // subject.shredded by a retention rule
  std::string municipality, programme, intake_date;  // case.opened
  int64_t instant_us = 0;  // consent.renewed expires_at; consent.withdrawn effective_at
  ConsentFacts consent;    // consent.given: scope and expiry
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CASE_FACTS_H_
