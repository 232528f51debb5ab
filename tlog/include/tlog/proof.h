// Building RFC 9162 (section 2.1.3 and 2.1.4) inclusion and consistency proofs, and tree roots,
// from stored Merkle tree nodes.
//
// Storage keeps only perfect subtree nodes (CompactRange reports each one when it completes):
// the node at level L with index N is the root of leaves [N * 2^L, (N + 1) * 2^L). A tree whose
// size is not a power of two also has ragged nodes along its right border; they change with
// every append and are never stored, so the builders recompute each one they need from at most
// O(log n) perfect nodes. Every proof or root costs O(log n) reads, at most 2 * bit_width(size)
// + 1.
//
// The builders trust the reader: they compute no hash from leaves and check no stored hash.
// Verifiers (verify.h) are what check proofs.
#ifndef TLOG_PROOF_H_
#define TLOG_PROOF_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace tlog {

// Returns the stored hash of the perfect node (level, index). The builders only ask for nodes
// that lie wholly inside the tree they are proving, i.e. (index + 1) * 2^level <= size. Any
// error it returns is passed through unchanged.
using NodeReader = std::function<ledger::Result<Hash>(uint8_t level, uint64_t index)>;

// The inclusion proof of leaf `index` in the tree of the first `size` leaves: RFC 9162
// PATH(index, D[0:size]), the sibling hashes from the leaf upwards. Empty when size is 1.
// InvalidArgument unless index < size.
ledger::Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                                 const NodeReader& read_node);

// The consistency proof between the trees of the first `old_size` and `new_size` leaves: RFC 9162
// PROOF(old_size, D[0:new_size]). Empty when old_size is 0 or equals new_size (as in
// c2sp.org/tlog-witness). InvalidArgument if old_size > new_size.
ledger::Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                                   const NodeReader& read_node);

// The root (RFC 6962 Merkle Tree Hash) of the first `size` leaves; EmptyRoot() for 0. Reads one
// node per set bit of size.
ledger::Result<Hash> RootAt(uint64_t size, const NodeReader& read_node);

}  // namespace tlog

#endif  // TLOG_PROOF_H_
