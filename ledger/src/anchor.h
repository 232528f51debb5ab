// The anchor: what the ledger last committed and last signed, kept outside the RocksDB store.
//
// The store alone cannot tell that it lost acknowledged writes: a write-ahead log that was
// truncated at a record boundary, or deleted, or a directory put back from an older copy, opens
// as a shorter but perfectly consistent store. The anchor can: it records, outside the store,
// the tree head of every committed group and the latest signed checkpoint, and opening a store
// that is behind either, or whose tree differs from either, is Corruption. So the ledger never
// acknowledges an append and then silently forgets it, and never signs a checkpoint that is not
// consistent with one it signed before (which would fork its own history).
//
// Two files in the data directory (docs/formats.md, "Anchor files"):
//   LEDGER-HEAD        two 64-byte slots, each a committed tree head (generation, size, root)
//                      with a checksum; written in place, alternating slots, after each group is
//                      durable in the store. Not synced: it is written only after the store's
//                      synced write, so after a process crash it is current and after a power
//                      loss it can only be older than the store (a stale slot, or the other
//                      slot if one was torn), never ahead of it. Opening then finds the store at
//                      or beyond the anchor, which is consistent.
//   LEDGER-CHECKPOINT  the latest signed checkpoint note, replaced atomically and synced before
//                      the checkpoint is stored in the store or served, so that no checkpoint
//                      ever left the process without the anchor knowing it.
// The store also records that it is anchored (meta "anchored"), so that deleting the anchor
// files is itself detected.
#ifndef LEDGER_SRC_ANCHOR_H_
#define LEDGER_SRC_ANCHOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "tlog/merkle.h"

namespace ledger::internal {

inline constexpr std::string_view kAnchorHeadFile = "LEDGER-HEAD";
inline constexpr std::string_view kAnchorCheckpointFile = "LEDGER-CHECKPOINT";

// A tree head: the first `size` entries have Merkle root `root`.
struct AnchoredHead {
  uint64_t size = 0;
  tlog::Hash root{};
};

struct AnchorContents {
  std::optional<AnchoredHead> committed;  // absent: no LEDGER-HEAD file
  std::string checkpoint_note;            // empty: no LEDGER-CHECKPOINT file
};

// Reads the anchor files of `dir`. Corruption if a file exists but is damaged (for LEDGER-HEAD:
// neither slot checks out).
Result<AnchorContents> ReadAnchor(const std::string& dir);

// Compares a store of `store_size` entries with what the anchor recorded. `root_at(n)` is the
// store's root of its first n entries (n <= store_size). Corruption names the file, the sizes and
// both roots, and what an operator does next.
Status CheckStoreAgainstAnchor(uint64_t store_size,
                               const std::function<Result<tlog::Hash>(uint64_t)>& root_at,
                               const std::optional<AnchoredHead>& committed,
                               const std::optional<AnchoredHead>& checkpoint);

// The same comparison with one checkpoint from elsewhere (`source` names it in a failure: the
// key-side file of LedgerOptions::signed_checkpoint_file).
Status CheckStoreAgainstCheckpoint(std::string_view source, uint64_t store_size,
                                   const std::function<Result<tlog::Hash>(uint64_t)>& root_at,
                                   const AnchoredHead& checkpoint);

// Keeps the anchor of one open, writable ledger. Not thread-safe: the ledger's writer calls it
// from one thread at a time (commits from the writer thread, checkpoints under its lock).
class AnchorWriter {
 public:
  // Opens the anchor files of `dir`; a missing LEDGER-HEAD is created (durably) holding `head`.
  static Result<std::unique_ptr<AnchorWriter>> Open(const std::string& dir,
                                                    const AnchoredHead& head);
  ~AnchorWriter();
  AnchorWriter(const AnchorWriter&) = delete;
  AnchorWriter& operator=(const AnchorWriter&) = delete;

  // After a group is durable in the store (see the file comment for why it is not synced).
  Status RecordCommitted(const AnchoredHead& head);
  // Before a signed checkpoint is stored or served: replaced atomically and synced.
  Status RecordCheckpoint(std::string_view note);

 private:
  AnchorWriter(std::string dir, int fd, uint64_t generation)
      : dir_(std::move(dir)), fd_(fd), generation_(generation) {}
  const std::string dir_;
  const int fd_;
  uint64_t generation_;  // of the newest slot written
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_ANCHOR_H_
