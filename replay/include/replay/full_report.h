// Every projection's report from one replay: the caseload, the outcomes and the compliance
// checks of the same log at the same moment (`ledger report`, the demo, the benchmark), and the
// HTML page that shows them.
#ifndef REPLAY_FULL_REPORT_H_
#define REPLAY_FULL_REPORT_H_

#include <string>

#include "base/status.h"
#include "ledger/ledger.h"
#include "replay/caseload.h"
#include "replay/compliance.h"
#include "replay/outcomes.h"
#include "replay/report_run.h"
#include "replay/state_store.h"

namespace ledger::replay {

struct FullReport {
  CaseloadReport caseload;
  OutcomesReport outcomes;
  ComplianceReport compliance;
  ResumeInfo resume;
  RunStats stats;
};

// One replay feeding the three projections, as `query` asks (report_run.h; the outcomes
// options apply to the outcomes). InvalidArgument for invalid outcomes options.
Result<FullReport> RunFullReport(Ledger& ledger, const OutcomesQuery& query,
                                 StateStore* store = nullptr);

// One self-contained HTML page: inline CSS and SVG charts (status shares by horizon, the
// survival curve, the caseload by phase and category, compliance at a glance) and the tables
// behind them, with each report's SHA-256 (as its JSON carries it). No script, no external
// reference of any kind: it opens offline and prints as it shows.
std::string FullReportHtml(const FullReport& report);

}  // namespace ledger::replay

#endif  // REPLAY_FULL_REPORT_H_
