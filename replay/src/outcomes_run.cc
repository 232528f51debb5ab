// RunOutcomes: the replay an outcomes query needs (report_run.h), and its report.
#include "replay/outcomes.h"

namespace ledger::replay {

Result<OutcomesRun> RunOutcomes(Ledger& ledger, const OutcomesQuery& query, StateStore* store) {
  LEDGER_RETURN_IF_ERROR(ValidateOutcomesOptions(query.options));
  OutcomesProjection outcomes;
  LEDGER_ASSIGN_OR_RETURN(ReportRun run, ReplayForReport(ledger, query, {&outcomes}, store));
  return OutcomesRun{outcomes.Report(run.at, run.log, query.options), run.resume, run.stats};
}

}  // namespace ledger::replay
