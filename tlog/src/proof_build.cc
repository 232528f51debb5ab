// Proofs are assembled from node coordinates alone. For leaf (or node) x and the last leaf
// size - 1, their paths to the root share every node above the lowest level where they meet.
// Below that meeting level each path node has a sibling wholly inside the tree (a stored perfect
// node), except at the level just below the meeting point, where the right sibling is the node
// holding the last leaf and may be ragged. From the meeting level up, the path runs along the
// right border: it has a left sibling (perfect) wherever its index is odd, and no sibling
// otherwise (RFC 6962 promotes a lone left child unchanged).
#include <bit>
#include <cassert>
#include <string>

#include "tlog/proof.h"

namespace tlog {
namespace {

using ledger::Result;
using ledger::Status;

// The hash of the (possibly ragged) subtree over leaves [begin, end), built from the perfect
// subtrees whose sizes are the set bits of end - begin, largest first.
// REQUIRES: begin < end, and begin is a multiple of the largest power of two <= end - begin
// (so each of those perfect subtrees is a stored node).
Result<Hash> RangeHash(uint64_t begin, uint64_t end, const NodeReader& read_node) {
  assert(begin < end);
  std::vector<Hash> parts;
  uint64_t pos = begin;
  for (uint64_t rest = end - begin; rest != 0;) {
    const int level = std::bit_width(rest) - 1;
    const uint64_t width = uint64_t{1} << level;
    // Invariant: pos is aligned to width (see REQUIRES), so this is a stored perfect node.
    assert(pos % width == 0);
    LEDGER_ASSIGN_OR_RETURN(Hash part, read_node(static_cast<uint8_t>(level), pos >> level));
    parts.push_back(part);
    pos += width;
    rest -= width;
  }
  // MTH(D[n]) = HASH(MTH(largest perfect left part), MTH(rest)): fold from the right.
  Hash hash = parts.back();
  for (auto it = parts.rbegin() + 1; it != parts.rend(); ++it) hash = HashChildren(*it, hash);
  return hash;
}

// Appends the sibling hashes on the path from node (level, index) to the root of the tree of
// `size` leaves, bottom-up: the inclusion proof of that node. For level 0 this is the inclusion
// proof of a leaf; consistency proofs are this path for a higher node.
// REQUIRES: node (level, index) is a perfect node wholly inside the tree.
Status AppendPathSiblings(uint8_t level, uint64_t index, uint64_t size, const NodeReader& read_node,
                          std::vector<Hash>* proof) {
  uint64_t node = index;
  uint64_t last = (size - 1) >> level;  // The node at this level holding the last leaf.
  // Levels below the meeting point; node < last on each, so node is a left child at the top.
  const int below = std::bit_width(node ^ last);
  for (int i = 0; i < below; ++i, node >>= 1, last >>= 1) {
    const int l = level + i;
    const uint64_t sibling = node ^ 1;
    if (i + 1 < below) {
      LEDGER_ASSIGN_OR_RETURN(Hash hash, read_node(static_cast<uint8_t>(l), sibling));
      proof->push_back(hash);
    } else {
      // Invariant: here node is even and sibling == last: the right subtree holding the last
      // leaf, which starts at a multiple of 2^l and may end early.
      assert(sibling == last);
      LEDGER_ASSIGN_OR_RETURN(Hash hash, RangeHash(sibling << l, size, read_node));
      proof->push_back(hash);
    }
  }
  // On the right border: an odd node has a perfect left sibling; an even one has none.
  for (int l = level + below; node != 0; ++l, node >>= 1) {
    if (node & 1) {
      LEDGER_ASSIGN_OR_RETURN(Hash hash, read_node(static_cast<uint8_t>(l), node - 1));
      proof->push_back(hash);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                         const NodeReader& read_node) {
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof: leaf index " + std::to_string(index) +
                                   " is not below tree size " + std::to_string(size));
  }
  std::vector<Hash> proof;
  LEDGER_RETURN_IF_ERROR(AppendPathSiblings(0, index, size, read_node, &proof));
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                           const NodeReader& read_node) {
  if (old_size > new_size) {
    return Status::InvalidArgument("consistency proof: old size " + std::to_string(old_size) +
                                   " is above new size " + std::to_string(new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  // The smallest subtree of the old tree's compact range is the perfect node ending at leaf
  // old_size - 1, at level countr_zero(old_size). RFC 9162 SUBPROOF walks from it to the root:
  // the proof is that node (omitted when it is the whole old tree, whose root the verifier
  // already has) followed by its path siblings in the new tree.
  const int level = std::countr_zero(old_size);
  const uint64_t node = (old_size - 1) >> level;
  if (node != 0) {
    LEDGER_ASSIGN_OR_RETURN(Hash hash, read_node(static_cast<uint8_t>(level), node));
    proof.push_back(hash);
  }
  LEDGER_RETURN_IF_ERROR(
      AppendPathSiblings(static_cast<uint8_t>(level), node, new_size, read_node, &proof));
  return proof;
}

Result<Hash> RootAt(uint64_t size, const NodeReader& read_node) {
  if (size == 0) return EmptyRoot();
  return RangeHash(0, size, read_node);
}

}  // namespace tlog
