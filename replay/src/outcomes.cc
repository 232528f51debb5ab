// The outcomes projection: what each event does to the state (outcomes_state.h). Bytes in
// outcomes_state.cc, figures in outcomes_report.cc.
#include <algorithm>

#include "event_fields.h"
#include "outcomes_state.h"
#include "replay/event_view.h"

namespace ledger::replay {
namespace {

using W = schema::Event::Data::Which;
using internal::DayField;
using internal::InstantField;
using internal::MonthField;

// The slot for `key` in a list sorted by `field`, created at its place if missing. Searches
// from the back: observations mostly arrive in date order.
template <typename T, typename K>
T& SlotFor(std::vector<T>& list, K key, K T::*field, bool* created) {
  auto it = list.end();
  while (it != list.begin() && (*(it - 1)).*field > key) --it;
  if (it != list.begin() && (*(it - 1)).*field == key) {
    *created = false;
    return *(it - 1);
  }
  *created = true;
  T fresh{};
  fresh.*field = key;
  return *list.insert(it, fresh);
}

}  // namespace

OutcomesProjection::OutcomesProjection() : state_(std::make_unique<State>()) {}
OutcomesProjection::~OutcomesProjection() = default;

void OutcomesProjection::Reset() { state_ = std::make_unique<State>(); }

size_t OutcomesProjection::case_count() const { return state_->cases.size(); }

void OutcomesProjection::Apply(const EventView& ev) {
  const W type = ev.type();
  switch (type) {
    case W::CASE_OPENED:
    case W::PAYMENT_MADE:
    case W::STATUS_OBSERVED:
    case W::INCOME_RECORDED:
    case W::CATEGORY_ASSIGNED:
    case W::CONDITION_SET:
    case W::SUBJECT_SHREDDED:
      break;
    default:
      return;
  }
  const std::string_view subject = CaseSubject(ev.stream());
  if (subject.empty()) return;
  OutcomeCaseState& c = CaseFor(state_->cases, subject);
  auto d = ev.data();
  bool created = false;
  switch (type) {
    case W::CASE_OPENED: {
      auto o = d.getCaseOpened();
      auto intake = DayField(o.getIntakeDate());
      if (c.opened || !intake) return;
      c.opened = true;
      c.intake = *intake;
      c.age = o.getAgeAtIntake();
      c.sex = static_cast<uint8_t>(o.getSex());
      c.municipality = std::string(internal::TextView(o.getMunicipality()));
      return;
    }
    case W::PAYMENT_MADE: {
      auto p = d.getPaymentMade();
      auto month = MonthField(p.getMonth());
      if (!month) return;
      OutcomeMonth& m = SlotFor(c.months, *month, &OutcomeMonth::month, &created);
      m.grant_nok += p.getGrantNok();
      m.loan_nok += p.getLoanNok();
      ++m.payments;
      return;
    }
    case W::STATUS_OBSERVED: {
      auto s = d.getStatusObserved();
      auto day = DayField(s.getAsOf());
      if (!day) return;
      auto status = static_cast<uint8_t>(s.getStatus());
      OutcomeStatus& slot = SlotFor(c.statuses, *day, &OutcomeStatus::day, &created);
      if (created || status < slot.status) slot.status = status;
      return;
    }
    case W::INCOME_RECORDED: {
      auto r = d.getIncomeRecorded();
      auto day = DayField(r.getAsOf());
      if (!day) return;
      const EventKey key{ev.occurred_at_us(), ev.seq()};
      OutcomeIncome& slot = SlotFor(c.incomes, *day, &OutcomeIncome::day, &created);
      if (created || key > slot.key) {
        slot.key = key;
        slot.source = static_cast<uint8_t>(r.getMainSource());
      }
      return;
    }
    case W::CATEGORY_ASSIGNED: {
      auto a = d.getCategoryAssigned();
      auto from = DayField(a.getValidFrom());
      if (!from || a.getCategory() < 1 || a.getCategory() > 4) return;
      c.categories.push_back(
          CategoryAssignment{*from, EventKey{ev.occurred_at_us(), ev.seq()}, a.getCategory()});
      return;
    }
    case W::CONDITION_SET: {
      auto s = d.getConditionSet();
      auto start = DayField(s.getStart());
      auto end = DayField(s.getEnd());
      if (!start || !end) return;
      c.conditions.push_back(OutcomeCondition{*start, *end});
      return;
    }
    case W::SUBJECT_SHREDDED:
      if (!c.shredded_at_us || ev.occurred_at_us() < *c.shredded_at_us) {
        c.shredded_at_us = ev.occurred_at_us();
      }
      return;
    default:
      return;
  }
}

}  // namespace ledger::replay
