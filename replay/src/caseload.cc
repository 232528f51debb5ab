// The caseload projection: what each event does to the state (caseload_state.h). The state's
// bytes are written and read in caseload_state.cc; the report is made in caseload_report.cc.
#include <algorithm>
#include <optional>

#include "caseload_state.h"
#include "consent_events.h"
#include "enum_names.h"
#include "event_fields.h"
#include "find_by_id.h"
#include "ledger/time_format.h"
#include "replay/event_view.h"

namespace ledger::replay {
namespace {

using W = schema::Event::Data::Which;
using internal::FindById;

using internal::DayField;
using internal::InstantField;
using internal::TextView;

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
      return internal::IsConsentEvent(type);
  }
}

void SetOpen(CaseloadCaseState& c, bool open, const EventKey& key) {
  if (key > c.open_key) {
    c.open = open;
    c.open_key = key;
  }
}

void ApplyAgreement(CaseloadCaseState& c, const EventView& ev, const EventKey& key) {
  auto d = ev.data();
  switch (ev.type()) {
    case W::AGREEMENT_SIGNED: {
      auto s = d.getAgreementSigned();
      std::string_view id = TextView(s.getAgreementId());
      auto start = DayField(s.getStart());
      auto end = DayField(s.getEnd());
      if (!start || !end || FindById(c.agreements, id, &CaseloadAgreementState::agreement_id)) {
        return;
      }
      CaseloadAgreementState a;
      a.agreement_id = std::string(id);
      a.start = *start;
      a.end = *end;
      a.extension_reason = s.hasExtensionReason();
      for (auto t : s.getTasks()) {
        auto due = DayField(t.getDue());
        if (!due) continue;
        a.tasks.push_back(CaseloadTask{std::string(TextView(t.getTaskId())), *due, -1, {}});
      }
      c.agreements.push_back(std::move(a));
      return;
    }
    case W::AGREEMENT_TASK_REVIEWED: {
      auto r = d.getAgreementTaskReviewed();
      auto* a = FindById(c.agreements, TextView(r.getAgreementId()),
                         &CaseloadAgreementState::agreement_id);
      if (a == nullptr) return;
      auto* t = FindById(a->tasks, TextView(r.getTaskId()), &CaseloadTask::task_id);
      if (t == nullptr || !(key > t->reviewed)) return;
      t->status = static_cast<int8_t>(r.getStatus());
      t->reviewed = key;
      return;
    }
    case W::AGREEMENT_CLOSED: {
      std::string_view id = TextView(d.getAgreementClosed().getAgreementId());
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
      std::string_view id = TextView(s.getSanctionId());
      auto from = DayField(s.getFrom());
      auto to = DayField(s.getTo());
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
      erase(TextView(d.getSanctionLifted().getSanctionId()));
      return;
    case W::SANCTION_APPEALED: {
      auto* s = FindById(c.sanctions, TextView(d.getSanctionAppealed().getSanctionId()),
                         &CaseloadSanctionState::sanction_id);
      if (s) s->appeal_pending = true;
      return;
    }
    case W::APPEAL_DECIDED: {
      auto a = d.getAppealDecided();
      std::string_view id = TextView(a.getSanctionId());
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
  const std::string_view subject = CaseSubject(ev.stream());
  if (subject.empty()) return;
  CaseloadCaseState& c = CaseFor(state_->cases, subject);
  if (c.shredded) return;  // the ledger refuses events after subject.shredded
  if (internal::IsConsentEvent(type)) {
    internal::ApplyConsentEvent(c.consents, ev);
    return;
  }
  const EventKey key{ev.occurred_at_us(), ev.seq()};
  auto d = ev.data();
  switch (type) {
    case W::CASE_OPENED: {
      auto o = d.getCaseOpened();
      auto intake = DayField(o.getIntakeDate());
      if (c.opened || !intake) return;
      c.opened = true;
      c.office = std::string(TextView(o.getOffice()));
      c.municipality = std::string(TextView(o.getMunicipality()));
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
      auto from = DayField(a.getValidFrom());
      if (!from || a.getCategory() < 1 || a.getCategory() > 4) return;
      c.categories.push_back(CategoryAssignment{*from, key, a.getCategory()});
      return;
    }
    case W::STATUS_OBSERVED: {
      auto s = d.getStatusObserved();
      auto as_of = DayField(s.getAsOf());
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
      auto as_of = DayField(r.getAsOf());
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
      std::string_view id = TextView(s.getConditionId());
      auto start = DayField(s.getStart());
      auto end = DayField(s.getEnd());
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
      std::string_view id = TextView(e.getExemptionId());
      auto review = DayField(e.getReviewDate());
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
