#include "tlog/compact_range.h"

#include <bit>
#include <cassert>
#include <limits>
#include <string>
#include <utility>

namespace tlog {

ledger::Result<CompactRange> CompactRange::FromState(uint64_t size, std::vector<Hash> hashes) {
  const auto expected = static_cast<size_t>(std::popcount(size));
  if (hashes.size() != expected) {
    return ledger::Status::Corruption("compact range of size " + std::to_string(size) +
                                      ": expected " + std::to_string(expected) + " hashes, got " +
                                      std::to_string(hashes.size()));
  }
  return CompactRange(size, std::move(hashes));
}

void CompactRange::Append(const Hash& leaf_hash, const NodeVisitor& on_node) {
  // Invariant: callers never grow a tree past 2^64 - 1 leaves (a uint64_t size).
  assert(size_ < std::numeric_limits<uint64_t>::max());
  Hash node = leaf_hash;
  uint64_t index = size_;
  uint8_t level = 0;
  if (on_node) on_node(level, index, node);
  // A set low bit means `node` is a right child whose left sibling is the last stored hash:
  // the two complete their parent. The ones at the bottom of size_ are exactly these merges.
  while (index & 1) {
    node = HashChildren(hashes_.back(), node);
    hashes_.pop_back();
    index >>= 1;
    ++level;
    if (on_node) on_node(level, index, node);
  }
  hashes_.push_back(node);
  ++size_;
}

Hash CompactRange::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  // MTH of a non-power-of-two range is HASH(largest perfect left part, MTH(rest)), so the
  // root folds the covering subtrees from the right.
  Hash root = hashes_.back();
  for (auto it = hashes_.rbegin() + 1; it != hashes_.rend(); ++it) root = HashChildren(*it, root);
  return root;
}

}  // namespace tlog
