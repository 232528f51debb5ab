// Export's first pass over the log (export.cc): the cohort of a release, each member's
// quasi-identifiers, whether they were shredded, and their status and income observations.
#ifndef RELEASE_SRC_EXPORT_COHORT_H_
#define RELEASE_SRC_EXPORT_COHORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "k_anonymity.h"
#include "ledger/ledger.h"
#include "release/release.h"
#include "replay/report_time.h"

namespace ledger::release::internal {

// A status or income observation of a cohort member.
struct Observation {
  bool status = false;  // else income
  int64_t as_of_day = 0;
  int64_t occurred_day = 0;
  int64_t rank = 0;  // statuses: -enum; incomes: occurred_at
  uint64_t seq = 0;
};

// A cohort member: a case opened in the intake window, of an age in range, by the report date.
struct Candidate {
  std::string subject;
  QuasiIdentifiers qi;
  bool shredded = false;
  std::vector<Observation> observations;
};

// By ledger subject.
using Cohort = std::unordered_map<std::string, Candidate>;

// Scans the whole log once for the cohort of `params`: events up to the end of the report date
// (`as_of_end_us`), calendar days in `zone`. `progress(done, total)` every 65,536 entries.
Result<Cohort> ReadCohort(Ledger& ledger, const ExportParams& params,
                          const replay::ReportZone& zone, int64_t as_of_end_us,
                          const std::function<void(uint64_t, uint64_t)>& progress);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_EXPORT_COHORT_H_
