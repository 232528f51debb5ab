// The replay a report needs, shared by every projection's report (caseload, outcomes,
// compliance, and all of them at once for `ledger report`):
//  - now: the whole log, resumed from a state store when one is given and saved to it after;
//  - as of a business date D: a replay filtered to the events that occurred by the end of D in
//    the report zone (ReportTime::EndOfDay), from zero;
//  - at a log position N: the entries [0, N), described at the ledger's clock there (the
//    recorded_at of entry N-1), from zero;
//  - both: filtered and bounded, described at the end of D.
// Reports as of a date or at a position leave the store alone: their state belongs to that
// question only.
#ifndef REPLAY_REPORT_RUN_H_
#define REPLAY_REPORT_RUN_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "replay/projection.h"
#include "replay/replayer.h"
#include "replay/report_time.h"
#include "replay/state_store.h"

namespace ledger::replay {

// Which moment a report describes (the CLI's --as-of, --at-seq and --zone).
struct ReportMoment {
  std::optional<CivilDate> as_of;
  std::optional<uint64_t> at_seq;
  ReportZone zone = ReportZone::EuropeOslo();
  // "Now" for a report of the whole log (and for at_seq = 0); default: the real time.
  std::optional<int64_t> now_us;
  std::function<void(const ReplayProgress&)> progress;
};

// Where the replay left the projections: the moment to report on and the log point they stand
// at, with how the run went.
struct ReportRun {
  ReportTime at;
  LogPoint log;
  ResumeInfo resume;  // kFresh unless a store was used
  RunStats stats;
};

// Replays `projections` (Reset first) as `moment` needs. InvalidArgument if at_seq is beyond the
// log's end; errors of the scan, the store and the projections' Restore as Replayer reports them.
Result<ReportRun> ReplayForReport(Ledger& ledger, const ReportMoment& moment,
                                  const std::vector<Projection*>& projections,
                                  StateStore* store = nullptr);

}  // namespace ledger::replay

#endif  // REPLAY_REPORT_RUN_H_
