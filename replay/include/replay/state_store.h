// Saved projection state: one file in a directory holding the log position, the Merkle root of
// the log up to it, the replayer's filter, and every projection's name, version and state. It is
// replaced in one atomic step (write a temporary file, fsync, rename over, fsync the directory),
// so after a crash the file holds either the previous save or the new one, never a mix.
//
// The store is separate from the ledger's RocksDB: projection state is derived data and may be
// deleted at any time (the next run rebuilds it from the log).
//
// Thread safety: none. One process at a time may save into a directory.
#ifndef REPLAY_STATE_STORE_H_
#define REPLAY_STATE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace ledger::replay {

struct SavedProjection {
  std::string name;
  uint32_t version = 0;
  std::string state;  // Projection::Serialize()
  bool operator==(const SavedProjection&) const = default;
};

struct SavedState {
  // Entries [0, position) were applied (those the filter let through).
  uint64_t position = 0;
  // The root of the ledger's tree of `position` entries: on resume, proof that the log the
  // state came from is a prefix of the log being read.
  tlog::Hash log_root{};
  // The replayer's filter (ReplayFilter::occurred_at_most_us).
  std::optional<int64_t> occurred_at_most_us;
  std::vector<SavedProjection> projections;
  bool operator==(const SavedState&) const = default;
};

// File format (all integers as in state_codec.h):
//   file  = magic body digest
//   magic = "ledger-replay-state" 0x00          (20 bytes)
//   body  = uvarint format_version (1)
//           uvarint position
//           raw 32 log_root
//           bool has_cutoff [svarint occurred_at_most_us]
//           count n, n * (bytes name, uvarint version, bytes state)
//   digest = SHA-256(body)                       (32 bytes)
std::string EncodeSavedState(const SavedState& state);
// Corruption if the magic, the digest or the body is wrong; FailedPrecondition if the format
// version is one this program does not know (the caller rebuilds).
Result<SavedState> DecodeSavedState(std::string_view bytes);

class StateStore {
 public:
  // Uses `dir` (created if missing) and the file `dir`/replay.state in it.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& dir);

  // nullopt if nothing was saved yet.
  Result<std::optional<SavedState>> Load() const;
  // Replaces the saved state atomically and durably.
  Status Save(const SavedState& state);
  // Deletes the saved state (if any).
  Status Clear();

  const std::string& path() const { return path_; }

 private:
  StateStore(std::string dir, std::string path) : dir_(std::move(dir)), path_(std::move(path)) {}
  std::string dir_;
  std::string path_;
};

}  // namespace ledger::replay

#endif  // REPLAY_STATE_STORE_H_
