// Who a release gives and how (export.cc): from the eligible cohort members and the
// k-anonymity step's generalisation, each released person's pseudonym, generalised
// quasi-identifiers, synthetic timeline and released follow-up, and the one observation per
// released day that the indicators would use.
#ifndef RELEASE_SRC_EXPORT_PLAN_H_
#define RELEASE_SRC_EXPORT_PLAN_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "export_cohort.h"
#include "k_anonymity.h"
#include "pseudonyms.h"
#include "release/release.h"
#include "replay/outcomes.h"
#include "timeline.h"

namespace ledger::release::internal {

// The real end of a released person's follow-up: nothing after this day, no payment for a
// later month.
struct ReleasedEnd {
  int64_t end_day = 0;    // ReleasedFollowUpEnd, in days
  int32_t end_month = 0;  // its month number
};

struct Released {
  ReleasePerson person;
  PersonTimeline timeline;
  uint32_t index = 0;  // in pseudonym order
  bool office_kept = true;
  int64_t end_day = 0;    // the real end of the released follow-up (ReleasedFollowUpEnd)
  int32_t end_month = 0;  // its month number
  std::vector<int32_t> horizon_days;  // synthetic t0 + h, in released days
  CivilDate end_date;                 // ReleasedFollowUpEnd
};

struct ReleasePlan {
  std::unordered_map<std::string, Released> released;  // by ledger subject
  std::vector<ReleasePerson> persons;                  // in pseudonym order
  std::set<std::string, std::less<>> released_subjects;
  std::map<std::string, ReleasedEnd, std::less<>> ends;  // by ledger subject
  replay::OutcomesProjection::FollowUpEnds ledger_ends;  // by ledger subject
  // The status and income observations the release keeps: one per kind and released day.
  std::set<uint64_t> kept_observations;
};

// `eligible` and `anon.suppressed` run in parallel: the unsuppressed ones are released.
ReleasePlan PlanRelease(const std::vector<const Candidate*>& eligible, const Anonymisation& anon,
                        const ExportParams& params, const Pseudonymizer& names);

// Re-identification risk over the quasi-identifiers: before (every eligible person, nothing
// generalised) and after (the released classes). The population is the cohort: everyone in
// the window and age range, before exclusions and suppression.
struct QiRisk {
  ReidentificationRisk before;
  ReidentificationRisk after;
};
QiRisk MeasureQiRisk(const std::vector<const Candidate*>& eligible, const Cohort& cohort,
                     const Anonymisation& anon);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_EXPORT_PLAN_H_
