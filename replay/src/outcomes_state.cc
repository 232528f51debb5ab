// The outcomes projection's state as canonical bytes: Serialize and Restore.
//
// State grammar, version 2 (terms of replay/state_codec.h and state_parts.h; do not change
// without a new OutcomesProjection::kVersion):
//   state    = count n, n * case                  (strictly ascending subject, bytewise)
//   case     = bytes subject, bool opened, svarint intake, u8 age, u8 sex, bytes municipality,
//              opt shredded_at,
//              count, * (svarint valid_from, key, u8 category)          (log order)
//              count, * (svarint month, uvarint grant, uvarint loan, uvarint payments)
//              count, * (svarint day, u8 status)
//              count, * (svarint day, key, u8 source)
//              count, * (svarint start, svarint end)                     (log order)
// Months and days strictly ascending within their list.
#include "outcomes_state.h"

#include "enum_names.h"
#include "replay/state_codec.h"
#include "state_parts.h"

namespace ledger::replay {
namespace {

using internal::GetKey;
using internal::GetOpt;
using internal::GetU8Below;
using internal::PutKey;
using internal::PutOpt;

void PutCase(StateWriter& w, const OutcomeCaseState& c) {
  w.PutBool(c.opened);
  w.PutSvarint(c.intake);
  w.PutU8(c.age);
  w.PutU8(c.sex);
  w.PutBytes(c.municipality);
  PutOpt(w, c.shredded_at_us);
  internal::PutCategories(w, c.categories);
  w.PutUvarint(c.months.size());
  for (const OutcomeMonth& m : c.months) {
    w.PutSvarint(m.month);
    w.PutUvarint(m.grant_nok);
    w.PutUvarint(m.loan_nok);
    w.PutUvarint(m.payments);
  }
  w.PutUvarint(c.statuses.size());
  for (const OutcomeStatus& s : c.statuses) {
    w.PutSvarint(s.day);
    w.PutU8(s.status);
  }
  w.PutUvarint(c.incomes.size());
  for (const OutcomeIncome& i : c.incomes) {
    w.PutSvarint(i.day);
    PutKey(w, i.key);
    w.PutU8(i.source);
  }
  w.PutUvarint(c.conditions.size());
  for (const OutcomeCondition& k : c.conditions) {
    w.PutSvarint(k.start);
    w.PutSvarint(k.end);
  }
}

// Fails the reader unless `list` is strictly ascending in `field`.
template <typename T>
void CheckAscending(StateReader& r, const std::vector<T>& list, int32_t T::*field) {
  for (size_t i = 1; i < list.size(); ++i) {
    if (!(list[i - 1].*field < list[i].*field)) return r.Fail();
  }
}

void GetCase(StateReader& r, OutcomeCaseState& c) {
  r.GetBool(&c.opened);
  r.GetI32(&c.intake);
  r.GetU8(&c.age);
  GetU8Below(r, &c.sex, internal::kSexCount);
  r.GetBytes(&c.municipality);
  GetOpt(r, &c.shredded_at_us);
  internal::GetCategories(r, &c.categories);
  uint64_t n = 0;
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    OutcomeMonth& m = c.months.emplace_back();
    r.GetI32(&m.month);
    r.GetUvarint(&m.grant_nok);
    r.GetUvarint(&m.loan_nok);
    r.GetU32(&m.payments);
  }
  CheckAscending(r, c.months, &OutcomeMonth::month);
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    OutcomeStatus& s = c.statuses.emplace_back();
    r.GetI32(&s.day);
    GetU8Below(r, &s.status, internal::kObservedStatusCount);
  }
  CheckAscending(r, c.statuses, &OutcomeStatus::day);
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    OutcomeIncome& x = c.incomes.emplace_back();
    r.GetI32(&x.day);
    GetKey(r, &x.key);
    GetU8Below(r, &x.source, internal::kIncomeSourceCount);
  }
  CheckAscending(r, c.incomes, &OutcomeIncome::day);
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    OutcomeCondition& k = c.conditions.emplace_back();
    r.GetI32(&k.start);
    r.GetI32(&k.end);
  }
}

}  // namespace

std::string OutcomesProjection::Serialize() const {
  return internal::EncodeByKey(state_->cases, PutCase);
}

Status OutcomesProjection::Restore(std::string_view bytes) {
  return internal::DecodeCases(bytes, "outcomes state", &state_, GetCase);
}

}  // namespace ledger::replay
