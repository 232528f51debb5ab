#include "export_eligibility.h"

#include <algorithm>
#include <string>

#include "ledger/consent.h"

namespace ledger::release::internal {
namespace {

// The data categories a release carries: payments (economy), statuses and courses (education).
const std::vector<std::string> kReleaseCategories = {"economy", "education"};

// A statutory basis needs no consent, but a participant who refused or withdrew consent for
// this purpose, and gave none in force since, has objected.
bool Objected(const SubjectConsents& consents, const std::string& purpose, int64_t now_us) {
  bool objected = false, in_force = false;
  for (const ConsentFacts& f : consents.consents) {
    if (std::find(f.purposes.begin(), f.purposes.end(), purpose) == f.purposes.end()) {
      continue;
    }
    if (InForceAt(f, now_us)) in_force = true;
    if (f.refused || (f.withdrawn_effective_us && *f.withdrawn_effective_us <= now_us)) {
      objected = true;
    }
  }
  return objected && !in_force;
}

}  // namespace

Result<ExclusionReason> ExclusionOf(Ledger& ledger, const Approval& approval, const Candidate& c,
                                    int64_t decide_at_us, int64_t now_us) {
  if (c.shredded) return ExclusionReason::kErased;
  LEDGER_ASSIGN_OR_RETURN(SubjectConsents consents, ledger.privacy().Consents(c.subject));
  if (consents.shredded) return ExclusionReason::kErased;
  if (RestrictionAt(consents.restrictions, approval.purpose, now_us) != nullptr) {
    return ExclusionReason::kRestricted;
  }
  if (BasisNeedsConsent(approval.basis)) {
    ConsentQuestion q;
    q.subject = c.subject;
    q.recipient = "evaluator:" + approval.recipient_org;
    q.data_categories = kReleaseCategories;
    q.purpose = approval.purpose;
    q.at_us = decide_at_us;
    ConsentDecision d = DecideConsent(consents.consents, consents.restrictions, q);
    return d.allowed() ? ExclusionReason::kNone : ExclusionReason::kNoConsent;
  }
  return Objected(consents, approval.purpose, now_us) ? ExclusionReason::kObjected
                                                      : ExclusionReason::kNone;
}

Result<Eligibility> SelectEligible(Ledger& ledger, const Approval& approval, const Cohort& cohort,
                                   int64_t decide_at_us, int64_t now_us) {
  std::vector<const Candidate*> ordered;
  for (const auto& [subject, c] : cohort) ordered.push_back(&c);
  std::sort(ordered.begin(), ordered.end(),
            [](const Candidate* a, const Candidate* b) { return a->subject < b->subject; });
  Eligibility out;
  for (const Candidate* c : ordered) {
    LEDGER_ASSIGN_OR_RETURN(ExclusionReason why,
                            ExclusionOf(ledger, approval, *c, decide_at_us, now_us));
    if (why == ExclusionReason::kNone) {
      out.eligible.push_back(c);
    } else {
      ++CountOf(out.excluded, why);
    }
  }
  return out;
}

}  // namespace ledger::release::internal
