// Consent as a waiver of confidentiality (Drammen: "samtykkeerklæring" signed at the youth
// reception). Given at intake for case coordination and the referral committee, valid a year,
// renewed by most while the case is open; ~5 % withdraw; a second consent (evaluation or an
// employer) is asked of some in follow-up and refused by a fifth of them. A returner whose
// consent has lapsed signs a new one.
#include <cassert>
#include <string>

#include "processes.h"

namespace ledger::synth {
namespace {

constexpr double kWithdrawal = 0.07;
constexpr double kRenewal = 0.8;
constexpr double kSecondAsked = 0.25;
constexpr double kSecondRefused = 0.15;

Json Purposes(uint32_t bits) {
  Json out = Json::array();
  if (bits & kCaseCoordination) out.push_back("case_coordination");
  if (bits & kReferral) out.push_back("referral_committee");
  if (bits & kEvaluation) out.push_back("evaluation");
  if (bits & kStatistics) out.push_back("statistics");
  return out;
}

Json Categories(uint32_t bits) {
  Json out = Json::array();
  if (bits & kIdentity) out.push_back("identity");
  if (bits & kEconomy) out.push_back("economy");
  if (bits & kHealthData) out.push_back("health");
  if (bits & kEducation) out.push_back("education");
  if (bits & kCaseNotes) out.push_back("case_notes");
  return out;
}

Json Recipients(uint32_t bits) {
  Json out = Json::array();
  if (bits & kNav) out.push_back("nav");
  if (bits & kReferralCommittee) out.push_back("referral_committee");
  if (bits & kSchool) out.push_back("school");
  if (bits & kHealth) out.push_back("health");
  if (bits & kChildWelfare) out.push_back("child_welfare");
  if (bits & kEmployer) out.push_back("employer");
  if (bits & kEvaluator) out.push_back("evaluator:ramboll");
  return out;
}

// Consent lasts a year, to the end of the anniversary day.
Minute ExpiryAfter(Day day) { return AtTime(AddYears(day, 1), 23, 59); }

class ConsentWriter {
 public:
  ConsentWriter(const Cohort& cohort, Participant& p, EventWriter& w)
      : cohort_(cohort),
        p_(p),
        w_(w),
        rng_(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kConsent))) {}

  // The full consent of the reception, given at `at` in episode `episode`, with its renewals
  // and perhaps a withdrawal.
  void Standard(Minute at, size_t episode, bool first) {
    Consent c;
    c.id = NextId();
    c.given_at = at;
    c.episode = episode;
    c.purposes = kCaseCoordination | kReferral;
    if (rng_.Chance(0.25)) c.purposes |= kEvaluation;
    if (rng_.Chance(0.10)) c.purposes |= kStatistics;
    c.recipients = kNav | kReferralCommittee;
    if (rng_.Chance(0.35)) c.recipients |= kSchool;
    if (rng_.Chance(0.40)) c.recipients |= kHealth;
    if (rng_.Chance(p_.demo.age <= 22 ? 0.25 : 0.08)) c.recipients |= kChildWelfare;
    if (rng_.Chance(0.10)) c.recipients |= kEmployer;
    if (c.purposes & kEvaluation) c.recipients |= kEvaluator;
    c.categories = kIdentity | kEconomy;
    if (rng_.Chance(0.7)) c.categories |= kEducation;
    if (rng_.Chance(0.5)) c.categories |= kHealthData;
    if (rng_.Chance(0.6)) c.categories |= kCaseNotes;
    const char* method = first ? (rng_.Chance(0.95) ? "signed_form" : "oral_recorded")
                               : (rng_.Chance(0.8) ? "signed_form" : "electronic");
    Give(c, method, episode == 0 ? p_.reception_id : p_.primary_id);

    // Renewals while the case is open, unless withdrawn first.
    const bool withdraws = rng_.Chance(kWithdrawal);
    const Day withdraw_day = cohort_.calendar.OnOrAfter(DayOf(at) + rng_.Range(20, 240));
    const Minute withdraw_at = OfficeTime(rng_, withdraw_day);
    const bool next_day = rng_.Chance(0.3);
    for (;;) {
      const Day expiry = DayOf(c.expiries.back().second);
      const Day day = cohort_.calendar.OnOrAfter(expiry - rng_.Range(7, 45));
      const Minute renew_at = OfficeTime(rng_, day);
      const bool renews = rng_.Chance(kRenewal);
      if (!renews || !IsOpen(renew_at) || (withdraws && renew_at >= withdraw_at)) break;
      const Minute new_expiry = ExpiryAfter(expiry);
      c.expiries.emplace_back(renew_at, new_expiry);
      const std::string worker = p_.Worker(rng_, cohort_);
      w_.Emit(renew_at, "consent.renewed", Actor{worker, "caseworker"}, Basis::kConsent,
              [&](Json& data) {
                data["consent_id"] = c.id;
                data["expires_at"] = FormatInstant(new_expiry, 59);
              });
    }
    // A withdrawal counts only while the case work goes on and the consent is in force.
    if (withdraws && withdraw_day < p_.episodes[episode].exit_day && c.InForceAt(withdraw_at)) {
      c.withdrawn_effective =
          next_day ? AtTime(cohort_.calendar.OnOrAfter(withdraw_day + 1), 8, 0) : withdraw_at + 1;
      const std::string worker = p_.Worker(rng_, cohort_);
      w_.Emit(withdraw_at, "consent.withdrawn", Actor{worker, "caseworker"}, Basis::kConsent,
              [&](Json& data) {
                data["consent_id"] = c.id;
                data["effective_at"] = FormatInstant(c.withdrawn_effective);
              });
    }
    p_.consents.push_back(std::move(c));
  }

  // A second, narrower consent asked for in follow-up: for the evaluation or for an employer.
  void Second(Minute at, size_t episode) {
    Consent c;
    c.id = NextId();
    c.given_at = at;
    c.episode = episode;
    if (rng_.Chance(0.6)) {
      c.purposes = kEvaluation;
      c.recipients = kEvaluator;
      c.categories = kEconomy | kEducation;
    } else {
      c.purposes = kCaseCoordination;
      c.recipients = kEmployer;
      c.categories = kIdentity | kEducation;
    }
    const char* method = rng_.Chance(0.7) ? "signed_form" : "electronic";
    if (rng_.Chance(kSecondRefused)) {
      c.refused = true;
      const std::string worker = p_.Worker(rng_, cohort_);
      w_.Emit(at, "consent.refused", Actor{worker, "caseworker"}, Basis::kConsent,
              [&](Json& data) { data["consent_id"] = c.id; });
    } else {
      Give(c, method, p_.primary_id);
    }
    p_.consents.push_back(std::move(c));
  }

  Rng& rng() { return rng_; }

  bool AnyInForce(Minute t) const {
    for (const Consent& c : p_.consents) {
      if ((c.purposes & kCaseCoordination) && c.InForceAt(t)) return true;
    }
    return false;
  }

 private:
  std::string NextId() { return "con-" + std::to_string(++next_id_); }

  void Give(Consent& c, const char* method, const std::string& worker) {
    const Minute expiry = ExpiryAfter(DayOf(c.given_at));
    c.expiries.emplace_back(c.given_at, expiry);
    const std::string form = rng_.Hex(64);
    w_.Emit(c.given_at, "consent.given", Actor{worker, "caseworker"}, Basis::kConsent,
            [&](Json& data) {
              data["consent_id"] = c.id;
              data["purposes"] = Purposes(c.purposes);
              data["recipients"] = Recipients(c.recipients);
              data["data_categories"] = Categories(c.categories);
              data["method"] = method;
              data["form_sha256"] = form;
              data["expires_at"] = FormatInstant(expiry, 59);
            });
  }

  // The case is open at t (between its opening and its closing).
  bool IsOpen(Minute t) const {
    for (const Episode& e : p_.episodes) {
      if (t > e.open_at && t < e.close_at) return true;
    }
    return false;
  }

  const Cohort& cohort_;
  Participant& p_;
  EventWriter& w_;
  Rng rng_;
  int next_id_ = 0;
};

}  // namespace

void EmitConsents(const Cohort& cohort, Participant& p, EventWriter& w) {
  ConsentWriter consents(cohort, p, w);
  Rng& rng = consents.rng();
  // Invariant: the first consent is kIntakeConsentId, given within 20 minutes of case.opened,
  // before the referral (45 minutes or more later) cites it.
  consents.Standard(p.episodes[0].open_at + rng.Range(8, 20), 0, true);
  assert(p.consents.front().id == kIntakeConsentId);

  const Episode& first = p.episodes[0];
  if (first.follow_up != kNoDay && rng.Chance(kSecondAsked)) {
    const Day day = cohort.calendar.AddWorkingDays(first.follow_up + 1, rng.Range(0, 20));
    if (day < first.exit_day) {
      consents.Second(OfficeTime(rng, day), 0);
    }
  }
  for (size_t i = 1; i < p.episodes.size(); ++i) {
    const Minute at = p.episodes[i].open_at + rng.Range(10, 25);
    if (!consents.AnyInForce(at)) consents.Standard(at, i, false);
  }
}

}  // namespace ledger::synth
