// RunCaseload: the replay a caseload query needs, and its report.
#include "replay/caseload.h"

namespace ledger::replay {

Result<CaseloadRun> RunCaseload(Ledger& ledger, const CaseloadQuery& query, StateStore* store) {
  const int64_t now = query.now_us.value_or(NowMicros());
  ReplayFilter filter;
  std::optional<ReportTime> at;
  if (query.as_of) {
    at = ReportTime::EndOfDay(*query.as_of, query.zone);
    filter.occurred_at_most_us = at->instant_us;
  }
  if (query.at_seq && *query.at_seq > ledger.Size()) {
    return Status::InvalidArgument("--at-seq " + std::to_string(*query.at_seq) +
                                   ": the log has only " + std::to_string(ledger.Size()) +
                                   " entries");
  }
  CaseloadProjection caseload;
  ASSIGN_OR_RETURN(auto replayer, Replayer::Create(ledger, {&caseload}, filter));
  CaseloadRun run;
  const bool whole_log_now = !query.as_of && !query.at_seq;
  if (whole_log_now && store != nullptr) {
    ASSIGN_OR_RETURN(run.resume, replayer->Resume(*store));
  }
  RunOptions options;
  options.to_seq = query.at_seq;
  options.progress = query.progress;
  ASSIGN_OR_RETURN(run.stats, replayer->Run(options));
  if (whole_log_now && store != nullptr) RETURN_IF_ERROR(replayer->Save(*store));
  if (!at) {
    int64_t instant = now;
    if (query.at_seq && *query.at_seq > 0) {
      // The ledger's clock at that position. A resumed or empty run read no entry itself.
      ASSIGN_OR_RETURN(Entry last, ledger.ReadSeq(*query.at_seq - 1));
      instant = last.recorded_at_us;
    }
    at = ReportTime::AtInstant(instant, query.zone);
  }
  ASSIGN_OR_RETURN(LogPoint point, replayer->Point());
  run.report = caseload.Report(*at, point);
  return run;
}

}  // namespace ledger::replay
