// Feeds projections from the ledger's public read API (EventLog::Scan), from the start or from a
// saved position, and saves their state with that position atomically (state_store.h).
//
//   auto caseload = std::make_unique<CaseloadProjection>();
//   LEDGER_ASSIGN_OR_RETURN(auto replayer, Replayer::Create(ledger, {caseload.get()}));
//   LEDGER_ASSIGN_OR_RETURN(auto store, StateStore::Open(dir));
//   LEDGER_ASSIGN_OR_RETURN(ResumeInfo resumed, replayer->Resume(*store));  // or start at 0
//   LEDGER_ASSIGN_OR_RETURN(RunStats run, replayer->Run());                 // up to the log's end
//   LEDGER_RETURN_IF_ERROR(replayer->Save(*store));
//
// A replayer applies each entry to every projection in the order given, then moves on. A
// filter (business time) decides which entries are applied; the others are skipped but still
// passed over, so the position always counts log entries.
//
// Thread safety: none; the ledger may be appended to concurrently (a run reads the prefix that
// existed when it started).
#ifndef REPLAY_REPLAYER_H_
#define REPLAY_REPLAYER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "replay/projection.h"
#include "replay/state_store.h"
#include "tlog/merkle.h"

namespace ledger::replay {

struct ReplayFilter {
  // Business-time bound: only events with occurred_at <= this instant (microseconds since the
  // epoch) are applied; later ones are skipped, wherever they are in the log (late entries
  // included). This is how a report "as of a date" is made (report_time.h, ReportTime).
  std::optional<int64_t> occurred_at_most_us;
  bool operator==(const ReplayFilter&) const = default;
};

struct ReplayProgress {
  uint64_t position = 0;  // next seq to read
  uint64_t end = 0;       // this run stops before this seq
  uint64_t applied = 0;   // entries applied in this run
  uint64_t skipped = 0;   // entries the filter skipped in this run
};

struct RunOptions {
  // Stop before this seq. Default: the ledger's size when the run starts. InvalidArgument if it
  // is beyond the log's end or before the replayer's position.
  std::optional<uint64_t> to_seq;
  // Called every `progress_every` entries and once at the end.
  std::function<void(const ReplayProgress&)> progress;
  uint64_t progress_every = 1 << 16;
};

struct RunStats {
  uint64_t from = 0;  // position before the run
  uint64_t to = 0;    // position after the run
  uint64_t applied = 0;
  uint64_t skipped = 0;
  // recorded_at of the last entry read (0 if none): the ledger's clock at that position.
  int64_t last_recorded_at_us = 0;
};

enum class ResumeKind {
  kFresh,    // nothing saved: start at 0
  kResumed,  // state restored: continue from the saved position
  kRebuilt,  // something saved did not match (see reason): start again at 0
};

struct ResumeInfo {
  ResumeKind kind = ResumeKind::kFresh;
  uint64_t position = 0;
  std::string reason;  // why a saved state was not used (kRebuilt)
};

// Where a state stands in the log: its size and Merkle root (RFC 6962). Reports carry it so
// that two parties can check that they computed from the same log.
struct LogPoint {
  uint64_t size = 0;
  tlog::Hash root{};
};

class Replayer {
 public:
  // `projections` must outlive the replayer and have distinct, well-formed names
  // (InvalidArgument otherwise). They are Reset() here: a replayer starts at position 0.
  static Result<std::unique_ptr<Replayer>> Create(Ledger& ledger,
                                                  std::vector<Projection*> projections,
                                                  ReplayFilter filter = {});
  ~Replayer();
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  uint64_t position() const { return position_; }
  const ReplayFilter& filter() const { return filter_; }

  // Restores the saved state if it matches: the same projections (names and versions, in any
  // order), the same filter, and a position whose root is the ledger's root at that size (the
  // log it came from is a prefix of this one). Otherwise every projection is Reset() and the
  // position is 0 (kRebuilt, with the reason). Errors: reading the store, a damaged file
  // (Corruption), a projection that cannot restore its own saved bytes (Corruption).
  Result<ResumeInfo> Resume(const StateStore& store);

  // Applies entries from position() up to options.to_seq. On error (Corruption or IOError from
  // the scan or a decode) the position and the projections' states are unspecified: Reset() or
  // Resume() before using them again, and do not Save().
  Result<RunStats> Run(const RunOptions& options = {});

  // Brings the projections up to an event this process has just appended: `result` is what
  // EventLog::Append acknowledged for `event`. The ledger stores the signed canonical bytes as
  // they are, so the event is applied from memory instead of being read back (a point read of
  // a fresh entry costs more than applying it): entries before it that the replayer has not
  // seen (others' appends) are read first (Run), and an event at or before the position (a
  // duplicate, or one a run already read) changes nothing. Errors as Run's.
  Status ApplyAppended(const SignedEvent& event, const AppendResult& result);

  // Saves position, log root, filter and every projection's state in one atomic write.
  // FailedPrecondition after a failed Run.
  Status Save(StateStore& store);
  // The state as Save would write it (for tests and tools).
  Result<SavedState> Snapshot();

  // Every projection back to empty, position 0.
  void Reset();

  // The log point of the current position.
  Result<LogPoint> Point();

 private:
  Replayer(Ledger& ledger, std::vector<Projection*> projections, ReplayFilter filter);

  Ledger& ledger_;
  std::vector<Projection*> projections_;
  ReplayFilter filter_;
  uint64_t position_ = 0;
  bool damaged_ = false;  // a Run failed: state unspecified until Reset or Resume
};

}  // namespace ledger::replay

#endif  // REPLAY_REPLAYER_H_
