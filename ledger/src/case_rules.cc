#include "case_rules.h"

#include <algorithm>
#include <string>

#include "ledger/time_format.h"

namespace ledger::internal {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Status Refuse(std::string_view rule, std::string message) {
  return Status::FailedPrecondition("rule " + std::string(rule) + ": " + message);
}

// "data.decision_id: decision dec-9 does not exist in case/x"
Status Unknown(std::string_view field, std::string_view what, std::string_view id,
               std::string_view stream) {
  return Refuse("reference", "data." + std::string(field) + ": " + std::string(what) + " " +
                                 std::string(id) + " does not exist in " + std::string(stream));
}

Status Reused(std::string_view field, std::string_view what, std::string_view id,
              std::string_view stream) {
  return Refuse("unique-id", "data." + std::string(field) + ": " + std::string(what) + " " +
                                 std::string(id) + " already exists in " + std::string(stream));
}

Status WrongState(std::string_view field, std::string_view what, std::string_view id,
                  std::string_view why) {
  return Refuse("state", "data." + std::string(field) + ": " + std::string(what) + " " +
                             std::string(id) + " " + std::string(why));
}

// Events that start new work on a case; after case.closed they need a case.reopened first.
// Everything else (follow-up observations, late payments, winding up agreements, courses and
// sanctions, consent withdrawals, privacy operations) may still be recorded.
bool StartsNewWork(CaseOp op) {
  switch (op) {
    case CaseOp::kAssistanceDecided:
    case CaseOp::kConditionSet:
    case CaseOp::kConditionExempted:
    case CaseOp::kConditionBreached:
    case CaseOp::kSanctionImposed:
    case CaseOp::kPhaseEntered:
    case CaseOp::kCourseEnrolled:
    case CaseOp::kCategoryAssigned:
    case CaseOp::kPlanRecorded:
    case CaseOp::kAgreementSigned:
    case CaseOp::kConsentGiven:
    case CaseOp::kConsentRenewed:
    case CaseOp::kReferralMade:
    case CaseOp::kDisclosureMade:
      return true;
    default:
      return false;
  }
}

Status CheckConsentRef(const CaseFacts& f, std::string_view field, std::string_view stream,
                       const CaseState& s, int64_t occurred_at_us) {
  if (s.FindConsent(f.ref) == nullptr) return Unknown(field, "consent", f.ref, stream);
  if (const RestrictionPeriod* r = RestrictionAt(s.restrictions, f.purpose, occurred_at_us)) {
    return Refuse("restriction", "processing for purpose " + f.purpose + " is restricted in " +
                                     std::string(stream) + " since " +
                                     FormatInstantMicros(r->from_us) +
                                     ": consent-based sharing is blocked until it is lifted");
  }
  return Status::Ok();
}

// The UTC calendar date of an instant.
std::string DateOfInstant(int64_t us) { return FormatInstantMicros(us).substr(0, 10); }

// Keeps the day of month, clamped to the month's last day.
CivilDate AddMonthsClamped(CivilDate d, int months) {
  int index = d.year * 12 + (d.month - 1) + months;
  d.year = index / 12;
  d.month = index % 12 + 1;
  d.day = std::min(d.day, DaysInMonth(d.year, d.month));
  return d;
}

// The case itself: closing and reopening.
Status CheckCaseLifecycle(const CaseFacts& f, std::string_view stream, const CaseState& s) {
  if (f.op == CaseOp::kClosed && s.closed) {
    return Refuse("state", std::string(stream) + " is already closed");
  }
  if (f.op == CaseOp::kReopened && !s.closed) {
    return Refuse("state", std::string(stream) + " is not closed");
  }
  return Status::Ok();
}

// Decisions, payments, conditions and breaches.
Status CheckDecisions(const CaseFacts& f, std::string_view stream, const CaseState& s) {
  switch (f.op) {
    case CaseOp::kAssistanceDecided:
      if (s.decisions.contains(f.id)) return Reused("decision_id", "decision", f.id, stream);
      return Status::Ok();
    case CaseOp::kPaymentMade: {
      auto it = s.decisions.find(f.ref);
      if (it == s.decisions.end()) return Unknown("decision_id", "decision", f.ref, stream);
      if (!it->second) {
        return WrongState("decision_id", "decision", f.ref,
                          "was refused: nothing is paid under it");
      }
      return Status::Ok();
    }
    case CaseOp::kConditionSet:
    case CaseOp::kConditionExempted: {
      bool set = f.op == CaseOp::kConditionSet;
      const auto& ids = set ? s.conditions : s.exemptions;
      if (ids.contains(f.id)) {
        return Reused(set ? "condition_id" : "exemption_id", set ? "condition" : "exemption", f.id,
                      stream);
      }
      if (!s.decisions.contains(f.ref)) return Unknown("decision_id", "decision", f.ref, stream);
      return Status::Ok();
    }
    case CaseOp::kConditionBreached:
      if (s.breaches.contains(f.id)) return Reused("breach_id", "breach", f.id, stream);
      if (!s.conditions.contains(f.ref)) return Unknown("condition_id", "condition", f.ref, stream);
      return Status::Ok();
    case CaseOp::kBreachNotified:
    case CaseOp::kBreachAssessed: {
      auto it = s.breaches.find(f.id);
      if (it == s.breaches.end()) return Unknown("breach_id", "breach", f.id, stream);
      if (f.op == CaseOp::kBreachAssessed && it->second.assessed) {
        return WrongState("breach_id", "breach", f.id, "is already assessed");
      }
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

// Sanctions and their appeals.
Status CheckSanctions(const CaseFacts& f, std::string_view stream, const CaseState& s) {
  if (f.op == CaseOp::kSanctionImposed) {
    if (s.sanctions.contains(f.id)) return Reused("sanction_id", "sanction", f.id, stream);
    if (!s.breaches.contains(f.ref)) return Unknown("breach_id", "breach", f.ref, stream);
    if (!s.decisions.contains(f.basis_decision)) {
      return Unknown("basis_decision_id", "decision", f.basis_decision, stream);
    }
    return Status::Ok();
  }
  auto it = s.sanctions.find(f.id);
  if (it == s.sanctions.end()) return Unknown("sanction_id", "sanction", f.id, stream);
  const SanctionState& x = it->second;
  if (f.op == CaseOp::kSanctionLifted && x.lifted) {
    return WrongState("sanction_id", "sanction", f.id, "is already lifted");
  }
  if (f.op == CaseOp::kSanctionAppealed && x.appealed) {
    return WrongState("sanction_id", "sanction", f.id, "is already appealed");
  }
  if (f.op == CaseOp::kAppealDecided && !x.appealed) {
    return WrongState("sanction_id", "sanction", f.id, "was not appealed");
  }
  if (f.op == CaseOp::kAppealDecided && x.appeal_decided) {
    return WrongState("sanction_id", "sanction", f.id, "has its appeal decided already");
  }
  return Status::Ok();
}

// Courses.
Status CheckCourses(const CaseFacts& f, std::string_view stream, const CaseState& s) {
  if (f.op == CaseOp::kCourseEnrolled) {
    if (s.courses.contains(f.id)) return Reused("course_id", "course", f.id, stream);
    return Status::Ok();
  }
  auto it = s.courses.find(f.id);
  if (it == s.courses.end()) return Unknown("course_id", "course", f.id, stream);
  if (it->second) return WrongState("course_id", "course", f.id, "has already ended");
  return Status::Ok();
}

// Agreements: signing (with the ledger's limit on main problems), reviews and closing.
Status CheckAgreements(const CaseFacts& f, std::string_view stream, const CaseState& s,
                       const CaseRulesConfig& config) {
  if (f.op == CaseOp::kAgreementSigned) {
    if (s.agreements.contains(f.id)) return Reused("agreement_id", "agreement", f.id, stream);
    if (f.problems.size() > config.max_agreement_problems) {
      return Refuse("problem-limit", "data.problems: agreement " + f.id + " names " +
                                         std::to_string(f.problems.size()) + " problems; at most " +
                                         std::to_string(config.max_agreement_problems) +
                                         " main problems are allowed in this ledger");
    }
    // Duplicate problem or task ids, and tasks naming unlisted problems, are refused by the
    // validator (InvalidArgument) before any state is looked at.
    return Status::Ok();
  }
  auto it = s.agreements.find(f.id);
  if (it == s.agreements.end()) return Unknown("agreement_id", "agreement", f.id, stream);
  if (it->second.closed) {
    return WrongState("agreement_id", "agreement", f.id,
                      f.op == CaseOp::kAgreementClosed ? "is already closed"
                                                       : "is closed: it cannot be reviewed again");
  }
  if (f.op == CaseOp::kTaskReviewed && !it->second.tasks.contains(f.ref)) {
    return Refuse("reference",
                  "data.task_id: task " + f.ref + " does not exist in agreement " + f.id);
  }
  if (f.op == CaseOp::kProblemEvaluated && !it->second.problems.contains(f.ref)) {
    return Refuse("reference",
                  "data.problem_id: problem " + f.ref + " does not exist in agreement " + f.id);
  }
  return Status::Ok();
}

// consent.renewed, .withdrawn, .revoked, .invalidated: the consent must be given and in a
// state that allows the operation.
Status CheckConsentChange(const CaseFacts& f, std::string_view stream, const CaseState& s) {
  const ConsentFacts* c = s.FindConsent(f.id);
  if (c == nullptr) return Unknown("consent_id", "consent", f.id, stream);
  if (!c->given) return WrongState("consent_id", "consent", f.id, "was refused, never given");
  if (c->withdrawn_effective_us) {
    return WrongState("consent_id", "consent", f.id, "was withdrawn");
  }
  if (c->revoked_at_us) return WrongState("consent_id", "consent", f.id, "was revoked");
  if (c->invalidated_at_us && f.op != CaseOp::kConsentRevoked) {
    return WrongState("consent_id", "consent", f.id, "was invalidated");
  }
  if (c->replaced_at_us && f.op == CaseOp::kConsentRenewed) {
    return WrongState("consent_id", "consent", f.id, "was replaced by " + c->replaced_by);
  }
  return Status::Ok();
}

// Consents, referrals and disclosures.
Status CheckConsentAndSharing(const CaseFacts& f, std::string_view stream, int64_t occurred_at_us,
                              const CaseState& s) {
  switch (f.op) {
    case CaseOp::kConsentGiven:
    case CaseOp::kConsentRefused:
      if (s.FindConsent(f.id) != nullptr) return Reused("consent_id", "consent", f.id, stream);
      if (!f.ref.empty()) {
        const ConsentFacts* old = s.FindConsent(f.ref);
        if (old == nullptr || !old->given) return Unknown("replaces", "consent", f.ref, stream);
      }
      return Status::Ok();
    case CaseOp::kConsentRenewed:
    case CaseOp::kConsentWithdrawn:
    case CaseOp::kConsentRevoked:
    case CaseOp::kConsentInvalidated:
      return CheckConsentChange(f, stream, s);
    case CaseOp::kReferralMade:
      if (s.referrals.contains(f.id)) return Reused("referral_id", "referral", f.id, stream);
      return CheckConsentRef(f, "consent_id", stream, s, occurred_at_us);
    case CaseOp::kReferralRecommended:
      if (!s.referrals.contains(f.id)) return Unknown("referral_id", "referral", f.id, stream);
      return Status::Ok();
    case CaseOp::kDisclosureMade:
      if (s.disclosures.contains(f.id)) return Reused("disclosure_id", "disclosure", f.id, stream);
      if (f.ref.empty()) return Status::Ok();  // a statutory basis needs no consent
      return CheckConsentRef(f, "basis", stream, s, occurred_at_us);
    default:
      return Status::Ok();
  }
}

// Erasure requests and decisions, and shredding on request.
Status CheckErasure(const CaseFacts& f, std::string_view stream, const CaseState& s) {
  if (f.op == CaseOp::kErasureRequested) {
    if (s.erasures.contains(f.id)) return Reused("request_id", "erasure request", f.id, stream);
    return Status::Ok();
  }
  if (f.op == CaseOp::kSubjectShredded && !f.flag) {
    return Status::Ok();  // a retention rule: the policy check decides
  }
  auto it = s.erasures.find(f.id);
  if (it == s.erasures.end()) return Unknown("request_id", "erasure request", f.id, stream);
  if (f.op == CaseOp::kErasureDecided && it->second.decided) {
    return WrongState("request_id", "erasure request", f.id, "is already decided");
  }
  if (f.op == CaseOp::kSubjectShredded && !it->second.granted) {
    return WrongState("request_id", "erasure request", f.id,
                      "was not granted (erasure.decided granted must come first)");
  }
  return Status::Ok();
}

// Restricting processing for a purpose, and lifting the restriction.
Status CheckRestriction(const CaseFacts& f, std::string_view stream, const CaseState& s) {
  bool open = false;
  for (const auto& r : s.restrictions) open = open || (r.purpose == f.purpose && !r.until_us);
  if (f.op == CaseOp::kProcessingRestricted && open) {
    return Refuse("state", "data.purpose: processing for " + f.purpose +
                               " is already restricted in " + std::string(stream));
  }
  if (f.op == CaseOp::kProcessingUnrestricted && !open) {
    return Refuse("state", "data.purpose: processing for " + f.purpose + " is not restricted in " +
                               std::string(stream));
  }
  return Status::Ok();
}

}  // namespace

Status CheckCaseEvent(const CaseFacts& f, std::string_view stream, int64_t occurred_at_us,
                      const CaseState& s, const CaseRulesConfig& config) {
  if (f.op == CaseOp::kNone) return Status::Ok();
  if (s.closed && StartsNewWork(f.op)) {
    return Refuse("closed-case", std::string(stream) + " is closed (since " +
                                     DateOfInstant(s.closed_at_us) +
                                     "): record case.reopened before new work on it");
  }
  switch (f.op) {
    case CaseOp::kClosed:
    case CaseOp::kReopened:
      return CheckCaseLifecycle(f, stream, s);
    case CaseOp::kAssistanceDecided:
    case CaseOp::kPaymentMade:
    case CaseOp::kConditionSet:
    case CaseOp::kConditionExempted:
    case CaseOp::kConditionBreached:
    case CaseOp::kBreachNotified:
    case CaseOp::kBreachAssessed:
      return CheckDecisions(f, stream, s);
    case CaseOp::kSanctionImposed:
    case CaseOp::kSanctionLifted:
    case CaseOp::kSanctionAppealed:
    case CaseOp::kAppealDecided:
      return CheckSanctions(f, stream, s);
    case CaseOp::kCourseEnrolled:
    case CaseOp::kCourseAttended:
    case CaseOp::kCourseEnded:
      return CheckCourses(f, stream, s);
    case CaseOp::kAgreementSigned:
    case CaseOp::kTaskReviewed:
    case CaseOp::kProblemEvaluated:
    case CaseOp::kAgreementClosed:
      return CheckAgreements(f, stream, s, config);
    case CaseOp::kConsentGiven:
    case CaseOp::kConsentRefused:
    case CaseOp::kConsentRenewed:
    case CaseOp::kConsentWithdrawn:
    case CaseOp::kConsentRevoked:
    case CaseOp::kConsentInvalidated:
    case CaseOp::kReferralMade:
    case CaseOp::kReferralRecommended:
    case CaseOp::kDisclosureMade:
      return CheckConsentAndSharing(f, stream, occurred_at_us, s);
    case CaseOp::kErasureRequested:
    case CaseOp::kErasureDecided:
    case CaseOp::kSubjectShredded:
      return CheckErasure(f, stream, s);
    case CaseOp::kProcessingRestricted:
    case CaseOp::kProcessingUnrestricted:
      return CheckRestriction(f, stream, s);
    default:
      return Status::Ok();
  }
}

Status CheckCasePolicy(const CaseFacts& f, std::string_view stream, int64_t occurred_at_us,
                       const CaseState& s, const LedgerPolicy& policy) {
  const ArchiveRule* archived = policy.ArchiveRuleFor(s.municipality, s.programme, s.intake_date);
  if (f.op == CaseOp::kErasureDecided && f.flag && archived != nullptr) {
    return Refuse("archive-duty", std::string(stream) + " must be archived under rule " +
                                      archived->name + " (" + archived->ground +
                                      "): erasure request " + f.id +
                                      " cannot be granted; record it as refused with that ground");
  }
  if (f.op == CaseOp::kSubjectShredded && !f.flag) {
    const RetentionRule* rule = policy.FindRetentionRule(f.retention_rule);
    if (rule == nullptr) {
      return Refuse("retention",
                    "data.retention_rule: the policy has no retention rule " + f.retention_rule);
    }
    if (archived != nullptr) {
      return Refuse("archive-duty", std::string(stream) + " must be archived under rule " +
                                        archived->name + " (" + archived->ground + ")");
    }
    if (!s.closed) {
      return Refuse("retention", std::string(stream) + " is not closed: retention rule " +
                                     rule->name + " applies only to closed cases");
    }
    CivilDate closed = CivilFromDays(FloorDiv(s.closed_at_us, kMicrosPerDay));
    CivilDate due = AddMonthsClamped(closed, static_cast<int>(rule->months_after_closure));
    if (FloorDiv(occurred_at_us, kMicrosPerDay) < DaysFromCivil(due)) {
      return Refuse("retention", std::string(stream) + " was closed on " + FormatDate(closed) +
                                     "; retention rule " + rule->name + " allows shredding from " +
                                     FormatDate(due));
    }
  }
  return Status::Ok();
}

void ApplyCaseEvent(const CaseFacts& f, int64_t occurred_at_us, uint64_t seq, CaseState* s) {
  switch (f.op) {
    case CaseOp::kOpened:
      s->municipality = f.municipality;
      s->programme = f.programme;
      s->intake_date = f.intake_date;
      break;
    case CaseOp::kClosed:
      s->closed = true;
      s->closed_at_us = occurred_at_us;
      break;
    case CaseOp::kReopened:
      s->closed = false;
      break;
    case CaseOp::kAssistanceDecided:
      s->decisions[f.id] = f.flag;
      break;
    case CaseOp::kConditionSet:
      s->conditions.insert(f.id);
      break;
    case CaseOp::kConditionExempted:
      s->exemptions.insert(f.id);
      break;
    case CaseOp::kConditionBreached:
      s->breaches[f.id];
      break;
    case CaseOp::kBreachNotified:
      s->breaches[f.id].notified = true;
      break;
    case CaseOp::kBreachAssessed:
      s->breaches[f.id].assessed = true;
      break;
    case CaseOp::kSanctionImposed:
      s->sanctions[f.id];
      break;
    case CaseOp::kSanctionLifted:
      s->sanctions[f.id].lifted = true;
      break;
    case CaseOp::kSanctionAppealed:
      s->sanctions[f.id].appealed = true;
      break;
    case CaseOp::kAppealDecided:
      s->sanctions[f.id].appeal_decided = true;
      break;
    case CaseOp::kCourseEnrolled:
      s->courses[f.id] = false;
      break;
    case CaseOp::kCourseEnded:
      s->courses[f.id] = true;
      break;
    case CaseOp::kPlanRecorded:
      s->plans.insert(f.id);
      break;
    case CaseOp::kAgreementSigned: {
      AgreementState& a = s->agreements[f.id];
      a.problems.insert(f.problems.begin(), f.problems.end());
      for (const auto& t : f.tasks) a.tasks.insert(t.first);
      break;
    }
    case CaseOp::kAgreementClosed:
      s->agreements[f.id].closed = true;
      break;
    case CaseOp::kConsentGiven:
      s->consents.push_back(f.consent);
      if (!f.ref.empty()) s->FindConsent(f.ref)->Replace(occurred_at_us, f.id);
      break;
    case CaseOp::kConsentRefused: {
      ConsentFacts& c = s->consents.emplace_back();
      c.consent_id = f.id;
      c.refused = true;
      c.refused_at_us = occurred_at_us;
      break;
    }
    case CaseOp::kConsentRenewed:
      s->FindConsent(f.id)->renewals.push_back({occurred_at_us, seq, f.instant_us});
      break;
    case CaseOp::kConsentWithdrawn:
      s->FindConsent(f.id)->Withdraw(f.instant_us);
      break;
    case CaseOp::kConsentRevoked:
      s->FindConsent(f.id)->Revoke(occurred_at_us);
      break;
    case CaseOp::kConsentInvalidated:
      s->FindConsent(f.id)->Invalidate(occurred_at_us);
      break;
    case CaseOp::kReferralMade:
      s->referrals.insert(f.id);
      break;
    case CaseOp::kDisclosureMade:
      s->disclosures.insert(f.id);
      break;
    case CaseOp::kErasureRequested:
      s->erasures[f.id];
      break;
    case CaseOp::kErasureDecided:
      s->erasures[f.id].decided = true;
      s->erasures[f.id].granted = f.flag;
      break;
    case CaseOp::kProcessingRestricted:
      s->restrictions.push_back({f.purpose, occurred_at_us, std::nullopt});
      break;
    case CaseOp::kProcessingUnrestricted:
      if (RestrictionPeriod* r = s->OpenRestriction(f.purpose)) {
        r->until_us = std::max(occurred_at_us, r->from_us);
      }
      break;
    default:
      break;
  }
}

}  // namespace ledger::internal
