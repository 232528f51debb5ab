// The verifiable history of an open ledger (Ledger::audit(), docs/auditor-guide.md): the Merkle
// tree over the entries (RFC 6962), proofs and roots read from its stored nodes, the signed
// checkpoints and their cosignatures, what opening found when it compared the store with its
// anchor, and consistent backups.
//
// Thread safety: all methods may be called from any thread.
#ifndef LEDGER_AUDIT_H_
#define LEDGER_AUDIT_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace ledger {

namespace internal {
class LedgerState;
}  // namespace internal

// The Merkle tree over the entries (RFC 6962), as committed.
struct TreeHead {
  uint64_t size = 0;
  tlog::Hash root{};
};

// The verifiable history of one open ledger; owned by its Ledger and valid as long as it.
class VerifiableHistory {
 public:
  VerifiableHistory(const VerifiableHistory&) = delete;
  VerifiableHistory& operator=(const VerifiableHistory&) = delete;

  TreeHead Head();
  // The root of the first `size` entries, from stored nodes.
  Result<tlog::Hash> RootAt(uint64_t size);
  // RFC 9162 inclusion proof of entry `seq` in the tree of `size` entries.
  Result<std::vector<tlog::Hash>> InclusionProof(uint64_t seq, uint64_t size);
  // RFC 9162 consistency proof between trees of `old_size` and `new_size` entries.
  Result<std::vector<tlog::Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size);
  // A stored perfect-subtree hash: level L, index N covers entries [N*2^L, (N+1)*2^L).
  Result<tlog::Hash> TreeNode(uint8_t level, uint64_t index);
  // The latest signed checkpoint (a c2sp.org/tlog-checkpoint note); NotFound if none yet.
  Result<std::string> LatestCheckpoint();
  // The stored checkpoint of exactly `size` entries.
  Result<std::string> CheckpointAt(uint64_t size);
  // Every stored checkpoint, by size.
  Result<std::map<uint64_t, std::string>> Checkpoints();
  // The stored checkpoints of `from_size` entries or more, at most `max_count` of them, by size.
  Result<std::map<uint64_t, std::string>> Checkpoints(uint64_t from_size, size_t max_count);
  // Signs a checkpoint of the current tree now (needs LedgerOptions::checkpoint_key).
  Result<std::string> SignCheckpoint();
  // Keeps witnesses' cosignatures (c2sp.org/tlog-cosignature signature lines, "— name base64")
  // with the stored checkpoint of `size`; the served note then carries them. Lines already
  // present are skipped. The caller has verified them against the witnesses' keys.
  Status AddCosignatures(uint64_t size, const std::vector<std::string>& signature_lines);

  // What opening found when it compared the store with its anchor (the committed head and the
  // latest signed checkpoint kept outside the store, docs/formats.md "Anchor files") and the
  // indexes an append relies on with the entries' count: OK, or Corruption naming the sizes and
  // roots (or the column) that disagree. A writable open fails with that error instead, so this
  // is not OK only for a read-only one.
  Status IntegrityAtOpen();

  // Writes a consistent copy of the ledger into `dir` while it stays open and appends go on: a
  // checkpoint of the store, whose files are hard links where `dir` is on the same filesystem
  // and copies otherwise. The copy holds whole groups only: every append acknowledged before the
  // call, and perhaps some acknowledged during it. `dir` must not exist or be an empty directory
  // (FailedPrecondition otherwise); missing parents are created. FailedPrecondition for an
  // in-memory ledger. The copy opens with Ledger::Open and verifies with `ledger verify`.
  // Returns the copy's head (read back from the copy).
  Result<TreeHead> Backup(const std::string& dir);

 private:
  friend class Ledger;
  explicit VerifiableHistory(internal::LedgerState* state) : state_(state) {}

  internal::LedgerState* const state_;  // owned by the Ledger
};

}  // namespace ledger

#endif  // LEDGER_AUDIT_H_
