// The compliance projection's state as canonical bytes: Serialize and Restore.
//
// State grammar, version 1 (terms of replay/state_codec.h and state_parts.h; do not change
// without a new ComplianceProjection::kVersion):
//   state      = count n, n * case                (strictly ascending stream, bytewise)
//   case       = bytes stream, bool opened, svarint intake, u8 age,
//                count, * decision, count, * bytes conditioned_decision_id,
//                count, * breach, count, * sanction, count, * agreement,
//                count, * consent, count, * withdrawal, count, * use,
//                uvarint statute_disclosures
//   ref        = uvarint seq, bytes event_id, svarint occurred_at
//   optref     = bool present [ref]
//   decision   = ref, bytes decision_id, bool granted, bool reduction_warning
//   breach     = bytes breach_id, optref notified, optref reduce
//   sanction   = ref, bytes sanction_id, bytes breach_id, bytes basis_decision_id,
//                bool emergency_checked
//   agreement  = ref, bytes agreement_id, svarint start, svarint end, uvarint problems,
//                bool extension_reason, optref closed, bool evaluation_done
//   withdrawal = bytes consent_id, svarint effective_at, ref
//   use        = ref, bool referral, bytes use_id, bytes consent_id, bytes recipient,
//                strings data_categories, bytes purpose
// Lists keep log order.
#include "compliance_state.h"

#include "replay/state_codec.h"
#include "state_parts.h"

namespace ledger::replay {
namespace {

using internal::GetConsent;
using internal::GetStrings;
using internal::PutConsent;
using internal::PutStrings;

void PutRef(StateWriter& w, const EventRef& r) {
  w.PutUvarint(r.seq);
  w.PutBytes(r.event_id);
  w.PutSvarint(r.at_us);
}
void GetRef(StateReader& r, EventRef* x) {
  r.GetUvarint(&x->seq);
  r.GetBytes(&x->event_id);
  r.GetSvarint(&x->at_us);
}

void PutOptRef(StateWriter& w, const std::optional<EventRef>& r) {
  w.PutBool(r.has_value());
  if (r) PutRef(w, *r);
}
void GetOptRef(StateReader& r, std::optional<EventRef>* x) {
  bool present = false;
  r.GetBool(&present);
  if (present) GetRef(r, &x->emplace());
}

// count, then each element by `put`; and back.
template <typename T, typename Put>
void PutList(StateWriter& w, const std::vector<T>& list, Put put) {
  w.PutUvarint(list.size());
  for (const T& x : list) put(w, x);
}
template <typename T, typename Get>
void GetList(StateReader& r, std::vector<T>* list, Get get) {
  uint64_t n = 0;
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) get(r, list->emplace_back());
}

void PutCase(StateWriter& w, const CmpCaseState& c) {
  w.PutBool(c.opened);
  w.PutSvarint(c.intake);
  w.PutU8(c.age);
  PutList(w, c.decisions, [](StateWriter& o, const CmpDecision& x) {
    PutRef(o, x.ref);
    o.PutBytes(x.decision_id);
    o.PutBool(x.granted);
    o.PutBool(x.reduction_warning);
  });
  PutStrings(w, c.conditioned);
  PutList(w, c.breaches, [](StateWriter& o, const CmpBreach& x) {
    o.PutBytes(x.breach_id);
    PutOptRef(o, x.notified);
    PutOptRef(o, x.reduce);
  });
  PutList(w, c.sanctions, [](StateWriter& o, const CmpSanction& x) {
    PutRef(o, x.ref);
    o.PutBytes(x.sanction_id);
    o.PutBytes(x.breach_id);
    o.PutBytes(x.basis_decision_id);
    o.PutBool(x.emergency_checked);
  });
  PutList(w, c.agreements, [](StateWriter& o, const CmpAgreement& x) {
    PutRef(o, x.ref);
    o.PutBytes(x.agreement_id);
    o.PutSvarint(x.start);
    o.PutSvarint(x.end);
    o.PutUvarint(x.problems);
    o.PutBool(x.extension_reason);
    PutOptRef(o, x.closed);
    o.PutBool(x.evaluation_done);
  });
  PutList(w, c.consents, PutConsent);
  PutList(w, c.withdrawals, [](StateWriter& o, const CmpWithdrawal& x) {
    o.PutBytes(x.consent_id);
    o.PutSvarint(x.effective_at_us);
    PutRef(o, x.ref);
  });
  PutList(w, c.uses, [](StateWriter& o, const CmpUse& x) {
    PutRef(o, x.ref);
    o.PutBool(x.referral);
    o.PutBytes(x.use_id);
    o.PutBytes(x.consent_id);
    o.PutBytes(x.recipient);
    PutStrings(o, x.data_categories);
    o.PutBytes(x.purpose);
  });
  w.PutUvarint(c.statute_disclosures);
}

void GetCase(StateReader& r, CmpCaseState& c) {
  r.GetBool(&c.opened);
  r.GetI32(&c.intake);
  r.GetU8(&c.age);
  GetList(r, &c.decisions, [](StateReader& i, CmpDecision& x) {
    GetRef(i, &x.ref);
    i.GetBytes(&x.decision_id);
    i.GetBool(&x.granted);
    i.GetBool(&x.reduction_warning);
  });
  GetStrings(r, &c.conditioned);
  GetList(r, &c.breaches, [](StateReader& i, CmpBreach& x) {
    i.GetBytes(&x.breach_id);
    GetOptRef(i, &x.notified);
    GetOptRef(i, &x.reduce);
  });
  GetList(r, &c.sanctions, [](StateReader& i, CmpSanction& x) {
    GetRef(i, &x.ref);
    i.GetBytes(&x.sanction_id);
    i.GetBytes(&x.breach_id);
    i.GetBytes(&x.basis_decision_id);
    i.GetBool(&x.emergency_checked);
  });
  GetList(r, &c.agreements, [](StateReader& i, CmpAgreement& x) {
    GetRef(i, &x.ref);
    i.GetBytes(&x.agreement_id);
    i.GetI32(&x.start);
    i.GetI32(&x.end);
    i.GetU32(&x.problems);
    i.GetBool(&x.extension_reason);
    GetOptRef(i, &x.closed);
    i.GetBool(&x.evaluation_done);
  });
  GetList(r, &c.consents, [](StateReader& i, ConsentFacts& x) { GetConsent(i, &x); });
  GetList(r, &c.withdrawals, [](StateReader& i, CmpWithdrawal& x) {
    i.GetBytes(&x.consent_id);
    i.GetSvarint(&x.effective_at_us);
    GetRef(i, &x.ref);
  });
  GetList(r, &c.uses, [](StateReader& i, CmpUse& x) {
    GetRef(i, &x.ref);
    i.GetBool(&x.referral);
    i.GetBytes(&x.use_id);
    i.GetBytes(&x.consent_id);
    i.GetBytes(&x.recipient);
    GetStrings(i, &x.data_categories);
    i.GetBytes(&x.purpose);
  });
  r.GetUvarint(&c.statute_disclosures);
}

}  // namespace

std::string ComplianceProjection::Serialize() const {
  return internal::EncodeByKey(state_->cases, PutCase);
}

Status ComplianceProjection::Restore(std::string_view bytes) {
  return internal::DecodeCases(bytes, "compliance state", &state_, GetCase);
}

}  // namespace ledger::replay
