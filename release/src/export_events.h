// Export's second pass (export.cc): the released events of every released person, written by
// worker threads into part files; LKC-privacy of the trajectories those lines make; and the
// parts joined into events.jsonl without the suppressed lines.
#ifndef RELEASE_SRC_EXPORT_EVENTS_H_
#define RELEASE_SRC_EXPORT_EVENTS_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <vector>

#include "base/status.h"
#include "export_plan.h"
#include "ledger/ledger.h"
#include "pseudonyms.h"
#include "replay/report_time.h"
#include "trajectory.h"

namespace ledger::release::internal {

// One line written to a part file, as the trajectory model and the ledger-side check need it.
struct WrittenLine {
  TrajectoryEvent event;
  uint64_t seq = 0;
};

struct PartResult {
  std::filesystem::path path;
  Status status;
  uint64_t events = 0;
  uint64_t merged = 0;
  uint64_t censored = 0;  // after the released follow-up end
  std::vector<WrittenLine> lines;
};

// The part files in order, and their lines as trajectory events (in the same order).
struct EventParts {
  std::vector<PartResult> parts;
  std::vector<TrajectoryEvent> lines;
  uint32_t people = 0;
  uint64_t observations_merged = 0;
  uint64_t events_censored = 0;
};

// What the events pass reads and how it renders: the pseudonyms, the report zone, and events up
// to `as_of_end_us`.
struct EventSource {
  Ledger* ledger = nullptr;
  const Pseudonymizer* names = nullptr;
  const replay::ReportZone* zone = nullptr;
  int64_t as_of_end_us = 0;
};

// Person by person in pseudonym order, each in stream order: the file says nothing of how
// different people's events interleaved in time. Workers each write a contiguous share of the
// people into their own part file in `staging`; sets each Released's index. `progress(done,
// total)` counts people. The first failing part's status on failure.
Result<EventParts> WriteEventParts(const EventSource& source, ReleasePlan& plan,
                                   const std::filesystem::path& staging,
                                   const std::function<void(uint64_t, uint64_t)>& progress);

// LKC-privacy of the trajectories: measured before and after enforcing `lkc` (with L = 2 when
// nothing is enforced, lkc.l 0), and what was suppressed. Corruption if it does not hold after.
struct TrajectoryPrivacy {
  TrajectoryRisk before;
  TrajectoryRisk after;
  Enforcement enforcement;
};
Result<TrajectoryPrivacy> ProtectTrajectories(const std::vector<TrajectoryEvent>& lines,
                                              uint32_t people, const TrajectoryParams& lkc);

// events.jsonl: the parts joined in order without the suppressed lines (`suppressed` runs in
// parallel with the parts' lines); the part files are removed.
struct JoinedEvents {
  uint64_t events = 0;
  std::set<uint64_t> suppressed_seqs;  // the ledger entries of the suppressed lines
};
Result<JoinedEvents> JoinParts(const std::vector<PartResult>& parts,
                               const std::vector<bool>& suppressed,
                               const std::filesystem::path& events_path);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_EXPORT_EVENTS_H_
