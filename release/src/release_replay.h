// Replaying a release's events into projections (the evaluator's side and the exporter's own
// check): each line of events.jsonl becomes a catalogue event in its person's synthetic
// calendar, is encoded and checked exactly as an append would be, and is applied in order.
#ifndef RELEASE_SRC_RELEASE_REPLAY_H_
#define RELEASE_SRC_RELEASE_REPLAY_H_

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "base/status.h"
#include "release/release.h"
#include "replay/outcomes.h"
#include "replay/projection.h"
#include "replay/replayer.h"

namespace ledger::release::internal {

// Applies every event of `events_path` to `projections`; returns the release's log point: its
// event count and the RFC 6962 root over the canonical event bytes. Corruption naming the line
// and the field for a line that is not a valid released event (ParseEventJson's limits, a line
// over kMaxEventLineBytes, a field of the wrong type, an unknown person).
Result<replay::LogPoint> ReplayEventsFile(const std::string& events_path,
                                          const std::vector<ReleasePerson>& persons,
                                          const std::vector<replay::Projection*>& projections,
                                          const std::function<void(uint64_t done)>& progress = {});
// The same for the lines of `in` (events.jsonl's bytes), converted by `threads` threads (0: one
// per core, at most 4; 1: all on the calling thread, none started).
Result<replay::LogPoint> ReplayEvents(std::istream& in, const std::vector<ReleasePerson>& persons,
                                      const std::vector<replay::Projection*>& projections,
                                      const std::function<void(uint64_t done)>& progress = {},
                                      size_t threads = 0);

// The outcomes report of a release from a projection that replayed it: per-person follow-up,
// and the cohort's age bands and municipalities as released (not the codes the replay wrote).
// Exporter and evaluator both make it here, so the manifest's report hash is reproducible.
replay::OutcomesReport ReleaseReport(const replay::OutcomesProjection& projection,
                                     const std::vector<ReleasePerson>& persons,
                                     const CivilDate& as_of, const replay::LogPoint& point,
                                     const replay::OutcomesOptions& options);

// The per-person follow-up ends of `persons` in the synthetic calendar.
replay::OutcomesProjection::FollowUpEnds FollowUpEndsOf(const std::vector<ReleasePerson>& persons);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_RELEASE_REPLAY_H_
