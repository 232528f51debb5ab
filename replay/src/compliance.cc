// The compliance projection: what each event does to the state (compliance_state.h). Bytes in
// compliance_state.cc, the checks in compliance_report.cc.
#include "compliance_state.h"
#include "consent_events.h"
#include "enum_names.h"
#include "event_fields.h"
#include "find_by_id.h"
#include "replay/event_view.h"

namespace ledger::replay {
namespace {

using internal::FindById;
using W = schema::Event::Data::Which;
using internal::DayField;
using internal::InstantField;
using internal::TextView;

constexpr std::string_view kConsentBasis = "consent:";

bool Relevant(W type) {
  switch (type) {
    case W::CASE_OPENED:
    case W::ASSISTANCE_DECIDED:
    case W::CONDITION_SET:
    case W::CONDITION_EXEMPTED:
    case W::BREACH_NOTIFIED:
    case W::BREACH_ASSESSED:
    case W::SANCTION_IMPOSED:
    case W::AGREEMENT_SIGNED:
    case W::AGREEMENT_CLOSED:
    case W::REFERRAL_MADE:
    case W::DISCLOSURE_MADE:
      return true;
    default:
      return internal::IsConsentEvent(type);
  }
}

EventRef RefOf(const EventView& ev) {
  return EventRef{ev.seq(), std::string(TextView(ev.event().getId())), ev.occurred_at_us()};
}

// Keeps the earlier event by (occurred_at, seq).
void KeepEarliest(std::optional<EventRef>& slot, const EventView& ev) {
  if (!slot || EventKey{ev.occurred_at_us(), ev.seq()} < EventKey{slot->at_us, slot->seq}) {
    slot = RefOf(ev);
  }
}

CmpBreach& BreachFor(CmpCaseState& c, std::string_view id) {
  if (CmpBreach* b = FindById(c.breaches, id, &CmpBreach::breach_id)) return *b;
  c.breaches.push_back(CmpBreach{std::string(id), std::nullopt, std::nullopt});
  return c.breaches.back();
}

void ApplyUse(CmpCaseState& c, const EventView& ev) {
  auto d = ev.data();
  CmpUse use;
  if (ev.type() == W::REFERRAL_MADE) {
    auto r = d.getReferralMade();
    use.referral = true;
    use.use_id = std::string(TextView(r.getReferralId()));
    use.consent_id = std::string(TextView(r.getConsentId()));
  } else {
    auto x = d.getDisclosureMade();
    std::string_view basis = TextView(x.getBasis());
    if (!basis.starts_with(kConsentBasis)) {
      ++c.statute_disclosures;
      return;
    }
    use.use_id = std::string(TextView(x.getDisclosureId()));
    use.consent_id = std::string(basis.substr(kConsentBasis.size()));
    use.recipient = std::string(TextView(x.getRecipient()));
    for (auto k : x.getDataCategories()) {
      use.data_categories.emplace_back(internal::DataCategoryName(k));
    }
    use.purpose = std::string(internal::PurposeName(x.getPurpose()));
  }
  use.ref = RefOf(ev);
  c.uses.push_back(std::move(use));
}

void ApplyWithdrawal(CmpCaseState& c, const EventView& ev) {
  auto w = ev.data().getConsentWithdrawn();
  auto effective = InstantField(w.getEffectiveAt());
  if (!effective) return;
  std::string_view id = TextView(w.getConsentId());
  CmpWithdrawal* x = FindById(c.withdrawals, id, &CmpWithdrawal::consent_id);
  if (x == nullptr) {
    c.withdrawals.push_back(CmpWithdrawal{std::string(id), *effective, RefOf(ev)});
  } else if (*effective < x->effective_at_us) {
    x->effective_at_us = *effective;
    x->ref = RefOf(ev);
  }
}

}  // namespace

ComplianceProjection::ComplianceProjection() : state_(std::make_unique<State>()) {}
ComplianceProjection::~ComplianceProjection() = default;

void ComplianceProjection::Reset() { state_ = std::make_unique<State>(); }

size_t ComplianceProjection::case_count() const { return state_->cases.size(); }

void ComplianceProjection::Apply(const EventView& ev) {
  const W type = ev.type();
  if (!Relevant(type)) return;
  if (CaseSubject(ev.stream()).empty()) return;
  CmpCaseState& c = CaseFor(state_->cases, ev.stream());  // keyed by stream: exceptions name it
  auto d = ev.data();
  if (internal::IsConsentEvent(type)) {
    internal::ApplyConsentEvent(c.consents, ev);
    if (type == W::CONSENT_WITHDRAWN) ApplyWithdrawal(c, ev);
    return;
  }
  switch (type) {
    case W::CASE_OPENED: {
      auto o = d.getCaseOpened();
      auto intake = DayField(o.getIntakeDate());
      if (c.opened || !intake) return;
      c.opened = true;
      c.intake = *intake;
      c.age = o.getAgeAtIntake();
      return;
    }
    case W::ASSISTANCE_DECIDED: {
      auto a = d.getAssistanceDecided();
      std::string_view id = TextView(a.getDecisionId());
      if (FindById(c.decisions, id, &CmpDecision::decision_id)) return;
      auto outcome = a.getOutcome();
      c.decisions.push_back(CmpDecision{
          RefOf(ev), std::string(id),
          outcome == schema::DecisionOutcome::GRANTED || outcome == schema::DecisionOutcome::PARTLY,
          a.getReductionWarningGiven()});
      return;
    }
    case W::CONDITION_SET:
    case W::CONDITION_EXEMPTED: {
      std::string_view id =
          TextView(type == W::CONDITION_SET ? d.getConditionSet().getDecisionId()
                                            : d.getConditionExempted().getDecisionId());
      for (const std::string& x : c.conditioned) {
        if (x == id) return;
      }
      c.conditioned.emplace_back(id);
      return;
    }
    case W::BREACH_NOTIFIED:
      KeepEarliest(BreachFor(c, TextView(d.getBreachNotified().getBreachId())).notified, ev);
      return;
    case W::BREACH_ASSESSED: {
      auto a = d.getBreachAssessed();
      if (a.getOutcome() != schema::AssessmentOutcome::REDUCE) return;
      KeepEarliest(BreachFor(c, TextView(a.getBreachId())).reduce, ev);
      return;
    }
    case W::SANCTION_IMPOSED: {
      auto s = d.getSanctionImposed();
      std::string_view id = TextView(s.getSanctionId());
      if (FindById(c.sanctions, id, &CmpSanction::sanction_id)) return;
      c.sanctions.push_back(
          CmpSanction{RefOf(ev), std::string(id), std::string(TextView(s.getBreachId())),
                      std::string(TextView(s.getBasisDecisionId())), s.getEmergencyChecked()});
      return;
    }
    case W::AGREEMENT_SIGNED: {
      auto s = d.getAgreementSigned();
      std::string_view id = TextView(s.getAgreementId());
      auto start = DayField(s.getStart());
      auto end = DayField(s.getEnd());
      if (!start || !end || FindById(c.agreements, id, &CmpAgreement::agreement_id)) return;
      CmpAgreement a;
      a.ref = RefOf(ev);
      a.agreement_id = std::string(id);
      a.start = *start;
      a.end = *end;
      a.problems = s.getProblems().size();
      a.extension_reason = s.hasExtensionReason();
      c.agreements.push_back(std::move(a));
      return;
    }
    case W::AGREEMENT_CLOSED: {
      auto x = d.getAgreementClosed();
      CmpAgreement* a =
          FindById(c.agreements, TextView(x.getAgreementId()), &CmpAgreement::agreement_id);
      if (a == nullptr || a->closed) return;  // the ledger refuses a second closure
      a->closed = RefOf(ev);
      a->evaluation_done = x.getEvaluationDone();
      return;
    }
    case W::REFERRAL_MADE:
    case W::DISCLOSURE_MADE:
      ApplyUse(c, ev);
      return;
    default:
      return;
  }
}

}  // namespace ledger::replay
