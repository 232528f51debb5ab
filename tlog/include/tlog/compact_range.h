// CompactRange: the state needed to extend an RFC 6962 Merkle tree one leaf at a time.
//
// For a tree of n leaves it holds the roots of the perfect subtrees that cover leaves [0, n),
// one per set bit of n, largest (leftmost) first: for n = 6 = 0b110 these are the roots of
// [0, 4) and [4, 6). That is O(log n) hashes, enough to compute the root of [0, n) and to
// append leaf n. It is the "compact range" [0, n) of transparency-dev/merkle/compact.
//
// Node coordinates: the node at level L with index N is the root of the perfect subtree over
// leaves [N * 2^L, (N + 1) * 2^L); level 0 index i is leaf i itself.
//
// Value type; not thread-safe.
#ifndef TLOG_COMPACT_RANGE_H_
#define TLOG_COMPACT_RANGE_H_

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace tlog {

// Receives each perfect subtree node the moment it becomes complete.
using NodeVisitor = std::function<void(uint8_t level, uint64_t index, const Hash& hash)>;

class CompactRange {
 public:
  // The range of the empty tree.
  CompactRange() = default;

  // Restores a range from the pair that size() and hashes() returned. Returns Corruption
  // unless hashes.size() equals the number of set bits of size: the pair is only ever produced
  // by a valid range, so a mismatch means the persisted state was damaged. (The hashes
  // themselves are opaque; compare Root() with a signed root to check them.)
  static ledger::Result<CompactRange> FromState(uint64_t size, std::vector<Hash> hashes);

  // Appends leaf number size() with the given leaf hash (HashLeaf of the entry). Calls
  // `on_node` (if non-empty) for the leaf itself at level 0 and then for every interior node
  // completed by this leaf, bottom-up; that is 1 + (number of trailing one bits of the old size)
  // calls. Each node is reported exactly once over the life of the tree.
  // REQUIRES: size() < UINT64_MAX.
  void Append(const Hash& leaf_hash, const NodeVisitor& on_node);

  // The RFC 6962 Merkle Tree Hash of leaves [0, size()); EmptyRoot() when size() is 0.
  Hash Root() const;

  uint64_t size() const { return size_; }
  // Roots of the covering perfect subtrees, left to right (largest first).
  const std::vector<Hash>& hashes() const { return hashes_; }

  friend bool operator==(const CompactRange&, const CompactRange&) = default;

 private:
  CompactRange(uint64_t size, std::vector<Hash> hashes) : size_(size), hashes_(std::move(hashes)) {}

  // Invariant: hashes_.size() == std::popcount(size_).
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

}  // namespace tlog

#endif  // TLOG_COMPACT_RANGE_H_
