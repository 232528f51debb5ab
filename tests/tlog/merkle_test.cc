// Tests of RFC 6962 hashing (merkle.h) and of building trees with CompactRange.
#include "tlog/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "reference_tree.h"
#include "tlog/compact_range.h"

namespace tlog {
namespace {

using ::ledger::StatusCode;
using ::tlog::testing::GoldenLeafData;
using ::tlog::testing::GoldenNodesHex;
using ::tlog::testing::GoldenRootsHex;
using ::tlog::testing::HashFromHex;
using ::tlog::testing::ReferenceTree;
using ::tlog::testing::TestLeaf;
using ::tlog::testing::TestTree;

using NodeKey = std::tuple<uint8_t, uint64_t>;

// Appends leaves [range.size(), n) of `tree` to `range`.
void AppendUpTo(CompactRange& range, ReferenceTree& tree, uint64_t n) {
  while (range.size() < n) range.Append(tree.leaf(range.size()), nullptr);
}

TEST(MerkleHashTest, EmptyRootIsSha256OfTheEmptyString) {
  EXPECT_EQ(EmptyRoot(), HashFromHex(GoldenRootsHex()[0]));
}

TEST(MerkleHashTest, LeafHashesMatchGoldenVectors) {
  const auto leaves = GoldenLeafData();
  for (size_t i = 0; i < leaves.size(); ++i) {
    EXPECT_EQ(HashLeaf(leaves[i]), HashFromHex(GoldenNodesHex()[0][i])) << "leaf " << i;
  }
}

TEST(MerkleHashTest, InteriorHashesMatchGoldenVectors) {
  const auto& nodes = GoldenNodesHex();
  for (size_t level = 1; level < nodes.size(); ++level) {
    for (size_t i = 0; i < nodes[level].size(); ++i) {
      EXPECT_EQ(HashChildren(HashFromHex(nodes[level - 1][2 * i]),
                             HashFromHex(nodes[level - 1][2 * i + 1])),
                HashFromHex(nodes[level][i]))
          << "level " << level << " index " << i;
    }
  }
}

TEST(CompactRangeTest, EmptyRangeHasEmptyRoot) {
  CompactRange range;
  EXPECT_EQ(range.size(), 0u);
  EXPECT_TRUE(range.hashes().empty());
  EXPECT_EQ(range.Root(), EmptyRoot());
}

TEST(CompactRangeTest, RootsMatchGoldenVectorsForSizes0To8) {
  CompactRange range;
  const auto leaves = GoldenLeafData();
  EXPECT_EQ(range.Root(), HashFromHex(GoldenRootsHex()[0]));
  for (size_t i = 0; i < leaves.size(); ++i) {
    range.Append(HashLeaf(leaves[i]), nullptr);
    EXPECT_EQ(range.Root(), HashFromHex(GoldenRootsHex()[i + 1])) << "size " << i + 1;
  }
  EXPECT_EQ(range.Root(),
            HashFromHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"));
}

TEST(CompactRangeTest, HashesAreTheCoveringPerfectSubtreesLargestFirst) {
  // transparency-dev/merkle testonly CompactTrees(): {level, index} of each covering subtree.
  const std::vector<std::vector<std::pair<int, int>>> expected = {
      {},       {{0, 0}},         {{1, 0}},         {{1, 0}, {0, 2}},
      {{2, 0}}, {{2, 0}, {0, 4}}, {{2, 0}, {1, 2}}, {{2, 0}, {1, 2}, {0, 6}},
      {{3, 0}}};
  CompactRange range;
  const auto leaves = GoldenLeafData();
  for (size_t n = 0; n <= leaves.size(); ++n) {
    if (n > 0) range.Append(HashLeaf(leaves[n - 1]), nullptr);
    std::vector<Hash> want;
    for (auto [level, index] : expected[n])
      want.push_back(HashFromHex(GoldenNodesHex()[level][index]));
    EXPECT_EQ(range.hashes(), want) << "size " << n;
  }
}

TEST(CompactRangeTest, AppendReportsEveryGoldenNodeExactlyOnce) {
  std::map<NodeKey, Hash> seen;
  CompactRange range;
  for (const auto& leaf : GoldenLeafData()) {
    range.Append(HashLeaf(leaf), [&](uint8_t level, uint64_t index, const Hash& hash) {
      EXPECT_TRUE(seen.emplace(NodeKey{level, index}, hash).second)
          << "reported twice: " << int{level} << "/" << index;
    });
  }
  std::map<NodeKey, Hash> want;
  const auto& nodes = GoldenNodesHex();
  for (size_t level = 0; level < nodes.size(); ++level) {
    for (size_t i = 0; i < nodes[level].size(); ++i) {
      want.emplace(NodeKey{static_cast<uint8_t>(level), i}, HashFromHex(nodes[level][i]));
    }
  }
  EXPECT_EQ(seen, want);
}

TEST(CompactRangeTest, AppendReportsLeafThenCompletedNodesBottomUp) {
  CompactRange range;
  for (int i = 0; i < 7; ++i) range.Append(TestLeaf(i), nullptr);
  std::vector<NodeKey> calls;
  range.Append(TestLeaf(7), [&](uint8_t level, uint64_t index, const Hash&) {
    calls.emplace_back(level, index);
  });
  EXPECT_EQ(calls, (std::vector<NodeKey>{{0, 7}, {1, 3}, {2, 1}, {3, 0}}));
}

TEST(CompactRangeTest, RootsMatchReferenceForEverySizeTo300) {
  ReferenceTree tree = TestTree(300);
  CompactRange range;
  for (uint64_t n = 1; n <= tree.size(); ++n) {
    range.Append(tree.leaf(n - 1), nullptr);
    ASSERT_EQ(range.Root(), tree.Root(n)) << "size " << n;
    ASSERT_EQ(range.hashes().size(), static_cast<size_t>(std::popcount(n)));
  }
}

TEST(CompactRangeTest, ReportedNodesMatchReferenceSubtreesTo5000) {
  ReferenceTree tree = TestTree(5000);
  CompactRange range;
  uint64_t reported = 0;
  std::mt19937_64 rng(6962);
  for (uint64_t n = 1; n <= tree.size(); ++n) {
    range.Append(tree.leaf(n - 1), [&](uint8_t level, uint64_t index, const Hash& hash) {
      ++reported;
      // A perfect node is the root of its own subtree: the tree of its leaves alone.
      if (level >= 6 || rng() % 16 == 0) {
        ReferenceTree sub;
        for (uint64_t i = index << level; i < (index + 1) << level; ++i) sub.Append(tree.leaf(i));
        EXPECT_EQ(hash, sub.Root(sub.size())) << int{level} << "/" << index;
      }
    });
    if (n % 997 == 0 || n == tree.size() || rng() % 50 == 0) {
      ASSERT_EQ(range.Root(), tree.Root(n)) << "size " << n;
    }
  }
  // A tree of n leaves has floor(n / 2^L) perfect nodes at level L.
  uint64_t want = 0;
  for (uint64_t width = 1; width <= tree.size(); width *= 2) want += tree.size() / width;
  EXPECT_EQ(reported, want);
}

TEST(CompactRangeTest, RestoredRangeGivesTheSameFutureRoots) {
  ReferenceTree tree = TestTree(200);
  for (uint64_t n = 0; n <= 130; ++n) {
    CompactRange original;
    AppendUpTo(original, tree, n);
    auto restored = CompactRange::FromState(original.size(), original.hashes());
    ASSERT_TRUE(restored.ok()) << restored.status().ToString();
    ASSERT_EQ(*restored, original);
    EXPECT_EQ(restored->Root(), original.Root());
    for (uint64_t m = n; m < tree.size(); ++m) {
      restored->Append(tree.leaf(m), nullptr);
      original.Append(tree.leaf(m), nullptr);
      ASSERT_EQ(restored->Root(), original.Root()) << "restored at " << n << ", size " << m + 1;
      ASSERT_EQ(restored->Root(), tree.Root(m + 1));
    }
  }
}

TEST(CompactRangeTest, RestoreRefusesWrongNumberOfHashes) {
  const Hash h = TestLeaf(0);
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const std::vector<std::pair<uint64_t, size_t>> bad = {
      {0, 1}, {1, 0}, {1, 2}, {2, 2}, {5, 1}, {5, 3}, {7, 2}, {8, 0}, {max, 63}, {max, 65}};
  for (auto [size, count] : bad) {
    auto restored = CompactRange::FromState(size, std::vector<Hash>(count, h));
    ASSERT_FALSE(restored.ok()) << "size " << size << " with " << count << " hashes";
    EXPECT_EQ(restored.status().code(), StatusCode::kCorruption);
    EXPECT_NE(restored.status().message().find("expected " + std::to_string(std::popcount(size)) +
                                               " hashes"),
              std::string::npos)
        << restored.status().ToString();
  }
}

TEST(CompactRangeTest, RestoreAcceptsHugeSizes) {
  const Hash h = TestLeaf(0);
  auto restored = CompactRange::FromState(uint64_t{1} << 63, {h});
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->Root(), h);
  restored->Append(h, nullptr);
  EXPECT_EQ(restored->hashes(), (std::vector<Hash>{h, h}));
  EXPECT_EQ(restored->Root(), HashChildren(h, h));
}

}  // namespace
}  // namespace tlog
