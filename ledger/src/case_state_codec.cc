#include "case_state_codec.h"

namespace ledger::internal {
namespace {

std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

template <typename Container>
void WriteTexts(const Container& ids, capnp::List<capnp::Text>::Builder out) {
  unsigned i = 0;
  for (const auto& id : ids) out.set(i++, id);
}

template <typename Builder, typename Container>
auto InitTexts(Builder& b, const Container& ids,
               capnp::List<capnp::Text>::Builder (Builder::*init)(unsigned)) {
  WriteTexts(ids, (b.*init)(static_cast<unsigned>(ids.size())));
}

std::set<std::string> TextSet(capnp::List<capnp::Text>::Reader in) {
  std::set<std::string> out;
  for (auto t : in) out.insert(out.end(), Str(t));
  return out;
}

std::vector<std::string> TextList(capnp::List<capnp::Text>::Reader in) {
  std::vector<std::string> out;
  out.reserve(in.size());
  for (auto t : in) out.push_back(Str(t));
  return out;
}

void WriteConsent(const ConsentFacts& c, schema::ConsentState::Builder b) {
  b.setId(c.consent_id);
  b.setGiven(c.given);
  b.setGivenAt(c.given_at_us);
  b.setExpiresAt(c.expires_at_us);
  InitTexts(b, c.purposes, &schema::ConsentState::Builder::initPurposes);
  InitTexts(b, c.recipients, &schema::ConsentState::Builder::initRecipients);
  InitTexts(b, c.data_categories, &schema::ConsentState::Builder::initCategories);
  auto renewals = b.initRenewals(static_cast<unsigned>(c.renewals.size()));
  for (unsigned i = 0; i < c.renewals.size(); ++i) {
    renewals[i].setOccurredAt(c.renewals[i].occurred_at_us);
    renewals[i].setSeq(c.renewals[i].seq);
    renewals[i].setExpiresAt(c.renewals[i].expires_at_us);
  }
  b.setRefused(c.refused);
  b.setRefusedAt(c.refused_at_us);
  b.setHasWithdrawn(c.withdrawn_effective_us.has_value());
  b.setWithdrawnEffective(c.withdrawn_effective_us.value_or(0));
  b.setHasRevoked(c.revoked_at_us.has_value());
  b.setRevokedAt(c.revoked_at_us.value_or(0));
  b.setHasInvalidated(c.invalidated_at_us.has_value());
  b.setInvalidatedAt(c.invalidated_at_us.value_or(0));
  b.setHasReplaced(c.replaced_at_us.has_value());
  b.setReplacedAt(c.replaced_at_us.value_or(0));
  b.setReplacedBy(c.replaced_by);
}

ConsentFacts ReadConsent(schema::ConsentState::Reader r) {
  ConsentFacts c;
  c.consent_id = Str(r.getId());
  c.given = r.getGiven();
  c.given_at_us = r.getGivenAt();
  c.expires_at_us = r.getExpiresAt();
  c.purposes = TextList(r.getPurposes());
  c.recipients = TextList(r.getRecipients());
  c.data_categories = TextList(r.getCategories());
  for (auto x : r.getRenewals()) {
    c.renewals.push_back({x.getOccurredAt(), x.getSeq(), x.getExpiresAt()});
  }
  c.refused = r.getRefused();
  c.refused_at_us = r.getRefusedAt();
  if (r.getHasWithdrawn()) c.withdrawn_effective_us = r.getWithdrawnEffective();
  if (r.getHasRevoked()) c.revoked_at_us = r.getRevokedAt();
  if (r.getHasInvalidated()) c.invalidated_at_us = r.getInvalidatedAt();
  if (r.getHasReplaced()) c.replaced_at_us = r.getReplacedAt();
  c.replaced_by = Str(r.getReplacedBy());
  return c;
}

}  // namespace

void WriteCaseState(const CaseState& s, schema::CaseState::Builder b) {
  b.setClosed(s.closed);
  b.setClosedAt(s.closed_at_us);
  b.setMunicipality(s.municipality);
  b.setProgramme(s.programme);
  b.setIntakeDate(s.intake_date);
  {
    auto list = b.initDecisions(static_cast<unsigned>(s.decisions.size()));
    unsigned i = 0;
    for (const auto& [id, granted] : s.decisions) {
      list[i].setId(id);
      list[i++].setFlag(granted);
    }
  }
  InitTexts(b, s.conditions, &schema::CaseState::Builder::initConditions);
  InitTexts(b, s.exemptions, &schema::CaseState::Builder::initExemptions);
  {
    auto list = b.initBreaches(static_cast<unsigned>(s.breaches.size()));
    unsigned i = 0;
    for (const auto& [id, x] : s.breaches) {
      list[i].setId(id);
      list[i].setNotified(x.notified);
      list[i++].setAssessed(x.assessed);
    }
  }
  {
    auto list = b.initSanctions(static_cast<unsigned>(s.sanctions.size()));
    unsigned i = 0;
    for (const auto& [id, x] : s.sanctions) {
      list[i].setId(id);
      list[i].setLifted(x.lifted);
      list[i].setAppealed(x.appealed);
      list[i++].setAppealDecided(x.appeal_decided);
    }
  }
  {
    auto list = b.initCourses(static_cast<unsigned>(s.courses.size()));
    unsigned i = 0;
    for (const auto& [id, ended] : s.courses) {
      list[i].setId(id);
      list[i++].setFlag(ended);
    }
  }
  {
    auto list = b.initAgreements(static_cast<unsigned>(s.agreements.size()));
    unsigned i = 0;
    for (const auto& [id, a] : s.agreements) {
      auto x = list[i++];
      x.setId(id);
      x.setClosed(a.closed);
      InitTexts(x, a.problems, &schema::AgreementState::Builder::initProblems);
      InitTexts(x, a.tasks, &schema::AgreementState::Builder::initTasks);
    }
  }
  {
    auto list = b.initConsents(static_cast<unsigned>(s.consents.size()));
    for (unsigned i = 0; i < s.consents.size(); ++i) WriteConsent(s.consents[i], list[i]);
  }
  InitTexts(b, s.referrals, &schema::CaseState::Builder::initReferrals);
  InitTexts(b, s.disclosures, &schema::CaseState::Builder::initDisclosures);
  InitTexts(b, s.plans, &schema::CaseState::Builder::initPlans);
  {
    auto list = b.initErasures(static_cast<unsigned>(s.erasures.size()));
    unsigned i = 0;
    for (const auto& [id, e] : s.erasures) {
      list[i].setId(id);
      list[i].setDecided(e.decided);
      list[i++].setGranted(e.granted);
    }
  }
  {
    auto list = b.initRestrictions(static_cast<unsigned>(s.restrictions.size()));
    for (unsigned i = 0; i < s.restrictions.size(); ++i) {
      list[i].setPurpose(s.restrictions[i].purpose);
      list[i].setFrom(s.restrictions[i].from_us);
      list[i].setLifted(s.restrictions[i].until_us.has_value());
      list[i].setUntil(s.restrictions[i].until_us.value_or(0));
    }
  }
}

void ReadConsentState(schema::CaseState::Reader in, std::vector<ConsentFacts>* consents,
                      std::vector<RestrictionPeriod>* restrictions) {
  consents->clear();
  restrictions->clear();
  for (auto c : in.getConsents()) consents->push_back(ReadConsent(c));
  for (auto r : in.getRestrictions()) {
    RestrictionPeriod p{Str(r.getPurpose()), r.getFrom(), std::nullopt};
    if (r.getLifted()) p.until_us = r.getUntil();
    restrictions->push_back(std::move(p));
  }
}

void ReadCaseState(schema::CaseState::Reader in, CaseState* s) {
  *s = CaseState{};
  s->closed = in.getClosed();
  s->closed_at_us = in.getClosedAt();
  s->municipality = Str(in.getMunicipality());
  s->programme = Str(in.getProgramme());
  s->intake_date = Str(in.getIntakeDate());
  for (auto d : in.getDecisions())
    s->decisions.emplace_hint(s->decisions.end(), Str(d.getId()), d.getFlag());
  s->conditions = TextSet(in.getConditions());
  s->exemptions = TextSet(in.getExemptions());
  for (auto b : in.getBreaches()) {
    s->breaches.emplace_hint(s->breaches.end(), Str(b.getId()),
                             BreachState{b.getNotified(), b.getAssessed()});
  }
  for (auto x : in.getSanctions()) {
    s->sanctions.emplace_hint(s->sanctions.end(), Str(x.getId()),
                              SanctionState{x.getLifted(), x.getAppealed(), x.getAppealDecided()});
  }
  for (auto c : in.getCourses())
    s->courses.emplace_hint(s->courses.end(), Str(c.getId()), c.getFlag());
  for (auto a : in.getAgreements()) {
    s->agreements.emplace_hint(
        s->agreements.end(), Str(a.getId()),
        AgreementState{a.getClosed(), TextSet(a.getProblems()), TextSet(a.getTasks())});
  }
  s->referrals = TextSet(in.getReferrals());
  s->disclosures = TextSet(in.getDisclosures());
  s->plans = TextSet(in.getPlans());
  for (auto e : in.getErasures()) {
    s->erasures.emplace_hint(s->erasures.end(), Str(e.getId()),
                             ErasureState{e.getDecided(), e.getGranted()});
  }
  ReadConsentState(in, &s->consents, &s->restrictions);
}

}  // namespace ledger::internal
