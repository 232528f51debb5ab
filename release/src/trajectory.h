// Trajectory privacy of a release (docs/evaluator-guide.md, "Trajectories"): what an adversary
// who knows some of a person's events can learn from events.jsonl, measured, and bounded by
// LKC-privacy (Mohammed, Fung, Debbabi, "Walking in the crowd", 2009).
//
// The adversary knows up to L items of a person's trajectory, an item being (event type, coarse
// time): the event's released day divided by the bucket (in days), rounded down. A person's
// trajectory is the set of their distinct items; a set of items is shared by every person whose
// trajectory contains it. LKC-privacy holds when every set of at most L items is shared by 0 or
// at least K persons: whatever L items the adversary knows, they find no one or K candidates.
// (The C of LKC bounds the confidence of inferring a sensitive value; a release has no attribute
// singled out as sensitive, so C is not used, which is C = 1.)
//
// It is enforced by local suppression of items (Mohammed et al. suppress an item for everyone;
// suppressing it only where it violates loses far fewer events):
// a person whose trajectory holds a violating set (shared by 1..K-1) loses items of their own
// (all their events of that type in that bucket) until none of their sets violates, chosen
// greedily by violating sets removed per event lost. Items of events the outcome indicators need
// (payments, category assignments, status and income observations in a window before a horizon)
// go only for a set that has nothing else, and case.opened never. Removals can push other sets
// below K, so this repeats until no set violates.
#ifndef RELEASE_SRC_TRAJECTORY_H_
#define RELEASE_SRC_TRAJECTORY_H_

#include <cstdint>
#include <vector>

#include "base/status.h"

namespace ledger::release {

struct TrajectoryParams {
  int l = 2;             // items the adversary knows, 1..3; 0: enforce nothing
  int k = 5;             // persons a known set must match, unless it matches none
  int bucket_days = 91;  // coarse time of an item
};

// One released event as the model sees it. Events are grouped by person, in release order.
struct TrajectoryEvent {
  uint32_t person = 0;
  uint16_t type = 0;      // any numbering of event types
  int32_t day = 0;        // released day since intake
  bool required = false;  // never suppressed (case.opened)
  bool needed = false;    // the indicators use it: suppressed only if nothing else will do
};

struct TrajectoryRisk {
  uint64_t persons = 0;
  // Persons whose whole sequence of event types (in release order) no one else has.
  double unique_by_types = 0;
  // Persons with a set of at most L items that no one else has / fewer than K others share.
  double unique_by_items = 0;
  double below_k_by_items = 0;
  uint64_t violating_sets = 0;  // sets of at most L items shared by 1..K-1 persons
  uint64_t items = 0;           // distinct items
};

// The risk of `events` (of `persons` persons) without the events `suppressed` marks (if given).
// REQUIRES: 1 <= params.l <= 3 (0 is measured as 1).
Result<TrajectoryRisk> MeasureTrajectories(const std::vector<TrajectoryEvent>& events,
                                           uint32_t persons, const TrajectoryParams& params,
                                           const std::vector<bool>* suppressed = nullptr);

struct Enforcement {
  std::vector<bool> suppressed;   // per event
  uint64_t items_suppressed = 0;  // distinct items suppressed for at least one person
  uint64_t events_suppressed = 0;
  uint64_t needed_events_suppressed = 0;
};

// The events to suppress for LKC-privacy (nothing when params.l is 0). FailedPrecondition when
// a violating set holds only events that are never suppressed (fewer than K persons at all);
// InvalidArgument when the items are too many to count (a bucket far too fine).
Result<Enforcement> EnforceLkc(const std::vector<TrajectoryEvent>& events, uint32_t persons,
                               const TrajectoryParams& params);

}  // namespace ledger::release

#endif  // RELEASE_SRC_TRAJECTORY_H_
