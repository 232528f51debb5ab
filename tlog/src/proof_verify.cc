// Both verifiers first derive the exact proof length from the sizes, then chain hashes.
//
// Shape of an inclusion proof for node x in a tree whose last leaf is at y = size - 1 (on the
// same level): the paths of x and y to the root meet above level `inner` = bit_width(x ^ y).
// The first `inner` proof hashes are x's siblings below the meeting point (x's bit i says
// whether sibling i sits left or right); the remaining `border` = popcount(x >> inner) hashes
// are left siblings on the right border, one per set bit (a lone left child is promoted
// without hashing).
#include <bit>
#include <string>

#include "base/hex.h"
#include "tlog/verify.h"

namespace tlog {
namespace {

using ledger::Result;
using ledger::Status;

// x >> n that is 0 for n >= 64 instead of undefined: bit_width can be 64.
uint64_t ShiftRight(uint64_t x, int n) { return n >= 64 ? 0 : x >> n; }

std::string WrongLength(size_t expected, size_t got) {
  return "wrong proof length: expected " + std::to_string(expected) + " hashes, got " +
         std::to_string(got);
}

std::string Mismatch(const char* what, const Hash& computed, const Hash& expected) {
  return std::string(what) + " mismatch: computed " + ledger::HexEncode(computed) + ", expected " +
         ledger::HexEncode(expected);
}

struct PathShape {
  int inner;   // Sibling hashes below the meeting point with the last leaf's path.
  int border;  // Left-sibling hashes on the right border above it.
};

// REQUIRES: node <= last.
PathShape ShapeOf(uint64_t node, uint64_t last) {
  const int inner = std::bit_width(node ^ last);
  return {inner, std::popcount(ShiftRight(node, inner))};
}

}  // namespace

Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, uint64_t index, uint64_t size,
                                    const std::vector<Hash>& proof) {
  const std::string context = "inclusion proof for leaf " + std::to_string(index) +
                              " in tree of size " + std::to_string(size) + ": ";
  if (index >= size) {
    return Status::InvalidArgument(context + "leaf index is not below tree size");
  }
  const PathShape shape = ShapeOf(index, size - 1);
  const size_t expected = static_cast<size_t>(shape.inner + shape.border);
  if (proof.size() != expected) {
    return Status::Corruption(context + WrongLength(expected, proof.size()));
  }
  Hash hash = leaf_hash;
  for (int i = 0; i < shape.inner; ++i) {
    hash = ((index >> i) & 1) ? HashChildren(proof[i], hash) : HashChildren(hash, proof[i]);
  }
  for (size_t i = shape.inner; i < proof.size(); ++i) hash = HashChildren(proof[i], hash);
  return hash;
}

Status VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t size,
                       const std::vector<Hash>& proof, const Hash& root) {
  LEDGER_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(leaf_hash, index, size, proof));
  if (computed != root) {
    return Status::Corruption("inclusion proof for leaf " + std::to_string(index) +
                              " in tree of size " + std::to_string(size) + ": " +
                              Mismatch("root", computed, root));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, const std::vector<Hash>& proof,
                         const Hash& root1, const Hash& root2) {
  const std::string context = "consistency proof from size " + std::to_string(size1) + " to size " +
                              std::to_string(size2) + ": ";
  if (size1 > size2) {
    return Status::InvalidArgument(context + "old size is above new size");
  }
  if (size1 == 0 || size1 == size2) {
    if (!proof.empty()) return Status::Corruption(context + WrongLength(0, proof.size()));
    if (size1 == 0 && root1 != EmptyRoot()) {
      return Status::Corruption(context + Mismatch("empty tree root", root1, EmptyRoot()));
    }
    if (size1 == size2 && root1 != root2) {
      return Status::Corruption(context + Mismatch("root", root2, root1));
    }
    return Status::Ok();
  }
  // The proof is an inclusion proof, in the new tree, of the old tree's last perfect subtree:
  // node (level, node) below. It starts with that node's hash unless the node is the whole old
  // tree (node == 0), whose hash is root1.
  const int level = std::countr_zero(size1);
  const uint64_t node = (size1 - 1) >> level;
  const bool has_seed = node != 0;
  // Invariant: size1 < size2, so the paths of node and of the last leaf of size2 diverge
  // (shape.inner >= 1).
  const PathShape shape = ShapeOf(node, (size2 - 1) >> level);
  const size_t expected = (has_seed ? 1 : 0) + static_cast<size_t>(shape.inner + shape.border);
  if (proof.size() != expected) {
    return Status::Corruption(context + WrongLength(expected, proof.size()));
  }
  // Chain the path twice: the new root uses every sibling; the old root only the left ones,
  // since everything right of the path is newer than the old tree.
  const size_t first = has_seed ? 1 : 0;
  const Hash seed = has_seed ? proof[0] : root1;
  Hash old_root = seed;
  Hash new_root = seed;
  for (int i = 0; i < shape.inner; ++i) {
    const Hash& sibling = proof[first + i];
    if ((node >> i) & 1) {
      old_root = HashChildren(sibling, old_root);
      new_root = HashChildren(sibling, new_root);
    } else {
      new_root = HashChildren(new_root, sibling);
    }
  }
  for (size_t i = first + shape.inner; i < proof.size(); ++i) {
    old_root = HashChildren(proof[i], old_root);
    new_root = HashChildren(proof[i], new_root);
  }
  if (old_root != root1) return Status::Corruption(context + Mismatch("old root", old_root, root1));
  if (new_root != root2) return Status::Corruption(context + Mismatch("new root", new_root, root2));
  return Status::Ok();
}

}  // namespace tlog
