// A projection: state computed from the events of the log, in log order, by a pure function.
//
// Contract (docs/projections.md):
//  - Apply sees every entry of the log (or of the replayer's filter) exactly once, in seq order.
//    Its effect depends only on the event and the state: no clock, no randomness, no
//    environment. Events a projection has no use for are ignored cheaply.
//  - Apply cannot fail. The events were checked against the catalogue when they were appended;
//    a value a projection cannot interpret is ignored. Malformed Cap'n Proto data surfaces as an
//    exception that the replayer catches and reports as Corruption of that entry, after which
//    the projection's state is unspecified and must not be saved (the replayer does not).
//  - Serialize writes the whole state as canonical bytes (state_codec.h): the same state gives
//    the same bytes, so replaying the same log from zero and resuming from a saved state must
//    give byte-identical output. Restore(Serialize()) gives back an equal state.
//  - version() names the meaning of the state and of Apply: change it whenever either changes.
//    A saved state of another version is discarded and the projection rebuilt from zero.
//
// Thread safety: none; a projection is used by one replayer at a time.
#ifndef REPLAY_PROJECTION_H_
#define REPLAY_PROJECTION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger::replay {

class EventView;

class Projection {
 public:
  virtual ~Projection() = default;

  // A stable name: lowercase letters, digits, '_' and '.'; unique among the projections one
  // replayer feeds. It keys the projection's state in the saved file.
  virtual std::string_view name() const = 0;
  virtual uint32_t version() const = 0;

  virtual void Apply(const EventView& event) = 0;

  // Back to the state before any event.
  virtual void Reset() = 0;
  virtual std::string Serialize() const = 0;
  // Replaces the state by the one `bytes` encode. Corruption if they do not decode; the state
  // is then Reset().
  virtual Status Restore(std::string_view bytes) = 0;
};

}  // namespace ledger::replay

#endif  // REPLAY_PROJECTION_H_
