// ReadCaseFacts: one reader per family of case events (the case itself and its follow-up,
// decisions and sanctions, activation, consent and sharing, privacy operations), each giving
// the CaseFacts of the events it knows.
#include <capnp/dynamic.h>

#include "case_facts_reader.h"
#include "ledger/time_format.h"
#include "schema_rules.h"

namespace ledger::internal {
namespace {

using W = schema::Event::Data::Which;
using Data = schema::Event::Data::Reader;

template <typename E>
std::string EnumName(E value) {
  auto enumerant = capnp::toDynamic(value).getEnumerant();
  KJ_IF_MAYBE (e, enumerant) {
    return EnumJsonName(*e);
  }
  return "unknown";
}

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

// The validator has checked every instant's format before this runs.
int64_t Instant(capnp::Text::Reader t) {
  auto us = ParseInstantMicros(t.cStr());
  return us.ok() ? *us : 0;
}

// The case itself and the follow-up observations: only the operation, and case.opened's
// values that the policy rules look up.
CaseFacts ReadCaseAndFollowUp(Data d) {
  CaseFacts f;
  switch (d.which()) {
    case W::CASE_OPENED: {
      auto o = d.getCaseOpened();
      f.op = CaseOp::kOpened;
      f.municipality = Str(o.getMunicipality());
      f.programme = Str(o.getProgramme());
      f.intake_date = Str(o.getIntakeDate());
      break;
    }
    case W::CASE_CLOSED:
      f.op = CaseOp::kClosed;
      break;
    case W::CASE_REOPENED:
      f.op = CaseOp::kReopened;
      break;
    case W::PHASE_ENTERED:
      f.op = CaseOp::kPhaseEntered;
      break;
    case W::CATEGORY_ASSIGNED:
      f.op = CaseOp::kCategoryAssigned;
      break;
    case W::STATUS_OBSERVED:
      f.op = CaseOp::kStatusObserved;
      break;
    case W::INCOME_RECORDED:
      f.op = CaseOp::kIncomeRecorded;
      break;
    default:
      break;
  }
  return f;
}

// Decisions, payments, conditions, breaches and sanctions.
CaseFacts ReadDecisionsAndSanctions(Data d) {
  CaseFacts f;
  switch (d.which()) {
    case W::ASSISTANCE_DECIDED: {
      auto a = d.getAssistanceDecided();
      f.op = CaseOp::kAssistanceDecided;
      f.id = Str(a.getDecisionId());
      f.flag = a.getOutcome() != schema::DecisionOutcome::REFUSED;
      if (a.hasConditionIds()) {
        for (auto c : a.getConditionIds()) f.ids.push_back(Str(c));
      }
      if (a.hasExemptionId()) f.ref = Str(a.getExemptionId());
      break;
    }
    case W::PAYMENT_MADE:
      f.op = CaseOp::kPaymentMade;
      f.ref = Str(d.getPaymentMade().getDecisionId());
      break;
    case W::CONDITION_SET:
      f.op = CaseOp::kConditionSet;
      f.id = Str(d.getConditionSet().getConditionId());
      f.ref = Str(d.getConditionSet().getDecisionId());
      break;
    case W::CONDITION_EXEMPTED:
      f.op = CaseOp::kConditionExempted;
      f.id = Str(d.getConditionExempted().getExemptionId());
      f.ref = Str(d.getConditionExempted().getDecisionId());
      break;
    case W::CONDITION_BREACHED:
      f.op = CaseOp::kConditionBreached;
      f.id = Str(d.getConditionBreached().getBreachId());
      f.ref = Str(d.getConditionBreached().getConditionId());
      break;
    case W::BREACH_NOTIFIED:
      f.op = CaseOp::kBreachNotified;
      f.id = Str(d.getBreachNotified().getBreachId());
      break;
    case W::BREACH_ASSESSED:
      f.op = CaseOp::kBreachAssessed;
      f.id = Str(d.getBreachAssessed().getBreachId());
      break;
    case W::SANCTION_IMPOSED:
      f.op = CaseOp::kSanctionImposed;
      f.id = Str(d.getSanctionImposed().getSanctionId());
      f.ref = Str(d.getSanctionImposed().getBreachId());
      f.basis_decision = Str(d.getSanctionImposed().getBasisDecisionId());
      break;
    case W::SANCTION_LIFTED:
      f.op = CaseOp::kSanctionLifted;
      f.id = Str(d.getSanctionLifted().getSanctionId());
      break;
    case W::SANCTION_APPEALED:
      f.op = CaseOp::kSanctionAppealed;
      f.id = Str(d.getSanctionAppealed().getSanctionId());
      break;
    case W::APPEAL_DECIDED:
      f.op = CaseOp::kAppealDecided;
      f.id = Str(d.getAppealDecided().getSanctionId());
      break;
    default:
      break;
  }
  return f;
}

// Courses, plans and agreements.
CaseFacts ReadActivation(Data d) {
  CaseFacts f;
  switch (d.which()) {
    case W::COURSE_ENROLLED:
      f.op = CaseOp::kCourseEnrolled;
      f.id = Str(d.getCourseEnrolled().getCourseId());
      break;
    case W::COURSE_ATTENDED:
      f.op = CaseOp::kCourseAttended;
      f.id = Str(d.getCourseAttended().getCourseId());
      break;
    case W::COURSE_ENDED:
      f.op = CaseOp::kCourseEnded;
      f.id = Str(d.getCourseEnded().getCourseId());
      break;
    case W::PLAN_RECORDED:
      f.op = CaseOp::kPlanRecorded;
      f.id = Str(d.getPlanRecorded().getPlanId());
      break;
    case W::AGREEMENT_SIGNED: {
      auto a = d.getAgreementSigned();
      f.op = CaseOp::kAgreementSigned;
      f.id = Str(a.getAgreementId());
      for (auto p : a.getProblems()) f.problems.push_back(Str(p.getProblemId()));
      for (auto t : a.getTasks()) f.tasks.emplace_back(Str(t.getTaskId()), Str(t.getProblemId()));
      break;
    }
    case W::AGREEMENT_TASK_REVIEWED:
      f.op = CaseOp::kTaskReviewed;
      f.id = Str(d.getAgreementTaskReviewed().getAgreementId());
      f.ref = Str(d.getAgreementTaskReviewed().getTaskId());
      break;
    case W::AGREEMENT_PROBLEM_EVALUATED:
      f.op = CaseOp::kProblemEvaluated;
      f.id = Str(d.getAgreementProblemEvaluated().getAgreementId());
      f.ref = Str(d.getAgreementProblemEvaluated().getProblemId());
      break;
    case W::AGREEMENT_CLOSED:
      f.op = CaseOp::kAgreementClosed;
      f.id = Str(d.getAgreementClosed().getAgreementId());
      break;
    default:
      break;
  }
  return f;
}

// consent.given: its id, the consent it replaces, and its scope and expiry.
CaseFacts ReadConsentGiven(schema::ConsentGiven::Reader g, int64_t occurred_at_us) {
  CaseFacts f;
  f.op = CaseOp::kConsentGiven;
  f.id = Str(g.getConsentId());
  if (g.hasReplaces()) f.ref = Str(g.getReplaces());
  ConsentFacts& c = f.consent;
  c.consent_id = f.id;
  c.given = true;
  c.given_at_us = occurred_at_us;
  c.expires_at_us = Instant(g.getExpiresAt());
  for (auto p : g.getPurposes()) c.purposes.push_back(EnumName(p));
  for (auto r : g.getRecipients()) c.recipients.push_back(Str(r));
  for (auto k : g.getDataCategories()) c.data_categories.push_back(EnumName(k));
  return f;
}

// Consents after they were given, referrals and disclosures.
CaseFacts ReadConsentAndSharing(Data d) {
  CaseFacts f;
  switch (d.which()) {
    case W::CONSENT_RENEWED:
      f.op = CaseOp::kConsentRenewed;
      f.id = Str(d.getConsentRenewed().getConsentId());
      f.instant_us = Instant(d.getConsentRenewed().getExpiresAt());
      break;
    case W::CONSENT_WITHDRAWN:
      f.op = CaseOp::kConsentWithdrawn;
      f.id = Str(d.getConsentWithdrawn().getConsentId());
      f.instant_us = Instant(d.getConsentWithdrawn().getEffectiveAt());
      break;
    case W::CONSENT_REFUSED:
      f.op = CaseOp::kConsentRefused;
      f.id = Str(d.getConsentRefused().getConsentId());
      break;
    case W::CONSENT_REVOKED:
      f.op = CaseOp::kConsentRevoked;
      f.id = Str(d.getConsentRevoked().getConsentId());
      break;
    case W::CONSENT_INVALIDATED:
      f.op = CaseOp::kConsentInvalidated;
      f.id = Str(d.getConsentInvalidated().getConsentId());
      break;
    case W::REFERRAL_MADE:
      f.op = CaseOp::kReferralMade;
      f.id = Str(d.getReferralMade().getReferralId());
      f.ref = Str(d.getReferralMade().getConsentId());
      f.purpose = "referral_committee";
      break;
    case W::DISCLOSURE_MADE: {
      auto m = d.getDisclosureMade();
      f.op = CaseOp::kDisclosureMade;
      f.id = Str(m.getDisclosureId());
      std::string basis = Str(m.getBasis());
      if (basis.starts_with("consent:")) f.ref = basis.substr(8);
      f.purpose = EnumName(m.getPurpose());
      break;
    }
    case W::REFERRAL_RECOMMENDED:
      f.op = CaseOp::kReferralRecommended;
      f.id = Str(d.getReferralRecommended().getReferralId());
      break;
    default:
      break;
  }
  return f;
}

// Erasure requests and decisions, shredding, restriction of processing.
CaseFacts ReadPrivacyOperation(Data d) {
  CaseFacts f;
  switch (d.which()) {
    case W::ERASURE_REQUESTED:
      f.op = CaseOp::kErasureRequested;
      f.id = Str(d.getErasureRequested().getRequestId());
      break;
    case W::ERASURE_DECIDED:
      f.op = CaseOp::kErasureDecided;
      f.id = Str(d.getErasureDecided().getRequestId());
      f.flag = d.getErasureDecided().getDecision() == schema::ErasureDecision::GRANTED;
      break;
    case W::SUBJECT_SHREDDED: {
      auto s = d.getSubjectShredded();
      f.op = CaseOp::kSubjectShredded;
      f.flag = s.hasRequestId();
      if (s.hasRequestId()) f.id = Str(s.getRequestId());
      if (s.hasRetentionRule()) f.retention_rule = Str(s.getRetentionRule());
      break;
    }
    case W::PROCESSING_RESTRICTED:
      f.op = CaseOp::kProcessingRestricted;
      f.purpose = EnumName(d.getProcessingRestricted().getPurpose());
      break;
    case W::PROCESSING_UNRESTRICTED:
      f.op = CaseOp::kProcessingUnrestricted;
      f.purpose = EnumName(d.getProcessingUnrestricted().getPurpose());
      break;
    default:
      break;
  }
  return f;
}

}  // namespace

CaseFacts ReadCaseFacts(schema::Event::Reader ev, int64_t occurred_at_us) {
  const Data d = ev.getData();
  switch (d.which()) {
    case W::CASE_OPENED:
    case W::CASE_CLOSED:
    case W::CASE_REOPENED:
    case W::PHASE_ENTERED:
    case W::CATEGORY_ASSIGNED:
    case W::STATUS_OBSERVED:
    case W::INCOME_RECORDED:
      return ReadCaseAndFollowUp(d);
    case W::ASSISTANCE_DECIDED:
    case W::PAYMENT_MADE:
    case W::CONDITION_SET:
    case W::CONDITION_EXEMPTED:
    case W::CONDITION_BREACHED:
    case W::BREACH_NOTIFIED:
    case W::BREACH_ASSESSED:
    case W::SANCTION_IMPOSED:
    case W::SANCTION_LIFTED:
    case W::SANCTION_APPEALED:
    case W::APPEAL_DECIDED:
      return ReadDecisionsAndSanctions(d);
    case W::COURSE_ENROLLED:
    case W::COURSE_ATTENDED:
    case W::COURSE_ENDED:
    case W::PLAN_RECORDED:
    case W::AGREEMENT_SIGNED:
    case W::AGREEMENT_TASK_REVIEWED:
    case W::AGREEMENT_PROBLEM_EVALUATED:
    case W::AGREEMENT_CLOSED:
      return ReadActivation(d);
    case W::CONSENT_GIVEN:
      return ReadConsentGiven(d.getConsentGiven(), occurred_at_us);
    case W::CONSENT_RENEWED:
    case W::CONSENT_WITHDRAWN:
    case W::CONSENT_REFUSED:
    case W::CONSENT_REVOKED:
    case W::CONSENT_INVALIDATED:
    case W::REFERRAL_MADE:
    case W::DISCLOSURE_MADE:
    case W::REFERRAL_RECOMMENDED:
      return ReadConsentAndSharing(d);
    case W::ERASURE_REQUESTED:
    case W::ERASURE_DECIDED:
    case W::SUBJECT_SHREDDED:
    case W::PROCESSING_RESTRICTED:
    case W::PROCESSING_UNRESTRICTED:
      return ReadPrivacyOperation(d);
    default:
      return CaseFacts{};
  }
}

}  // namespace ledger::internal
