// Export's third pass (export.cc): the ledger's own outcomes for the released people, rebuilt
// twice from the log: as the release gives them (each person's released follow-up, without the
// events suppressed for LKC-privacy), which must agree with the release figure by figure, and
// in full, against which the release's cost is measured.
#ifndef RELEASE_SRC_EXPORT_CHECK_H_
#define RELEASE_SRC_EXPORT_CHECK_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "export_plan.h"
#include "ledger/ledger.h"
#include "replay/outcomes.h"
#include "replay/report_time.h"

namespace ledger::release::internal {

// How far the release's outcomes moved from the ledger's own for the same people: the figures
// that differ (as "what: ledger x release y"), the person-horizons no longer followed, and the
// largest change of an O2-O7 share in percentage points.
struct Moved {
  std::vector<std::string> figures;
  uint64_t followed_lost = 0;
  double max_share_points = 0;
};

struct LedgerComparison {
  std::vector<std::string> disagreements;  // with the ledger as released: empty when they agree
  std::string agreement_scope;             // which figures were compared
  Moved moved;                             // from the ledger in full
  replay::OutcomesReport ledger_outcomes;  // the ledger's own, in full
};

// `release` is the release's own outcomes report, unsuppressed, with per-person follow-up.
// `calendar`: the intake period is the month, so O10-O11 are compared too.
// `progress(done, total)` as the ledger is replayed.
Result<LedgerComparison> CompareWithLedger(Ledger& ledger, const ReleasePlan& plan,
                                           const std::set<uint64_t>& suppressed_seqs,
                                           const replay::ReportZone& zone,
                                           const ExportParams& params,
                                           const replay::OutcomesReport& release, bool calendar,
                                           const std::function<void(uint64_t, uint64_t)>& progress);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_EXPORT_CHECK_H_
