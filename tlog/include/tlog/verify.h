// Pure verifiers of RFC 9162 (section 2.1.3.2 and 2.1.4.2) inclusion and consistency proofs.
//
// No storage, no state: an auditor's tool links these alone. Every length and index is checked
// before any hashing; a proof is accepted only if it has exactly the length RFC 9162 gives for
// its sizes and reproduces the roots. Errors:
//   InvalidArgument - the arguments describe no possible proof (index >= size, size1 > size2);
//   Corruption      - a possible proof that fails: wrong length, or a root that does not match.
// Messages say which check failed, with the expected and actual values.
//
// A proof binds a leaf to a (size, root) pair only as a pair: the inclusion proof of leaf 0 in
// the tree of size 6 also verifies for size 7 against the size-6 root, because both trees give
// leaf 0 the same path shape. So size and root must come from one signed checkpoint, never from
// separate sources.
#ifndef TLOG_VERIFY_H_
#define TLOG_VERIFY_H_

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace tlog {

// The root of the tree of `size` leaves implied by `proof` for leaf `index` with `leaf_hash`.
// Checks the index and the proof length; the caller compares the root.
ledger::Result<Hash> RootFromInclusionProof(const Hash& leaf_hash, uint64_t index, uint64_t size,
                                            const std::vector<Hash>& proof);

// OK iff `proof` proves that leaf `index` of the tree of `size` leaves with root `root` has hash
// `leaf_hash`.
ledger::Status VerifyInclusion(const Hash& leaf_hash, uint64_t index, uint64_t size,
                               const std::vector<Hash>& proof, const Hash& root);

// OK iff `proof` proves that the tree of `size1` leaves with root `root1` is a prefix of the tree
// of `size2` leaves with root `root2`. When size1 == size2 the proof must be empty and the roots
// equal. When size1 == 0 the proof must be empty and root1 must be EmptyRoot() (every tree
// extends the empty one; root2 is not checked).
ledger::Status VerifyConsistency(uint64_t size1, uint64_t size2, const std::vector<Hash>& proof,
                                 const Hash& root1, const Hash& root2);

}  // namespace tlog

#endif  // TLOG_VERIFY_H_
