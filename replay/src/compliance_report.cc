// The compliance report: the checks of indicators.md ("Compliance") judged on the projection's
// state at the report's moment.
#include <algorithm>
#include <map>

#include "compliance_state.h"
#include "event_fields.h"
#include "find_by_id.h"

namespace ledger::replay {
namespace {

using internal::FindById;
constexpr int kUnder = 30;  // P1: grants to participants under 30

ComplianceEvent Event(const EventRef& ref, const char* type) {
  return ComplianceEvent{ref.seq, ref.event_id, type, ref.at_us};
}

ComplianceException Exception(const std::string& stream, const std::string& ref_id,
                              const EventRef& ref, const char* type) {
  ComplianceException x;
  x.stream = stream;
  x.ref_id = ref_id;
  x.events.push_back(Event(ref, type));
  return x;
}

// Age at a date: age at intake plus the whole years from the intake date to `day`. The log
// holds no birth date (only its digest), so this is the youngest the person can be: a birthday
// between intake and the anniversary is not seen.
int AgeOn(const CmpCaseState& c, int32_t day) {
  const CivilDate intake = CivilFromDays(c.intake);
  int years = 0;
  while (DaysFromCivil(AddMonths(intake, 12 * (years + 1))) <= day) ++years;
  return c.age + years;
}

// Records the outcome of judging one event.
void Judge(ComplianceCheck& check, std::optional<ComplianceException> exception) {
  ++check.checked;
  if (exception) {
    check.exceptions.push_back(std::move(*exception));
  } else {
    ++check.passed;
  }
}

void CheckGrants(const std::string& stream, const CmpCaseState& c, const ReportZone& zone,
                 ComplianceCheck& p1) {
  for (const CmpDecision& d : c.decisions) {
    if (!d.granted) continue;
    const int32_t day = static_cast<int32_t>(DaysFromCivil(zone.DateAt(d.ref.at_us)));
    if (AgeOn(c, day) >= kUnder) continue;
    const bool conditioned =
        std::find(c.conditioned.begin(), c.conditioned.end(), d.decision_id) != c.conditioned.end();
    std::optional<ComplianceException> x;
    if (!conditioned) {
      x = Exception(stream, d.decision_id, d.ref, "assistance.decided");
      x->reasons.push_back("no_condition_or_exemption");
    }
    Judge(p1, std::move(x));
  }
}

void CheckSanctions(const std::string& stream, const CmpCaseState& c, ComplianceCheck& p3) {
  for (const CmpSanction& s : c.sanctions) {
    ComplianceException x = Exception(stream, s.sanction_id, s.ref, "sanction.imposed");
    const CmpDecision* basis =
        FindById(c.decisions, s.basis_decision_id, &CmpDecision::decision_id);
    if (basis == nullptr) {
      x.reasons.push_back("basis_decision_not_found");
    } else if (!basis->reduction_warning) {
      x.reasons.push_back("no_reduction_warning");
      x.events.push_back(Event(basis->ref, "assistance.decided"));
    }
    const CmpBreach* breach = FindById(c.breaches, s.breach_id, &CmpBreach::breach_id);
    if (breach == nullptr || !breach->notified || breach->notified->at_us > s.ref.at_us) {
      x.reasons.push_back("no_breach_notice_before");
    }
    if (breach == nullptr || !breach->reduce || breach->reduce->at_us > s.ref.at_us) {
      x.reasons.push_back("no_reduce_assessment_before");
    }
    if (!s.emergency_checked) x.reasons.push_back("emergency_not_checked");
    Judge(p3, x.reasons.empty() ? std::nullopt : std::optional(std::move(x)));
  }
}

// P6: every agreement signed by T. One closed by T is judged on all three rules; one still open
// at T on the first two only (problems, length), so an open agreement that keeps both passes.
void CheckAgreements(const std::string& stream, const CmpCaseState& c, ComplianceCheck& p6) {
  for (const CmpAgreement& a : c.agreements) {
    ComplianceException x = Exception(stream, a.agreement_id, a.ref, "agreement.signed");
    if (a.problems > 3) x.reasons.push_back("more_than_3_problems");
    const int32_t three_months =
        static_cast<int32_t>(DaysFromCivil(AddMonths(CivilFromDays(a.start), 3)));
    if (a.end > three_months && !a.extension_reason) {
      x.reasons.push_back("longer_than_3_months_without_reason");
    }
    if (a.closed && !a.evaluation_done) {
      x.reasons.push_back("closed_without_evaluation");
      x.events.push_back(Event(*a.closed, "agreement.closed"));
    }
    Judge(p6, x.reasons.empty() ? std::nullopt : std::optional(std::move(x)));
  }
}

// C1 and C2 for the referrals and consent-based disclosures of one stream.
void CheckUses(const std::string& stream, const CmpCaseState& c, ComplianceCheck& c1,
               ComplianceCheck& c2) {
  for (const CmpUse& u : c.uses) {
    const char* type = u.referral ? "referral.made" : "disclosure.made";
    ComplianceException x = Exception(stream, u.use_id, u.ref, type);
    const ConsentFacts* consent = FindById(c.consents, u.consent_id, &ConsentFacts::consent_id);
    const ConsentStanding standing =
        consent ? StandingAt(*consent, u.ref.at_us) : ConsentStanding::kNotGiven;
    if (standing != ConsentStanding::kInForce) {
      x.reasons.push_back("consent_" + std::string(ConsentStandingName(standing)));
    }
    if (consent != nullptr && consent->given) {
      if (u.referral) {
        if (!CoversReferral(*consent)) x.reasons.push_back("referral_not_covered");
      } else {
        DisclosureScope scope{u.recipient, {}, u.purpose};
        for (const std::string& k : u.data_categories) scope.data_categories.push_back(k);
        if (!Covers(*consent, scope)) x.reasons.push_back("scope_not_covered");
      }
    }
    const CmpWithdrawal* w = FindById(c.withdrawals, u.consent_id, &CmpWithdrawal::consent_id);
    if (!u.referral) {
      std::optional<ComplianceException> after;
      if (w != nullptr && u.ref.at_us >= w->effective_at_us) {
        after = Exception(stream, u.use_id, u.ref, type);
        after->reasons.push_back("disclosed_after_withdrawal");
        after->events.push_back(Event(w->ref, "consent.withdrawn"));
      }
      Judge(c2, std::move(after));
    }
    if (standing == ConsentStanding::kWithdrawn && w != nullptr) {
      x.events.push_back(Event(w->ref, "consent.withdrawn"));
    }
    Judge(c1, x.reasons.empty() ? std::nullopt : std::optional(std::move(x)));
  }
}

// The first instant at or after it was given at which `f` is not in force: the standing
// changes only at the instants the facts name (expiries, withdrawal, revocation, invalidation,
// replacement).
int64_t EndOfValidity(const ConsentFacts& f) {
  std::vector<int64_t> candidates = {f.expires_at_us};
  for (const ConsentRenewal& r : f.renewals) candidates.push_back(r.expires_at_us);
  for (const auto& t :
       {f.withdrawn_effective_us, f.revoked_at_us, f.invalidated_at_us, f.replaced_at_us}) {
    if (t) candidates.push_back(*t);
  }
  std::sort(candidates.begin(), candidates.end());
  for (int64_t t : candidates) {
    if (t >= f.given_at_us && !InForceAt(f, t)) return t;
  }
  return candidates.back();
}

void AddConsentDynamics(const CmpCaseState& c, int64_t t, ConsentDynamics& out,
                        std::vector<int64_t>& validity_days) {
  for (const ConsentFacts& f : c.consents) {
    if (!f.given && !f.refused) continue;
    ++out.asked;
    if (f.refused) {
      ++out.refused;
      continue;
    }
    ++out.given;
    if (f.withdrawn_effective_us && *f.withdrawn_effective_us <= t) ++out.withdrawn;
    const int64_t end = EndOfValidity(f);
    if (end <= t) {
      ++out.ended;
      validity_days.push_back((end - f.given_at_us) / kMicrosPerDay);
    }
    const int64_t first_expiry = f.expires_at_us;
    bool renewed = false;
    for (const ConsentRenewal& r : f.renewals) {
      renewed |= r.occurred_at_us >= f.given_at_us && r.occurred_at_us < first_expiry;
    }
    std::optional<int64_t> stopped;
    for (const auto& s :
         {f.withdrawn_effective_us, f.revoked_at_us, f.invalidated_at_us, f.replaced_at_us}) {
      if (s && (!stopped || *s < *stopped)) stopped = s;
    }
    const bool stopped_before = stopped && *stopped < first_expiry;
    if (renewed || (first_expiry <= t && !stopped_before)) {
      ++out.renewal_decided;
      out.renewed_before_expiry += renewed;
    }
  }
}

ComplianceCheck NewCheck(const char* id, const char* title, const char* target) {
  ComplianceCheck c;
  c.id = id;
  c.title = title;
  c.target = target;
  return c;
}

}  // namespace

ComplianceReport ComplianceProjection::Report(const ReportTime& at, const LogPoint& log) const {
  ComplianceReport report;
  report.at = at;
  report.log = log;
  report.projection_version = kVersion;
  auto parsed_zone = ReportZone::Parse(at.zone);
  const ReportZone zone = parsed_zone.ok() ? *parsed_zone : ReportZone::Utc();
  ComplianceCheck p1 = NewCheck("P1", "grants to under-30s with a condition or exemption", "100%");
  ComplianceCheck p3 = NewCheck(
      "P3", "sanctions after warning, notice, assessment (reduce) and emergency check", "100%");
  ComplianceCheck p6 = NewCheck(
      "P6", "agreements: <= 3 problems, <= 3 months or a reason, evaluated if closed", "100%");
  ComplianceCheck c1 =
      NewCheck("C1", "referrals and disclosures under a consent in force that covers them", "100%");
  ComplianceCheck c2 = NewCheck("C2", "disclosures at or after their consent's withdrawal", "0");
  std::vector<int64_t> validity_days;

  // Streams in order, so that every list comes out in one order.
  std::vector<const std::pair<const std::string, CmpCaseState>*> streams;
  for (const auto& entry : state_->cases) streams.push_back(&entry);
  std::sort(streams.begin(), streams.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : streams) {
    const std::string& stream = entry->first;
    const CmpCaseState& c = entry->second;
    if (c.opened) CheckGrants(stream, c, zone, p1);
    CheckSanctions(stream, c, p3);
    CheckAgreements(stream, c, p6);
    CheckUses(stream, c, c1, c2);
    AddConsentDynamics(c, at.instant_us, report.consent, validity_days);
    report.statute_disclosures += c.statute_disclosures;
  }
  if (!validity_days.empty()) {
    std::sort(validity_days.begin(), validity_days.end());
    report.consent.median_validity_days = validity_days[(validity_days.size() + 1) / 2 - 1];
  }
  for (ComplianceCheck* check : {&p1, &p3, &p6, &c1, &c2}) {
    std::sort(check->exceptions.begin(), check->exceptions.end(),
              [](const ComplianceException& a, const ComplianceException& b) {
                return a.events.front().seq < b.events.front().seq;
              });
    report.checks.push_back(std::move(*check));
  }
  return report;
}

}  // namespace ledger::replay
