// Streams the cohort in time order with bounded memory.
//
// Participants overlap in time, so their events must be merged, but holding every event until
// the end would make memory grow with the output. Instead the window is cut into time slices
// sized for about kSliceEvents (or options.slice_events) events each; for every slice each
// participant who has come in by then is simulated again from scratch (simulations depend only
// on the options and the participant, see simulate.h), and the events inside the slice are
// kept, sorted and written. The price is re-simulating, which is cheap beside serialising;
// memory is one slice of lines plus the identity registry's 10 bytes per participant.
#include "synth/cohort_generator.h"

#include <algorithm>

#include "cohort.h"
#include "event_writer.h"
#include "identity_registry.h"
#include "participant.h"
#include "simulate.h"

namespace ledger::synth {
namespace {

constexpr int64_t kSliceEvents = 80'000;
// A participant writes about this many events over a 36-month window (measured; only sizes the
// slices, so an error here costs speed or memory, never correctness).
constexpr int64_t kEventsPerParticipantEstimate = 112;

}  // namespace

std::string GenerateCohort(const CohortOptions& options,
                           const std::function<void(std::string_view line)>& sink) {
  Cohort cohort;
  if (std::string error = Cohort::Make(options, &cohort); !error.empty()) return error;
  const IdentityRegistry registry(cohort);
  if (cohort.scenario != Scenario::kNone) cohort.roles = AssignRoles(cohort, registry);

  const int days = cohort.window_end - cohort.window_start;
  const int64_t expected = int64_t{cohort.participants} * kEventsPerParticipantEstimate *
                           std::min(options.months, 36) / 36;
  const int64_t per_slice = options.slice_events > 0 ? options.slice_events : kSliceEvents;
  const int slices =
      static_cast<int>(std::clamp<int64_t>((expected + per_slice - 1) / per_slice, 1, days));

  EventWriter writer(cohort);
  Participant scratch;
  for (int s = 0; s < slices; ++s) {
    const Day begin = cohort.window_start + static_cast<Day>(int64_t{days} * s / slices);
    const Day end = cohort.window_start + static_cast<Day>(int64_t{days} * (s + 1) / slices);
    writer.SetSlice(AtTime(begin, 0, 0), AtTime(end, 0, 0));
    for (uint32_t i = 0; i < static_cast<uint32_t>(cohort.participants); ++i) {
      // Nothing of a participant precedes case.opened on the intake day.
      if (registry.Intake(i) >= end) continue;
      SimulateParticipant(cohort, registry, i, &scratch, &writer);
    }
    writer.Flush(sink);
  }
  return "";
}

}  // namespace ledger::synth
