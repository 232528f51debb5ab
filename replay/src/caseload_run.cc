// RunCaseload: the replay a caseload query needs (report_run.h), and its report.
#include "replay/caseload.h"
#include "replay/report_run.h"

namespace ledger::replay {

Result<CaseloadRun> RunCaseload(Ledger& ledger, const CaseloadQuery& query, StateStore* store) {
  CaseloadProjection caseload;
  LEDGER_ASSIGN_OR_RETURN(ReportRun run, ReplayForReport(ledger, query, {&caseload}, store));
  return CaseloadRun{caseload.Report(run.at, run.log), run.resume, run.stats};
}

}  // namespace ledger::replay
