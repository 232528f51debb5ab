#include "replay/report_run.h"

#include <string>

namespace ledger::replay {

Result<ReportRun> ReplayForReport(Ledger& ledger, const ReportMoment& moment,
                                  const std::vector<Projection*>& projections, StateStore* store) {
  const int64_t now = moment.now_us.value_or(NowMicros());
  ReplayFilter filter;
  std::optional<ReportTime> at;
  if (moment.as_of) {
    at = ReportTime::EndOfDay(*moment.as_of, moment.zone);
    filter.occurred_at_most_us = at->instant_us;
  }
  if (moment.at_seq && *moment.at_seq > ledger.log().Size()) {
    return Status::InvalidArgument("--at-seq " + std::to_string(*moment.at_seq) +
                                   ": the log has only " + std::to_string(ledger.log().Size()) +
                                   " entries");
  }
  LEDGER_ASSIGN_OR_RETURN(auto replayer, Replayer::Create(ledger, projections, filter));
  ReportRun run;
  const bool whole_log_now = !moment.as_of && !moment.at_seq;
  if (whole_log_now && store != nullptr) {
    LEDGER_ASSIGN_OR_RETURN(run.resume, replayer->Resume(*store));
  }
  RunOptions options;
  options.to_seq = moment.at_seq;
  options.progress = moment.progress;
  LEDGER_ASSIGN_OR_RETURN(run.stats, replayer->Run(options));
  if (whole_log_now && store != nullptr) LEDGER_RETURN_IF_ERROR(replayer->Save(*store));
  if (!at) {
    int64_t instant = now;
    if (moment.at_seq && *moment.at_seq > 0) {
      // The ledger's clock at that position. A resumed or empty run read no entry itself.
      LEDGER_ASSIGN_OR_RETURN(Entry last, ledger.log().ReadSeq(*moment.at_seq - 1));
      instant = last.recorded_at_us;
    }
    at = ReportTime::AtInstant(instant, moment.zone);
  }
  run.at = *at;
  LEDGER_ASSIGN_OR_RETURN(run.log, replayer->Point());
  return run;
}

}  // namespace ledger::replay
