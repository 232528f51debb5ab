// The caseload projection: what each event does to the state (caseload_state.h). The state's
// bytes are written and read in caseload_state.cc; the report is made in caseload_report.cc.
#include <algorithm>
#include <optional>

#include "caseload_state.h"
#include "enum_names.h"
#include "ledger/time_format.h"
#include "replay/event_view.h"

namespace ledger::replay {
namespace {

using W = schema::Event::Data::Which;

std::string_view AsView(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

std::optional<int32_t> Day(capnp::Text::Reader t) {
  auto d = ParseDate(AsView(t));
  if (!d.ok()) return std::nullopt;
  return static_cast<int32_t>(DaysFromCivil(*d));
}

std::optional<int64_t> Instant(capnp::Text::Reader t) {
  auto us = ParseInstantMicros(AsView(t));
  if (!us.ok()) return std::nullopt;
  return *us;
}

// The event types the caseload reads; everything else is skipped before any lookup.
bool Relevant(W type) {
  switch (type) {
    case W::CASE_OPENED:
    case W::CASE_CLOSED:
    case W::CASE_REOPENED:
    case W::PHASE_ENTERED:
    case W::CATEGORY_ASSIGNED:
    case W::STATUS_OBSERVED:
    case W::INCOME_RECORDED:
    case W::CONSENT_GIVEN:
    case W::CONSENT_RENEWED:
    case W::CONSENT_WITHDRAWN:
    case W::CONSENT_REFUSED:
    case W::CONSENT_REVOKED:
    case W::CONSENT_INVALIDATED:
    case W::AGREEMENT_SIGNED:
    case W::AGREEMENT_TASK_REVIEWED:
    case W::AGREEMENT_CLOSED:
    case W::SANCTION_IMPOSED:
    case W::SANCTION_LIFTED:
    case W::SANCTION_APPEALED:
    case W::APPEAL_DECIDED:
    case W::CONDITION_SET:
    case W::CONDITION_EXEMPTED:
    case W::PROCESSING_RESTRICTED:
    case W::PROCESSING_UNRESTRICTED:
    case W::SUBJECT_SHREDDED:
      return true;
    default:
      return false;
  }
}

template <typename T>
T* FindById(std::vector<T>& list, std::string_view id, std::string T::*field) {
  for (T& x : list) {
    if (x.*field == id) return &x;
  }
  return nullptr;
}

ConsentFacts& ConsentFor(CaseloadCaseState& c, std::string_view id) {
  for (ConsentFacts& f : c.consents) {
    if (f.consent_id == id) return f;
  }
  c.consents.emplace_back();
  c.consents.back().consent_id = std::string(id);
  return c.consents.back();
}

void SetOpen(CaseloadCaseState& c, bool open, const EventKey& key) {
  if (key > c.open_key) {
    c.open = open;
    c.open_key = key;
  }
}

void ApplyConsent(CaseloadCaseState& c, const EventView& ev, const EventKey& key) {
  auto d = ev.data();
  switch (ev.type()) {
    case W::CONSENT_GIVEN: {
      auto g = d.getConsentGiven();
      auto expires = Instant(g.getExpiresAt());
      if (!expires) return;
      ConsentFacts& f = ConsentFor(c, AsView(g.getConsentId()));
      if (f.given) return;  // an id is given once; a repeat changes nothing
      f.given = true;
      f.given_at_us = ev.occurred_at_us();
      f.expires_at_us = *expires;
      for (auto p : g.getPurposes()) f.purposes.emplace_back(internal::PurposeName(p));
      for (auto r : g.getRecipients()) f.recipients.emplace_back(AsView(r));
      for (auto k : g.getDataCategories()) {
        f.data_categories.emplace_back(internal::DataCategoryName(k));
      }
      if (g.hasReplaces()) {
        ConsentFor(c, AsView(g.getReplaces())).Replace(ev.occurred_at_us(), f.consent_id);
      }
      return;
    }
    case W::CONSENT_RENEWED: {
      auto r = d.getConsentRenewed();
      auto expires = Instant(r.getExpiresAt());
      if (!expires) return;
      ConsentFor(c, AsView(r.getConsentId()))
          .renewals.push_back(ConsentRenewal{key.at_us, key.seq, *expires});
      return;
    }
    case W::CONSENT_WITHDRAWN: {
      auto w = d.getConsentWithdrawn();
      auto effective = Instant(w.getEffectiveAt());
      if (!effective) return;
      ConsentFor(c, AsView(w.getConsentId())).Withdraw(*effective);
      return;
    }
    case W::CONSENT_REFUSED: {
      ConsentFacts& f = ConsentFor(c, AsView(d.getConsentRefused().getConsentId()));
      if (!f.refused) f.refused_at_us = key.at_us;
      f.refused = true;
      return;
    }
    case W::CONSENT_REVOKED:
      ConsentFor(c, AsView(d.getConsentRevoked().getConsentId())).Revoke(key.at_us);
      return;
    case W::CONSENT_INVALIDATED:
      ConsentFor(c, AsView(d.getConsentInvalidated().getConsentId())).Invalidate(key.at_us);
      return;
    default:
      return;
  }
}

void ApplyAgreement(CaseloadCaseState& c, const EventView& ev, const EventKey& key) {
  auto d = ev.data();
  switch (ev.type()) {
    case W::AGREEMENT_SIGNED: {
      auto s = d.getAgreementSigned();
      std::string_view id = AsView(s.getAgreementId());
      auto start = Day(s.getStart());
      auto end = Day(s.getEnd());
      if (!start || !end || FindById(c.agreements, id, &CaseloadAgreementState::agreement_id)) {
        return;
      }
      CaseloadAgreementState a;
      a.agreement_id = std::string(id);
      a.start = *start;
      a.end = *end;
      a.extension_reason = s.hasExtensionReason();
      for (auto t : s.getTasks()) {
        auto due = Day(t.getDue());
        if (!due) continue;
        a.tasks.push_back(CaseloadTask{std::string(AsView(t.getTaskId())), *due, -1, {}});
      }
      c.agreements.push_back(std::move(a));
      return;
    }
    case W::AGREEMENT_TASK_REVIEWED: {
      auto r = d.getAgreementTaskReviewed();
      auto* a =
          FindById(c.agreements, AsView(r.getAgreementId()), &CaseloadAgreementState::agreement_id);
      if (a == nullptr) return;
      auto* t = FindById(a->tasks, AsView(r.getTaskId()), &CaseloadTask::task_id);
      if (t == nullptr || !(key > t->reviewed)) return;
      t->status = static_cast<int8_t>(r.getStatus());
      t->reviewed = key;
      return;
    }
    case W::AGREEMENT_CLOSED: {
      std::string_view id = AsView(d.getAgreementClosed().getAgreementId());
      std::erase_if(c.agreements,
                    [&](const CaseloadAgreementState& a) { return a.agreement_id == id; });
      return;
    }
    default:
      return;
  }
}

void ApplySanction(CaseloadCaseState& c, const EventView& ev) {
  auto d = ev.data();
  auto erase = [&](std::string_view id) {
    std::erase_if(c.sanctions, [&](const CaseloadSanctionState& s) { return s.sanction_id == id; });
  };
  switch (ev.type()) {
    case W::SANCTION_IMPOSED: {
      auto s = d.getSanctionImposed();
      std::string_view id = AsView(s.getSanctionId());
      auto from = Day(s.getFrom());
      auto to = Day(s.getTo());
      if (!from || !to || FindById(c.sanctions, id, &CaseloadSanctionState::sanction_id)) return;
      CaseloadSanctionState x;
      x.sanction_id = std::string(id);
      x.from = *from;
      x.to = *to;
      // Optional numbers are absent when zero; the validator requires exactly one non-zero.
      if (s.getReductionNok() != 0) {
        x.reduction_kind = 1;
        x.reduction = s.getReductionNok();
      } else if (s.getReductionPct() != 0) {
        x.reduction_kind = 2;
        x.reduction = s.getReductionPct();
      }
      c.sanctions.push_back(std::move(x));
      return;
    }
    case W::SANCTION_LIFTED:
      erase(AsView(d.getSanctionLifted().getSanctionId()));
      return;
    case W::SANCTION_APPEALED: {
      auto* s = FindById(c.sanctions, AsView(d.getSanctionAppealed().getSanctionId()),
                         &CaseloadSanctionState::sanction_id);
      if (s) s->appeal_pending = true;
      return;
    }
    case W::APPEAL_DECIDED: {
      auto a = d.getAppealDecided();
      std::string_view id = AsView(a.getSanctionId());
      if (a.getOutcome() == schema::AppealOutcome::ANNULLED) {
        erase(id);
        return;
      }
      auto* s = FindById(c.sanctions, id, &CaseloadSanctionState::sanction_id);
      if (s) s->appeal_pending = false;
      return;
    }
    default:
      return;
  }
}

}  // namespace

CaseloadProjection::CaseloadProjection() : state_(std::make_unique<State>()) {}
CaseloadProjection::~CaseloadProjection() = default;

void CaseloadProjection::Reset() { state_ = std::make_unique<State>(); }

size_t CaseloadProjection::case_count() const { return state_->cases.size(); }

void CaseloadProjection::Apply(const EventView& ev) {
  const W type = ev.type();
  if (!Relevant(type)) return;
  std::string_view stream = ev.stream();
  if (!stream.starts_with("case/")) return;
  std::string_view subject = stream.substr(5);
  auto it = state_->cases.find(subject);
  if (it == state_->cases.end()) {
    it = state_->cases.try_emplace(std::string(subject)).first;
  }
  CaseloadCaseState& c = it->second;
  if (c.shredded) return;  // the ledger refuses events after subject.shredded
  const EventKey key{ev.occurred_at_us(), ev.seq()};
  auto d = ev.data();
  switch (type) {
    case W::CASE_OPENED: {
      auto o = d.getCaseOpened();
      auto intake = Day(o.getIntakeDate());
      if (c.opened || !intake) return;
      c.opened = true;
      c.office = std::string(AsView(o.getOffice()));
      c.municipality = std::string(AsView(o.getMunicipality()));
      c.intake_date = *intake;
      SetOpen(c, true, key);
      return;
    }
    case W::CASE_CLOSED:
      SetOpen(c, false, key);
      return;
    case W::CASE_REOPENED:
      SetOpen(c, true, key);
      return;
    case W::PHASE_ENTERED:
      if (key > c.phase_key) {
        c.phase = static_cast<int8_t>(d.getPhaseEntered().getPhase());
        c.phase_key = key;
      }
      return;
    case W::CATEGORY_ASSIGNED: {
      auto a = d.getCategoryAssigned();
      auto from = Day(a.getValidFrom());
      if (!from || a.getCategory() < 1 || a.getCategory() > 4) return;
      c.categories.push_back(CaseloadCategory{*from, key, a.getCategory()});
      return;
    }
    case W::STATUS_OBSERVED: {
      auto s = d.getStatusObserved();
      auto as_of = Day(s.getAsOf());
      if (!as_of) return;
      int8_t status = static_cast<int8_t>(s.getStatus());
      // Latest as_of; on the same day the order work_full > work_part > ... > other, which is
      // the enumerant order (indicators.md, "Status at date t").
      if (c.status < 0 || *as_of > c.status_as_of ||
          (*as_of == c.status_as_of && status < c.status)) {
        c.status = status;
        c.status_as_of = *as_of;
      }
      return;
    }
    case W::INCOME_RECORDED: {
      auto r = d.getIncomeRecorded();
      auto as_of = Day(r.getAsOf());
      if (!as_of) return;
      // Latest as_of; on the same day the later event (business time, then log order).
      if (c.income < 0 || *as_of > c.income_as_of ||
          (*as_of == c.income_as_of && key > c.income_key)) {
        c.income = static_cast<int8_t>(r.getMainSource());
        c.income_as_of = *as_of;
        c.income_key = key;
      }
      return;
    }
    case W::CONDITION_SET: {
      auto s = d.getConditionSet();
      std::string_view id = AsView(s.getConditionId());
      auto start = Day(s.getStart());
      auto end = Day(s.getEnd());
      if (!start || !end || FindById(c.conditions, id, &CaseloadConditionState::condition_id)) {
        return;
      }
      c.conditions.push_back(CaseloadConditionState{std::string(id),
                                                    static_cast<uint8_t>(s.getActivity()), *start,
                                                    *end, s.getHoursPerWeek()});
      return;
    }
    case W::CONDITION_EXEMPTED: {
      auto e = d.getConditionExempted();
      std::string_view id = AsView(e.getExemptionId());
      auto review = Day(e.getReviewDate());
      if (!review || FindById(c.exemptions, id, &CaseloadExemptionState::exemption_id)) return;
      c.exemptions.push_back(
          CaseloadExemptionState{std::string(id), static_cast<uint8_t>(e.getGround()), *review});
      return;
    }
    case W::PROCESSING_RESTRICTED:
    case W::PROCESSING_UNRESTRICTED: {
      unsigned p = static_cast<unsigned>(type == W::PROCESSING_RESTRICTED
                                             ? d.getProcessingRestricted().getPurpose()
                                             : d.getProcessingUnrestricted().getPurpose());
      if (p >= internal::kPurposeCount || !(key > c.restriction_keys[p])) return;
      c.restriction_keys[p] = key;
      if (type == W::PROCESSING_RESTRICTED) {
        c.restricted |= static_cast<uint8_t>(1u << p);
      } else {
        c.restricted &= static_cast<uint8_t>(~(1u << p));
      }
      return;
    }
    case W::SUBJECT_SHREDDED: {
      // The person is erased: keep only the fact, so that nothing about them is reported.
      CaseloadCaseState shredded;
      shredded.opened = c.opened;
      shredded.shredded = true;
      c = std::move(shredded);
      return;
    }
    case W::CONSENT_GIVEN:
    case W::CONSENT_RENEWED:
    case W::CONSENT_WITHDRAWN:
    case W::CONSENT_REFUSED:
    case W::CONSENT_REVOKED:
    case W::CONSENT_INVALIDATED:
      ApplyConsent(c, ev, key);
      return;
    case W::AGREEMENT_SIGNED:
    case W::AGREEMENT_TASK_REVIEWED:
    case W::AGREEMENT_CLOSED:
      ApplyAgreement(c, ev, key);
      return;
    case W::SANCTION_IMPOSED:
    case W::SANCTION_LIFTED:
    case W::SANCTION_APPEALED:
    case W::APPEAL_DECIDED:
      ApplySanction(c, ev);
      return;
    default:
      return;
  }
}

}  // namespace ledger::replay
