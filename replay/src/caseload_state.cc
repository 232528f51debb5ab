// The caseload projection's state as canonical bytes: Serialize and Restore.
//
// State grammar, version 2 (terms of replay/state_codec.h; do not change without a new
// CaseloadProjection::kVersion):
//   state     = count n, n * case                 (ascending subject, bytewise)
//   case      = bytes subject, bool opened, bytes office, bytes municipality, svarint intake,
//               bool open, key open_key, bool shredded, svarint phase, key phase_key,
//               count, * category, svarint status, svarint status_as_of,
//               svarint income, svarint income_as_of, key income_key,
//               count, * consent, count, * agreement, count, * sanction,
//               count, * condition, count, * exemption,
//               u8 restricted, 4 * key             (restriction keys by purpose ordinal)
//   key       = as state_parts.h writes it
//   category  = svarint valid_from, key, u8 category
//   consent   = as state_parts.h writes it
//   agreement = bytes id, svarint start, svarint end, bool extension_reason,
//               count, * (bytes task_id, svarint due, svarint status, key reviewed)
//   sanction  = bytes id, svarint from, svarint to, bool appeal_pending, u8 kind, uvarint amount
//   condition = bytes id, u8 activity, svarint start, svarint end, uvarint hours_per_week
//   exemption = bytes id, u8 ground, svarint review_date
// Lists inside a case keep the order of the events that created their members (log order).
#include "caseload_state.h"

#include "enum_names.h"
#include "replay/state_codec.h"
#include "state_parts.h"

namespace ledger::replay {

namespace {

using internal::GetConsent;
using internal::GetKey;
using internal::GetU8Below;
using internal::PutConsent;
using internal::PutKey;

// Reads a small enum ordinal: -1 (none) or below `count`.
void GetOrdinal(StateReader& r, int8_t* v, unsigned count) {
  int32_t x = 0;
  if (!r.GetI32(&x)) return;
  if (x < -1 || x >= static_cast<int32_t>(count)) return r.Fail();
  *v = static_cast<int8_t>(x);
}

void PutCase(StateWriter& w, const CaseloadCaseState& c) {
  w.PutBool(c.opened);
  w.PutBytes(c.office);
  w.PutBytes(c.municipality);
  w.PutSvarint(c.intake_date);
  w.PutBool(c.open);
  PutKey(w, c.open_key);
  w.PutBool(c.shredded);
  w.PutSvarint(c.phase);
  PutKey(w, c.phase_key);
  internal::PutCategories(w, c.categories);
  w.PutSvarint(c.status);
  w.PutSvarint(c.status_as_of);
  w.PutSvarint(c.income);
  w.PutSvarint(c.income_as_of);
  PutKey(w, c.income_key);
  w.PutUvarint(c.consents.size());
  for (const ConsentFacts& f : c.consents) PutConsent(w, f);
  w.PutUvarint(c.agreements.size());
  for (const CaseloadAgreementState& a : c.agreements) {
    w.PutBytes(a.agreement_id);
    w.PutSvarint(a.start);
    w.PutSvarint(a.end);
    w.PutBool(a.extension_reason);
    w.PutUvarint(a.tasks.size());
    for (const CaseloadTask& t : a.tasks) {
      w.PutBytes(t.task_id);
      w.PutSvarint(t.due);
      w.PutSvarint(t.status);
      PutKey(w, t.reviewed);
    }
  }
  w.PutUvarint(c.sanctions.size());
  for (const CaseloadSanctionState& s : c.sanctions) {
    w.PutBytes(s.sanction_id);
    w.PutSvarint(s.from);
    w.PutSvarint(s.to);
    w.PutBool(s.appeal_pending);
    w.PutU8(s.reduction_kind);
    w.PutUvarint(s.reduction);
  }
  w.PutUvarint(c.conditions.size());
  for (const CaseloadConditionState& k : c.conditions) {
    w.PutBytes(k.condition_id);
    w.PutU8(k.activity);
    w.PutSvarint(k.start);
    w.PutSvarint(k.end);
    w.PutUvarint(k.hours_per_week);
  }
  w.PutUvarint(c.exemptions.size());
  for (const CaseloadExemptionState& e : c.exemptions) {
    w.PutBytes(e.exemption_id);
    w.PutU8(e.ground);
    w.PutSvarint(e.review_date);
  }
  w.PutU8(c.restricted);
  for (const EventKey& k : c.restriction_keys) PutKey(w, k);
}

void GetCase(StateReader& r, CaseloadCaseState& c) {
  r.GetBool(&c.opened);
  r.GetBytes(&c.office);
  r.GetBytes(&c.municipality);
  r.GetI32(&c.intake_date);
  r.GetBool(&c.open);
  GetKey(r, &c.open_key);
  r.GetBool(&c.shredded);
  GetOrdinal(r, &c.phase, internal::kPhaseCount);
  GetKey(r, &c.phase_key);
  internal::GetCategories(r, &c.categories);
  uint64_t n = 0;
  GetOrdinal(r, &c.status, internal::kObservedStatusCount);
  r.GetI32(&c.status_as_of);
  GetOrdinal(r, &c.income, internal::kIncomeSourceCount);
  r.GetI32(&c.income_as_of);
  GetKey(r, &c.income_key);
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) GetConsent(r, &c.consents.emplace_back());
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    CaseloadAgreementState& a = c.agreements.emplace_back();
    r.GetBytes(&a.agreement_id);
    r.GetI32(&a.start);
    r.GetI32(&a.end);
    r.GetBool(&a.extension_reason);
    uint64_t m = 0;
    r.GetCount(&m);
    for (uint64_t j = 0; j < m && !r.failed(); ++j) {
      CaseloadTask& t = a.tasks.emplace_back();
      r.GetBytes(&t.task_id);
      r.GetI32(&t.due);
      GetOrdinal(r, &t.status, 3);
      GetKey(r, &t.reviewed);
    }
  }
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    CaseloadSanctionState& s = c.sanctions.emplace_back();
    r.GetBytes(&s.sanction_id);
    r.GetI32(&s.from);
    r.GetI32(&s.to);
    r.GetBool(&s.appeal_pending);
    GetU8Below(r, &s.reduction_kind, 3);
    r.GetU32(&s.reduction);
  }
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    CaseloadConditionState& k = c.conditions.emplace_back();
    r.GetBytes(&k.condition_id);
    GetU8Below(r, &k.activity, internal::kActivityCount);
    r.GetI32(&k.start);
    r.GetI32(&k.end);
    r.GetU32(&k.hours_per_week);
  }
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    CaseloadExemptionState& e = c.exemptions.emplace_back();
    r.GetBytes(&e.exemption_id);
    GetU8Below(r, &e.ground, internal::kExemptionGroundCount);
    r.GetI32(&e.review_date);
  }
  GetU8Below(r, &c.restricted, 1u << internal::kPurposeCount);
  for (EventKey& k : c.restriction_keys) GetKey(r, &k);
}

}  // namespace

std::string CaseloadProjection::Serialize() const {
  return internal::EncodeByKey(state_->cases, PutCase);
}

Status CaseloadProjection::Restore(std::string_view bytes) {
  return internal::DecodeCases(bytes, "caseload state", &state_, GetCase);
}

}  // namespace ledger::replay
