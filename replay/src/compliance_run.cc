// RunCompliance: the replay a compliance report needs (report_run.h), and the report.
#include "replay/compliance.h"

namespace ledger::replay {

Result<ComplianceRun> RunCompliance(Ledger& ledger, const ReportMoment& moment, StateStore* store) {
  ComplianceProjection compliance;
  LEDGER_ASSIGN_OR_RETURN(ReportRun run, ReplayForReport(ledger, moment, {&compliance}, store));
  return ComplianceRun{compliance.Report(run.at, run.log), run.resume, run.stats};
}

}  // namespace ledger::replay
