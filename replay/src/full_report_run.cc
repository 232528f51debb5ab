// RunFullReport: one replay for every projection's report.
#include "replay/full_report.h"

namespace ledger::replay {

Result<FullReport> RunFullReport(Ledger& ledger, const OutcomesQuery& query, StateStore* store) {
  LEDGER_RETURN_IF_ERROR(ValidateOutcomesOptions(query.options));
  CaseloadProjection caseload;
  OutcomesProjection outcomes;
  ComplianceProjection compliance;
  LEDGER_ASSIGN_OR_RETURN(
      ReportRun run, ReplayForReport(ledger, query, {&caseload, &outcomes, &compliance}, store));
  return FullReport{caseload.Report(run.at, run.log),
                    outcomes.Report(run.at, run.log, query.options),
                    compliance.Report(run.at, run.log), run.resume, run.stats};
}

}  // namespace ledger::replay
