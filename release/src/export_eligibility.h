// Who in a release's cohort may be released (docs/evaluator-guide.md, "Who is released"): the
// exclusions for erasure, restriction and consent, decided person by person.
#ifndef RELEASE_SRC_EXPORT_ELIGIBILITY_H_
#define RELEASE_SRC_EXPORT_ELIGIBILITY_H_

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "exclusion.h"
#include "export_cohort.h"
#include "ledger/ledger.h"
#include "release/release.h"

namespace ledger::release::internal {

// Why `c` may not be released for `approval` (kNone: may be). Consent is decided as of
// `decide_at_us` (the end of the report date); restrictions and objections as of `now_us`.
Result<ExclusionReason> ExclusionOf(Ledger& ledger, const Approval& approval, const Candidate& c,
                                    int64_t decide_at_us, int64_t now_us);

struct Eligibility {
  std::vector<const Candidate*> eligible;  // in subject order; point into the cohort
  ExclusionCounts excluded;
};

// Every cohort member in subject order, each either eligible or counted under its reason.
Result<Eligibility> SelectEligible(Ledger& ledger, const Approval& approval, const Cohort& cohort,
                                   int64_t decide_at_us, int64_t now_us);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_EXPORT_ELIGIBILITY_H_
