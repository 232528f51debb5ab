// One ledger entry as projections see it: the positions the ledger assigned, the envelope fields
// every projection needs (already parsed), and the event itself through the generated Cap'n Proto
// readers of schema/event.capnp. No JSON, and no copy: the entry's bytes are read in place when
// they are 8-byte aligned (as heap strings are), else copied once into a buffer the decoder
// reuses.
//
// This header deliberately exposes `ledger::schema::Event::Reader`: projections are readers of
// the event catalogue, and the generated readers are the cheap way to read it. Reports built by
// projections (caseload.h and the like) expose no Cap'n Proto type.
#ifndef REPLAY_EVENT_VIEW_H_
#define REPLAY_EVENT_VIEW_H_

#include <capnp/message.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "base/aligned_words.h"
#include "base/status.h"
#include "event.capnp.h"
#include "ledger/entry_reader.h"
#include "ledger/types.h"

namespace ledger::replay {

// The member of the `data` union: which event type this is.
using EventType = schema::Event::Data::Which;

// Valid only while the decoder that filled it is not asked to decode another entry and the bytes
// it was decoded from live (a replayer hands it to each projection's Apply and then moves on):
// keep values, not views.
class EventView {
 public:
  uint64_t seq() const { return seq_; }
  uint64_t version() const { return version_; }
  int64_t recorded_at_us() const { return recorded_at_us_; }
  // occurred_at (business time) in microseconds since the epoch, UTC.
  int64_t occurred_at_us() const { return occurred_at_us_; }
  EventType type() const { return type_; }
  std::string_view stream() const { return stream_; }
  // Empty for events without a subject (keys, releases).
  std::string_view subject() const { return subject_; }

  schema::Event::Reader event() const { return event_; }
  schema::Event::Data::Reader data() const { return event_.getData(); }

 private:
  friend class EventDecoder;
  uint64_t seq_ = 0;
  uint64_t version_ = 0;
  int64_t recorded_at_us_ = 0;
  int64_t occurred_at_us_ = 0;
  EventType type_ = EventType::CASE_OPENED;
  std::string_view stream_;
  std::string_view subject_;
  schema::Event::Reader event_;
};

// Decodes entries into EventViews, reusing one buffer. Not thread-safe: one per thread.
//
// Input is bounded by ReaderOptions (traversal and nesting limits) as all input from disk is; a
// malformed entry is Corruption naming its seq. Cap'n Proto reports malformed data by exception
// also when a field is read later: a replayer runs Decode and the projections' Apply inside one
// catch (see replayer.cc), so a projection need not guard its reads.
class EventDecoder {
 public:
  EventDecoder();
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // `entry_bytes` are the canonical entry bytes (Entry::bytes, as EventLog::Scan(from,
  // /*decode=*/false) returns them) of the entry at `seq`, read by the ledger's EntryReader
  // (which checks the entry's format version and that it names `seq`). The view refers to
  // `entry_bytes` or to this decoder's buffers: keep both alive while using it.
  Status DecodeEntryBytes(uint64_t seq, std::string_view entry_bytes, EventView* out);

  // From an entry the ledger decoded already (EventLog::ReadSeq, Scan with decode = true).
  Status DecodeEntry(const Entry& entry, EventView* out);

 private:
  Status DecodeEvent(uint64_t seq, const capnp::word* words, size_t n, EventView* out);

  AlignedWords aligned_;  // for DecodeEntry's event bytes
  EntryReader entry_reader_;
  kj::ArrayPtr<const capnp::word> event_segment_[1];
  std::optional<capnp::SegmentArrayMessageReader> event_reader_;
};

// The JSON name of an event type ("case.opened"), as the catalogue writes it.
std::string_view EventTypeName(EventType type);

}  // namespace ledger::replay

#endif  // REPLAY_EVENT_VIEW_H_
