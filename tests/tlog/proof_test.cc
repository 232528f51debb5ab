// Tests of building (proof.h) and verifying (verify.h) RFC 9162 proofs: golden vectors, a naive
// reference implementation, mutated proofs, huge trees, and the cost of building a proof.
#include "tlog/proof.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "reference_tree.h"
#include "tlog/compact_range.h"
#include "tlog/verify.h"

namespace tlog {
namespace {

using ::ledger::Result;
using ::ledger::Status;
using ::ledger::StatusCode;
using ::tlog::testing::GoldenLeafData;
using ::tlog::testing::GoldenNodesHex;
using ::tlog::testing::GoldenRootsHex;
using ::tlog::testing::HashFromHex;
using ::tlog::testing::ReferenceTree;
using ::tlog::testing::TestLeaf;
using ::tlog::testing::TestTree;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// Every perfect node of a tree, one vector per level, filled as CompactRange reports them: what
// the ledger stores. Readers count their reads and refuse nodes outside the tree they serve.
class NodeStore {
 public:
  void Append(const Hash& leaf_hash) {
    range_.Append(leaf_hash, [this](uint8_t level, uint64_t index, const Hash& hash) {
      if (levels_.size() <= level) levels_.resize(level + 1);
      // Invariant: nodes of a level complete left to right.
      EXPECT_EQ(levels_[level].size(), index);
      levels_[level].push_back(hash);
    });
  }
  uint64_t size() const { return range_.size(); }
  Hash Root() const { return range_.Root(); }

  // A reader for the tree of the first `size` leaves.
  NodeReader ReaderFor(uint64_t size) {
    return [this, size](uint8_t level, uint64_t index) -> Result<Hash> {
      ++reads_;
      if (level >= 64 || index >= (size >> level)) {
        ADD_FAILURE() << "read of node " << int{level} << "/" << index << " outside size " << size;
        return Status::NotFound("node outside tree");
      }
      return levels_[level][index];
    };
  }
  uint64_t reads() const { return reads_; }
  void ResetReads() { reads_ = 0; }

 private:
  CompactRange range_;
  std::vector<std::vector<Hash>> levels_;
  uint64_t reads_ = 0;
};

NodeStore StoreOf(ReferenceTree& tree) {
  NodeStore store;
  for (uint64_t i = 0; i < tree.size(); ++i) store.Append(tree.leaf(i));
  return store;
}

NodeStore GoldenStore() {
  NodeStore store;
  for (const auto& leaf : GoldenLeafData()) store.Append(HashLeaf(leaf));
  return store;
}

Hash GoldenRoot(uint64_t size) { return HashFromHex(GoldenRootsHex()[size]); }
Hash GoldenNode(int level, int index) { return HashFromHex(GoldenNodesHex()[level][index]); }

// The read bound promised by proof.h.
uint64_t MaxReads(uint64_t size) { return 2 * static_cast<uint64_t>(std::bit_width(size)) + 1; }

Hash Flipped(Hash h, size_t byte, int bit) {
  h[byte] ^= static_cast<uint8_t>(1u << bit);
  return h;
}

struct BitFlip {
  size_t byte;
  int bit;
  std::string Name() const {
    return "byte " + std::to_string(byte) + " bit " + std::to_string(bit);
  }
};

const Hash kSomeHash =
    HashFromHex("abacaba000000000000000000000000000000000000000000060061e00123456");

// ---------------------------------------------------------------------------------------------
// Golden vectors: transparency-dev/merkle proof/verify_test.go (inclusionProofs and
// consistencyProofs over testonly LeafInputs), cross-checked with an independent Python
// implementation of RFC 6962 section 2.1. Indices here are 0-based.

struct GoldenInclusion {
  uint64_t index;
  uint64_t size;
  std::vector<std::pair<int, int>> nodes;  // {level, index} into GoldenNodesHex().
};
const std::vector<GoldenInclusion> kGoldenInclusions = {
    {0, 1, {}},       {0, 8, {{0, 1}, {1, 1}, {2, 1}}}, {5, 8, {{0, 4}, {1, 3}, {2, 0}}},
    {2, 3, {{1, 0}}}, {1, 5, {{0, 0}, {1, 1}, {0, 4}}},
};

struct GoldenConsistency {
  uint64_t size1;
  uint64_t size2;
  std::vector<std::pair<int, int>> nodes;
};
const std::vector<GoldenConsistency> kGoldenConsistencies = {
    {1, 1, {}},
    {1, 8, {{0, 1}, {1, 1}, {2, 1}}},
    {6, 8, {{1, 2}, {1, 3}, {2, 0}}},
    {2, 5, {{1, 1}, {0, 4}}},
    {6, 7, {{1, 2}, {0, 6}, {2, 0}}},
};

std::vector<Hash> GoldenHashes(const std::vector<std::pair<int, int>>& nodes) {
  std::vector<Hash> out;
  for (auto [level, index] : nodes) out.push_back(GoldenNode(level, index));
  return out;
}

TEST(GoldenProofTest, BuiltInclusionProofsMatch) {
  NodeStore store = GoldenStore();
  for (const auto& g : kGoldenInclusions) {
    auto proof = InclusionProof(g.index, g.size, store.ReaderFor(g.size));
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, GoldenHashes(g.nodes)) << g.index << " in " << g.size;
  }
}

TEST(GoldenProofTest, InclusionProofsVerify) {
  const auto leaves = GoldenLeafData();
  for (const auto& g : kGoldenInclusions) {
    const Hash leaf = HashLeaf(leaves[g.index]);
    EXPECT_TRUE(
        VerifyInclusion(leaf, g.index, g.size, GoldenHashes(g.nodes), GoldenRoot(g.size)).ok());
    auto root = RootFromInclusionProof(leaf, g.index, g.size, GoldenHashes(g.nodes));
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, GoldenRoot(g.size));
  }
}

TEST(GoldenProofTest, BuiltConsistencyProofsMatch) {
  NodeStore store = GoldenStore();
  for (const auto& g : kGoldenConsistencies) {
    auto proof = ConsistencyProof(g.size1, g.size2, store.ReaderFor(g.size2));
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, GoldenHashes(g.nodes)) << g.size1 << " -> " << g.size2;
  }
}

TEST(GoldenProofTest, ConsistencyProofsVerify) {
  for (const auto& g : kGoldenConsistencies) {
    EXPECT_TRUE(VerifyConsistency(g.size1, g.size2, GoldenHashes(g.nodes), GoldenRoot(g.size1),
                                  GoldenRoot(g.size2))
                    .ok())
        << g.size1 << " -> " << g.size2;
  }
}

TEST(GoldenProofTest, RootAtMatchesGoldenRoots) {
  NodeStore store = GoldenStore();
  for (uint64_t n = 0; n <= 8; ++n) {
    auto root = RootAt(n, store.ReaderFor(n));
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, GoldenRoot(n)) << "size " << n;
  }
}

// ---------------------------------------------------------------------------------------------
// Against the naive reference.

TEST(ReferenceProofTest, InclusionProofsMatchForEveryIndexOfEverySizeTo300) {
  ReferenceTree tree = TestTree(300);
  NodeStore store = StoreOf(tree);
  for (uint64_t size = 1; size <= tree.size(); ++size) {
    const Hash root = tree.Root(size);
    for (uint64_t index = 0; index < size; ++index) {
      store.ResetReads();
      auto proof = InclusionProof(index, size, store.ReaderFor(size));
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      ASSERT_EQ(*proof, tree.Path(index, size)) << index << " in " << size;
      ASSERT_LE(store.reads(), MaxReads(size));
      Status verified = VerifyInclusion(tree.leaf(index), index, size, *proof, root);
      ASSERT_TRUE(verified.ok()) << verified.ToString();
    }
  }
}

TEST(ReferenceProofTest, ConsistencyProofsMatchForEverySizePairTo300) {
  ReferenceTree tree = TestTree(300);
  NodeStore store = StoreOf(tree);
  for (uint64_t size2 = 0; size2 <= tree.size(); ++size2) {
    const Hash root2 = tree.Root(size2);
    for (uint64_t size1 = 0; size1 <= size2; ++size1) {
      store.ResetReads();
      auto proof = ConsistencyProof(size1, size2, store.ReaderFor(size2));
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      ASSERT_EQ(*proof, tree.Proof(size1, size2)) << size1 << " -> " << size2;
      ASSERT_LE(store.reads(), MaxReads(size2));
      Status verified = VerifyConsistency(size1, size2, *proof, tree.Root(size1), root2);
      ASSERT_TRUE(verified.ok()) << verified.ToString();
    }
  }
}

TEST(ReferenceProofTest, RootAtMatchesForEverySizeTo300) {
  ReferenceTree tree = TestTree(300);
  NodeStore store = StoreOf(tree);
  for (uint64_t size = 0; size <= tree.size(); ++size) {
    store.ResetReads();
    auto root = RootAt(size, store.ReaderFor(size));
    ASSERT_TRUE(root.ok());
    ASSERT_EQ(*root, tree.Root(size)) << "size " << size;
    ASSERT_EQ(store.reads(), static_cast<uint64_t>(std::popcount(size)));
  }
}

TEST(ReferenceProofTest, ProofsMatchAtRandomSizesTo5000) {
  ReferenceTree tree = TestTree(5000);
  NodeStore store = StoreOf(tree);
  std::mt19937_64 rng(9162);
  for (int round = 0; round < 400; ++round) {
    const uint64_t size2 = 1 + rng() % tree.size();
    const uint64_t size1 = rng() % (size2 + 1);
    const uint64_t index = rng() % size2;
    SCOPED_TRACE("index " + std::to_string(index) + " sizes " + std::to_string(size1) + " -> " +
                 std::to_string(size2));
    auto inclusion = InclusionProof(index, size2, store.ReaderFor(size2));
    ASSERT_TRUE(inclusion.ok());
    ASSERT_EQ(*inclusion, tree.Path(index, size2));
    EXPECT_TRUE(VerifyInclusion(tree.leaf(index), index, size2, *inclusion, tree.Root(size2)).ok());
    auto consistency = ConsistencyProof(size1, size2, store.ReaderFor(size2));
    ASSERT_TRUE(consistency.ok());
    ASSERT_EQ(*consistency, tree.Proof(size1, size2));
    EXPECT_TRUE(
        VerifyConsistency(size1, size2, *consistency, tree.Root(size1), tree.Root(size2)).ok());
    auto root = RootAt(size2, store.ReaderFor(size2));
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, tree.Root(size2));
  }
}

// ---------------------------------------------------------------------------------------------
// Argument checks and the reader's errors.

TEST(ProofBuildTest, ImpossibleArgumentsAreInvalid) {
  NodeStore store = GoldenStore();
  EXPECT_EQ(InclusionProof(0, 0, store.ReaderFor(8)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(8, 8, store.ReaderFor(8)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(kMax, 3, store.ReaderFor(8)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(5, 4, store.ReaderFor(8)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store.reads(), 0u);
}

TEST(ProofBuildTest, TrivialConsistencyProofsAreEmptyWithoutReads) {
  NodeStore store = GoldenStore();
  for (auto [size1, size2] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {0, 1}, {0, 8}, {0, kMax}, {1, 1}, {8, 8}, {kMax, kMax}}) {
    auto proof = ConsistencyProof(size1, size2, store.ReaderFor(0));
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(proof->empty());
  }
  EXPECT_EQ(store.reads(), 0u);
}

TEST(ProofBuildTest, ReaderErrorsPassThroughUnchanged) {
  const NodeReader failing = [](uint8_t level, uint64_t index) -> Result<Hash> {
    return Status::IOError("disk on fire at " + std::to_string(level) + "/" +
                           std::to_string(index));
  };
  auto inclusion = InclusionProof(3, 7, failing);
  EXPECT_EQ(inclusion.status().code(), StatusCode::kIOError);
  EXPECT_NE(inclusion.status().message().find("disk on fire"), std::string::npos);
  EXPECT_EQ(ConsistencyProof(3, 7, failing).status().code(), StatusCode::kIOError);
  EXPECT_EQ(RootAt(7, failing).status().code(), StatusCode::kIOError);
}

// ---------------------------------------------------------------------------------------------
// Huge trees: if every leaf hash is the same, every perfect node at level L has the same hash
// U[L], so the node store of a tree of any size (up to 2^64 - 1 leaves) is one hash per level.
// Positions cannot be told apart, but lengths, shapes and the 64-bit edge cases can.

class UniformTree {
 public:
  UniformTree() {
    level_[0] = HashLeaf("uniform");
    for (int l = 1; l < 64; ++l) level_[l] = HashChildren(level_[l - 1], level_[l - 1]);
  }
  NodeReader ReaderFor(uint64_t size) const {
    return [this, size](uint8_t level, uint64_t index) -> Result<Hash> {
      if (level >= 64 || index >= (size >> level)) {
        ADD_FAILURE() << "read of node " << int{level} << "/" << index << " outside size " << size;
        return Status::NotFound("node outside tree");
      }
      return level_[level];
    };
  }
  const Hash& leaf() const { return level_[0]; }
  // MTH by the RFC's recursion: HASH(MTH(first k), MTH(rest)) with k the largest power of two
  // below n.
  Hash Root(uint64_t n) const {
    if (n == 0) return EmptyRoot();
    if (std::has_single_bit(n)) return level_[std::countr_zero(n)];
    const uint64_t k = std::bit_floor(n);
    return HashChildren(level_[std::countr_zero(k)], Root(n - k));
  }

 private:
  Hash level_[64];
};

TEST(HugeTreeTest, ProofsVerifyNearTwoToTheSixtyFour) {
  const UniformTree tree;
  const std::vector<uint64_t> sizes = {
      1, 2, 3, (1ull << 32) + 1, 1ull << 63, (1ull << 63) + 1, kMax - 1, kMax};
  for (uint64_t size : sizes) {
    for (uint64_t index : {uint64_t{0}, size / 3, size / 2, size - 2, size - 1}) {
      if (index >= size) continue;
      SCOPED_TRACE(std::to_string(index) + " in " + std::to_string(size));
      auto proof = InclusionProof(index, size, tree.ReaderFor(size));
      ASSERT_TRUE(proof.ok());
      ASSERT_LE(proof->size(), 64u);
      Status verified = VerifyInclusion(tree.leaf(), index, size, *proof, tree.Root(size));
      EXPECT_TRUE(verified.ok()) << verified.ToString();
    }
    auto root = RootAt(size, tree.ReaderFor(size));
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, tree.Root(size));
    for (uint64_t size1 : {uint64_t{1}, size / 2, size - 1, size}) {
      if (size1 == 0 || size1 > size) continue;
      SCOPED_TRACE(std::to_string(size1) + " -> " + std::to_string(size));
      auto proof = ConsistencyProof(size1, size, tree.ReaderFor(size));
      ASSERT_TRUE(proof.ok());
      Status verified = VerifyConsistency(size1, size, *proof, tree.Root(size1), tree.Root(size));
      EXPECT_TRUE(verified.ok()) << verified.ToString();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Mutated proofs must be rejected.

struct InclusionCase {
  Hash leaf;
  uint64_t index;
  uint64_t size;
  std::vector<Hash> proof;
  Hash root;
};

// Every variant of a valid inclusion proof that must fail, with a description.
std::vector<std::pair<std::string, InclusionCase>> MutatedInclusions(const InclusionCase& good) {
  std::vector<std::pair<std::string, InclusionCase>> out;
  auto add = [&](std::string what, auto change) {
    InclusionCase c = good;
    change(c);
    out.emplace_back(std::move(what), std::move(c));
  };
  add("extra hash at end", [](InclusionCase& c) { c.proof.push_back(c.root); });
  add("extra hash at front", [](InclusionCase& c) { c.proof.insert(c.proof.begin(), kSomeHash); });
  if (!good.proof.empty()) {
    add("last hash missing", [](InclusionCase& c) { c.proof.pop_back(); });
    add("first hash missing", [](InclusionCase& c) { c.proof.erase(c.proof.begin()); });
  }
  if (good.index > 0) add("index - 1", [](InclusionCase& c) { --c.index; });
  add("index + 1", [](InclusionCase& c) { ++c.index; });
  add("index ^ 2", [](InclusionCase& c) { c.index ^= 2; });
  add("index + size", [](InclusionCase& c) { c.index += c.size; });
  add("size * 2", [](InclusionCase& c) { c.size *= 2; });
  add("size / 2", [](InclusionCase& c) { c.size /= 2; });
  add("size 0", [](InclusionCase& c) { c.size = 0; });
  add("wrong leaf", [](InclusionCase& c) { c.leaf = Flipped(c.leaf, 0, 0); });
  add("empty root", [](InclusionCase& c) { c.root = EmptyRoot(); });
  add("wrong root", [](InclusionCase& c) { c.root = Flipped(c.root, 31, 7); });
  // In a one-leaf tree the leaf hash is the root.
  if (good.size > 1) add("leaf as root", [](InclusionCase& c) { c.root = c.leaf; });
  for (size_t i = 0; i < good.proof.size(); ++i) {
    for (const BitFlip flip : {BitFlip{0, 3}, BitFlip{17, 0}, BitFlip{31, 7}}) {
      add("proof[" + std::to_string(i) + "] " + flip.Name() + " flipped",
          [=](InclusionCase& c) { c.proof[i] = Flipped(c.proof[i], flip.byte, flip.bit); });
    }
    if (i + 1 < good.proof.size() && good.proof[i] != good.proof[i + 1]) {
      add("proof[" + std::to_string(i) + "] swapped with next",
          [=](InclusionCase& c) { std::swap(c.proof[i], c.proof[i + 1]); });
    }
  }
  return out;
}

TEST(MutatedProofTest, MutatedInclusionProofsAreRejected) {
  ReferenceTree tree = TestTree(70);
  int rejected = 0;
  for (uint64_t size = 1; size <= tree.size(); ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      const InclusionCase good{tree.leaf(index), index, size, tree.Path(index, size),
                               tree.Root(size)};
      ASSERT_TRUE(VerifyInclusion(good.leaf, good.index, good.size, good.proof, good.root).ok());
      for (const auto& [what, c] : MutatedInclusions(good)) {
        Status s = VerifyInclusion(c.leaf, c.index, c.size, c.proof, c.root);
        ASSERT_FALSE(s.ok()) << what << " accepted for " << index << " in " << size;
        // Only an index outside the (possibly mutated) size is an impossible argument.
        ASSERT_EQ(s.code(),
                  c.index >= c.size ? StatusCode::kInvalidArgument : StatusCode::kCorruption)
            << what << ": " << s.ToString();
        ++rejected;
      }
    }
  }
  EXPECT_GT(rejected, 50000);
}

struct ConsistencyCase {
  uint64_t size1;
  uint64_t size2;
  std::vector<Hash> proof;
  Hash root1;
  Hash root2;
};

std::vector<std::pair<std::string, ConsistencyCase>> MutatedConsistencies(
    const ConsistencyCase& good) {
  std::vector<std::pair<std::string, ConsistencyCase>> out;
  auto add = [&](std::string what, auto change) {
    ConsistencyCase c = good;
    change(c);
    out.emplace_back(std::move(what), std::move(c));
  };
  add("size1 - 1", [](ConsistencyCase& c) { --c.size1; });
  add("size1 + 1", [](ConsistencyCase& c) { ++c.size1; });
  add("size1 ^ 2", [](ConsistencyCase& c) { c.size1 ^= 2; });
  add("size2 * 2", [](ConsistencyCase& c) { c.size2 *= 2; });
  add("size2 / 2", [](ConsistencyCase& c) { c.size2 /= 2; });
  add("wrong root1", [](ConsistencyCase& c) { c.root1 = Flipped(c.root1, 0, 0); });
  add("wrong root2", [](ConsistencyCase& c) { c.root2 = Flipped(c.root2, 31, 7); });
  add("swapped roots", [](ConsistencyCase& c) { std::swap(c.root1, c.root2); });
  add("empty proof", [](ConsistencyCase& c) { c.proof.clear(); });
  add("extra root1 at end", [](ConsistencyCase& c) { c.proof.push_back(c.root1); });
  add("extra root2 at end", [](ConsistencyCase& c) { c.proof.push_back(c.root2); });
  add("extra hash at front",
      [](ConsistencyCase& c) { c.proof.insert(c.proof.begin(), kSomeHash); });
  add("extra root1 at front", [](ConsistencyCase& c) { c.proof.insert(c.proof.begin(), c.root1); });
  add("proof[0] repeated", [](ConsistencyCase& c) { c.proof.insert(c.proof.begin(), c.proof[0]); });
  add("last hash missing", [](ConsistencyCase& c) { c.proof.pop_back(); });
  add("first hash missing", [](ConsistencyCase& c) { c.proof.erase(c.proof.begin()); });
  for (size_t i = 0; i < good.proof.size(); ++i) {
    for (const BitFlip flip : {BitFlip{0, 4}, BitFlip{31, 0}}) {
      add("proof[" + std::to_string(i) + "] " + flip.Name() + " flipped",
          [=](ConsistencyCase& c) { c.proof[i] = Flipped(c.proof[i], flip.byte, flip.bit); });
    }
    if (i + 1 < good.proof.size() && good.proof[i] != good.proof[i + 1]) {
      add("proof[" + std::to_string(i) + "] swapped with next",
          [=](ConsistencyCase& c) { std::swap(c.proof[i], c.proof[i + 1]); });
    }
  }
  return out;
}

TEST(MutatedProofTest, MutatedConsistencyProofsAreRejected) {
  ReferenceTree tree = TestTree(70);
  int rejected = 0;
  for (uint64_t size2 = 2; size2 <= tree.size(); ++size2) {
    for (uint64_t size1 = 1; size1 < size2; ++size1) {
      const ConsistencyCase good{size1, size2, tree.Proof(size1, size2), tree.Root(size1),
                                 tree.Root(size2)};
      ASSERT_TRUE(
          VerifyConsistency(good.size1, good.size2, good.proof, good.root1, good.root2).ok());
      for (const auto& [what, c] : MutatedConsistencies(good)) {
        Status s = VerifyConsistency(c.size1, c.size2, c.proof, c.root1, c.root2);
        ASSERT_FALSE(s.ok()) << what << " accepted for " << size1 << " -> " << size2;
        ASSERT_EQ(s.code(),
                  c.size1 > c.size2 ? StatusCode::kInvalidArgument : StatusCode::kCorruption)
            << what << ": " << s.ToString();
        ++rejected;
      }
    }
  }
  EXPECT_GT(rejected, 50000);
}

// ---------------------------------------------------------------------------------------------
// Edge cases of the verifiers and their messages.

TEST(VerifyTest, SingleLeafTreeNeedsAnEmptyProofAndTheLeafAsRoot) {
  const Hash leaf = HashLeaf("data");
  EXPECT_TRUE(VerifyInclusion(leaf, 0, 1, {}, leaf).ok());
  EXPECT_EQ(VerifyInclusion(leaf, 0, 1, {}, EmptyRoot()).code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyInclusion(leaf, 0, 1, {leaf}, leaf).code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyInclusion(leaf, 1, 1, {}, leaf).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(leaf, 0, 0, {}, leaf).code(), StatusCode::kInvalidArgument);
}

TEST(VerifyTest, MessagesSayWhatFailed) {
  ReferenceTree tree = TestTree(8);
  std::vector<Hash> proof = tree.Path(5, 8);
  proof.push_back(kSomeHash);
  Status s = VerifyInclusion(tree.leaf(5), 5, 8, proof, tree.Root(8));
  EXPECT_EQ(s.message(),
            "inclusion proof for leaf 5 in tree of size 8: wrong proof length: expected 3 "
            "hashes, got 4");
  s = VerifyInclusion(tree.leaf(5), 5, 8, tree.Path(5, 8), EmptyRoot());
  EXPECT_NE(s.message().find("root mismatch: computed "), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("expected e3b0c442"), std::string::npos) << s.message();
  s = VerifyInclusion(tree.leaf(5), 9, 8, {}, tree.Root(8));
  EXPECT_EQ(s.message(),
            "inclusion proof for leaf 9 in tree of size 8: leaf index is not below "
            "tree size");

  s = VerifyConsistency(6, 8, {}, tree.Root(6), tree.Root(8));
  EXPECT_EQ(
      s.message(),
      "consistency proof from size 6 to size 8: wrong proof length: expected 3 hashes, got 0");
  s = VerifyConsistency(6, 8, tree.Proof(6, 8), tree.Root(5), tree.Root(8));
  EXPECT_NE(s.message().find("old root mismatch"), std::string::npos) << s.message();
  s = VerifyConsistency(6, 8, tree.Proof(6, 8), tree.Root(6), tree.Root(7));
  EXPECT_NE(s.message().find("new root mismatch"), std::string::npos) << s.message();
  s = VerifyConsistency(9, 8, {}, tree.Root(6), tree.Root(8));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "consistency proof from size 9 to size 8: old size is above new size");
}

TEST(VerifyTest, TrivialConsistency) {
  ReferenceTree tree = TestTree(4);
  const Hash r1 = tree.Root(1);
  const Hash r4 = tree.Root(4);
  // Equal sizes: empty proof, equal roots.
  EXPECT_TRUE(VerifyConsistency(1, 1, {}, r1, r1).ok());
  EXPECT_TRUE(VerifyConsistency(0, 0, {}, EmptyRoot(), EmptyRoot()).ok());
  EXPECT_EQ(VerifyConsistency(1, 1, {}, r1, r4).code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyConsistency(4, 4, {r1}, r4, r4).code(), StatusCode::kCorruption);
  // From the empty tree: empty proof, root1 the empty root, any root2.
  EXPECT_TRUE(VerifyConsistency(0, 4, {}, EmptyRoot(), r4).ok());
  EXPECT_TRUE(VerifyConsistency(0, 4, {}, EmptyRoot(), kSomeHash).ok());
  EXPECT_EQ(VerifyConsistency(0, 4, {EmptyRoot()}, EmptyRoot(), r4).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(VerifyConsistency(0, 4, {}, r1, r4).code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyConsistency(0, 0, {}, EmptyRoot(), r1).code(), StatusCode::kCorruption);
  // Going back in time.
  EXPECT_EQ(VerifyConsistency(1, 0, {}, r1, EmptyRoot()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(kMax, 1, {}, r1, r1).code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Cost: proofs from a store of a 1,000,000-leaf tree (one std::vector per level in memory).

double MedianMicros(std::vector<double> samples) {
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
  return samples[samples.size() / 2];
}

TEST(ProofCostTest, ProofsFromAMillionLeafTreeTakeWellUnderAMillisecond) {
  constexpr uint64_t kSize = 1'000'000;
  NodeStore store;
  for (uint64_t i = 0; i < kSize; ++i) store.Append(TestLeaf(i));
  const NodeReader read = store.ReaderFor(kSize);
  std::mt19937_64 rng(1);
  std::vector<double> inclusion, consistency, root;
  using Clock = std::chrono::steady_clock;
  auto micros = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::micro>(b - a).count();
  };
  for (int i = 0; i < 20000; ++i) {
    const uint64_t index = rng() % kSize;
    const uint64_t size1 = 1 + rng() % kSize;
    auto t0 = Clock::now();
    auto proof = InclusionProof(index, kSize, read);
    auto t1 = Clock::now();
    auto cproof = ConsistencyProof(size1, kSize, read);
    auto t2 = Clock::now();
    auto r = RootAt(size1, store.ReaderFor(size1));
    auto t3 = Clock::now();
    ASSERT_TRUE(proof.ok() && cproof.ok() && r.ok());
    inclusion.push_back(micros(t0, t1));
    consistency.push_back(micros(t1, t2));
    root.push_back(micros(t2, t3));
    if (i % 1000 == 0) {
      ASSERT_TRUE(VerifyInclusion(TestLeaf(index), index, kSize, *proof, store.Root()).ok());
    }
  }
  const double median = MedianMicros(inclusion);
  std::printf(
      "1M-leaf tree, 20000 random queries: median InclusionProof %.2f us, "
      "ConsistencyProof %.2f us, RootAt %.2f us\n",
      median, MedianMicros(consistency), MedianMicros(root));
  ::testing::Test::RecordProperty("inclusion_proof_median_us", std::to_string(median));
  EXPECT_LT(median, 1000.0);
}

}  // namespace
}  // namespace tlog
