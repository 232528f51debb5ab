#include "state_parts.h"

namespace ledger::replay::internal {

void PutKey(StateWriter& w, const EventKey& k) {
  w.PutSvarint(k.at_us);
  w.PutUvarint(k.seq);
}
void GetKey(StateReader& r, EventKey* k) {
  r.GetSvarint(&k->at_us);
  r.GetUvarint(&k->seq);
}

void PutOpt(StateWriter& w, const std::optional<int64_t>& v) {
  w.PutBool(v.has_value());
  if (v) w.PutSvarint(*v);
}
void GetOpt(StateReader& r, std::optional<int64_t>* v) {
  bool present = false;
  r.GetBool(&present);
  if (!present) return;
  int64_t x = 0;
  if (r.GetSvarint(&x)) *v = x;
}

void PutStrings(StateWriter& w, const std::vector<std::string>& list) {
  w.PutUvarint(list.size());
  for (const std::string& s : list) w.PutBytes(s);
}
void GetStrings(StateReader& r, std::vector<std::string>* list) {
  uint64_t n = 0;
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) r.GetBytes(&list->emplace_back());
}

void GetU8Below(StateReader& r, uint8_t* v, unsigned count) {
  if (r.GetU8(v) && *v >= count) r.Fail();
}

void PutCategories(StateWriter& w, const std::vector<CategoryAssignment>& list) {
  w.PutUvarint(list.size());
  for (const CategoryAssignment& k : list) {
    w.PutSvarint(k.valid_from);
    PutKey(w, k.key);
    w.PutU8(k.category);
  }
}
void GetCategories(StateReader& r, std::vector<CategoryAssignment>* list) {
  uint64_t n = 0;
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    CategoryAssignment& k = list->emplace_back();
    r.GetI32(&k.valid_from);
    GetKey(r, &k.key);
    if (r.GetU8(&k.category) && (k.category < 1 || k.category > 4)) r.Fail();
  }
}

void PutConsent(StateWriter& w, const ConsentFacts& f) {
  w.PutBytes(f.consent_id);
  w.PutBool(f.given);
  w.PutSvarint(f.given_at_us);
  w.PutSvarint(f.expires_at_us);
  PutStrings(w, f.purposes);
  PutStrings(w, f.recipients);
  PutStrings(w, f.data_categories);
  w.PutUvarint(f.renewals.size());
  for (const ConsentRenewal& x : f.renewals) {
    w.PutSvarint(x.occurred_at_us);
    w.PutUvarint(x.seq);
    w.PutSvarint(x.expires_at_us);
  }
  w.PutBool(f.refused);
  PutOpt(w, f.withdrawn_effective_us);
  PutOpt(w, f.revoked_at_us);
  PutOpt(w, f.invalidated_at_us);
  w.PutSvarint(f.refused_at_us);
  PutOpt(w, f.replaced_at_us);
  w.PutBytes(f.replaced_by);
}

void GetConsent(StateReader& r, ConsentFacts* f) {
  r.GetBytes(&f->consent_id);
  r.GetBool(&f->given);
  r.GetSvarint(&f->given_at_us);
  r.GetSvarint(&f->expires_at_us);
  GetStrings(r, &f->purposes);
  GetStrings(r, &f->recipients);
  GetStrings(r, &f->data_categories);
  uint64_t n = 0;
  r.GetCount(&n);
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    ConsentRenewal& x = f->renewals.emplace_back();
    r.GetSvarint(&x.occurred_at_us);
    r.GetUvarint(&x.seq);
    r.GetSvarint(&x.expires_at_us);
  }
  r.GetBool(&f->refused);
  GetOpt(r, &f->withdrawn_effective_us);
  GetOpt(r, &f->revoked_at_us);
  GetOpt(r, &f->invalidated_at_us);
  r.GetSvarint(&f->refused_at_us);
  GetOpt(r, &f->replaced_at_us);
  r.GetBytes(&f->replaced_by);
}

}  // namespace ledger::replay::internal
