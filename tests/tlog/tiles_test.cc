// c2sp.org/tlog-tiles: the spec's path examples, strict path parsing, entry bundles and hash
// tiles.
#include "tlog/tiles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace tlog {
namespace {

using ::ledger::StatusCode;
using ::testing::HasSubstr;

void ExpectError(const ledger::Status& status, StatusCode code, const std::string& substr) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(substr));
}

TEST(TilesTest, PathsMatchTheSpec) {
  EXPECT_EQ(TilePath(0, 1234067, 256), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath(1, 1234067, 8), "tile/1/x001/x234/067.p/8");
  EXPECT_EQ(TilePath(0, 0, 256), "tile/0/000");
  EXPECT_EQ(TilePath(0, 0, 1), "tile/0/000.p/1");
  EXPECT_EQ(TilePath(2, 999, 255), "tile/2/999.p/255");
  EXPECT_EQ(TilePath(0, 1000, 256), "tile/0/x001/000");
  EXPECT_EQ(TilePath(63, 5, 256), "tile/63/005");
  EXPECT_EQ(TilePath(0, UINT64_MAX, 256), "tile/0/x018/x446/x744/x073/x709/x551/615");
  EXPECT_EQ(EntryBundlePath(1234067, 256), "tile/entries/x001/x234/067");
  EXPECT_EQ(EntryBundlePath(1234067, 112), "tile/entries/x001/x234/067.p/112");
  EXPECT_EQ(EntryBundlePath(0, 256), "tile/entries/000");
}

TEST(TilesTest, NodesAtLevelCountsPerfectSubtrees) {
  EXPECT_EQ(NodesAtLevel(1000, 0), 1000u);
  EXPECT_EQ(NodesAtLevel(1000, 8), 3u);  // 3 full 256-leaf subtrees
  EXPECT_EQ(NodesAtLevel(1000, 9), 1u);
  EXPECT_EQ(NodesAtLevel(1000, 10), 0u);
  EXPECT_EQ(NodesAtLevel(UINT64_MAX, 63), 1u);
  EXPECT_EQ(NodesAtLevel(UINT64_MAX, 64), 0u);
  EXPECT_EQ(NodesAtLevel(UINT64_MAX, 200), 0u);
}

TEST(TilesTest, PathsRoundTrip) {
  const uint64_t indexes[] = {
      0,         1,      9,      10,      99,      100, 999,        1000,
      1001,      123456, 999999, 1000000, 1234067, 273, 4294967296, UINT64_MAX - 1,
      UINT64_MAX};
  for (uint64_t index : indexes) {
    for (uint32_t width : {1u, 17u, 112u, 255u, 256u}) {
      for (uint8_t level : {uint8_t{0}, uint8_t{1}, uint8_t{7}, uint8_t{63}}) {
        auto coord = ParseTilePath(TilePath(level, index, width));
        ASSERT_TRUE(coord.ok()) << coord.status().ToString();
        EXPECT_EQ(*coord, (TileCoord{level, index, width}));
      }
      auto bundle = ParseEntryBundlePath(EntryBundlePath(index, width));
      ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
      EXPECT_EQ(*bundle, (BundleCoord{index, width}));
    }
  }
}

TEST(TilesTest, NonCanonicalTilePathsAreRefused) {
  const char* bad[] = {
      "",
      "tile/",
      "tile/0",
      "tile/0/",
      "/tile/0/000",
      "tile/0/000/",
      "tile/0/1234067",                                 // no grouping
      "tile/0/x001/x234/67",                            // short last group
      "tile/0/001/x234/067",                            // missing x
      "tile/0/x001/234/067",                            // missing x
      "tile/0/x001/x234/x067",                          // x on the last group
      "tile/0/x000/067",                                // leading zero group
      "tile/0/x000/000",                                // leading zero group
      "tile/0/0000",                                    // four digits
      "tile/0/x1000/000",                               // four digits
      "tile/0/00a",                                     // not a digit
      "tile/0/x",                                       // empty group
      "tile/0/xx001/000",                               // double x
      "tile/0/x018/x446/x744/x073/x709/x551/616",       // 2^64
      "tile/0/x001/x018/x446/x744/x073/x709/x551/615",  // above 2^64
      "tile/00/000",                                    // level with a leading zero
      "tile/64/000",                                    // level above 63
      "tile/-1/000",
      "tile/+1/000",
      "tile/a/000",
      "tile/entries/000",  // an entry bundle, not a tile
      "tile/0/000.p/",
      "tile/0/000.p/0",    // empty tile
      "tile/0/000.p/256",  // full width written out
      "tile/0/000.p/08",   // leading zero
      "tile/0/000.p/+8",
      "tile/0/000.p/8/",
      "tile/0/000.p/1x",
      "tile/0/000.p8",
      "tile/0/000.P/8",
      "tile/0/000.p/8.p/8",
      "tile/0/000?x=1",
      "tile/0/000\n",
      "Tile/0/000",
  };
  for (const char* path : bad) {
    auto coord = ParseTilePath(path);
    ASSERT_FALSE(coord.ok()) << path;
    ExpectError(coord.status(), StatusCode::kInvalidArgument, "tile path");
  }
  ExpectError(ParseTilePath("tile/64/000").status(), StatusCode::kInvalidArgument,
              "level is not a decimal from 0 to 63");
  ExpectError(ParseTilePath("tiles/0/000").status(), StatusCode::kInvalidArgument,
              "does not start with \"tile/\"");
}

TEST(TilesTest, NonCanonicalBundlePathsAreRefused) {
  const char* bad[] = {
      "tile/entries/",        "tile/entries/0",         "tile/entries/x000/001",
      "tile/entries/000.p/0", "tile/entries/000.p/256", "tile/entries/000/",
      "tile/0/000",           "tile/entries//000",      "tile/entries/x001",
  };
  for (const char* path : bad) {
    auto coord = ParseEntryBundlePath(path);
    ASSERT_FALSE(coord.ok()) << path;
    ExpectError(coord.status(), StatusCode::kInvalidArgument, "entry bundle path");
  }
}

TEST(TilesTest, EntryBundleHasTwoByteLengthPrefixes) {
  auto bundle = EncodeEntryBundle({"", "a", "bc"});
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(*bundle, std::string("\0\0\0\x01"
                                 "a\0\x02"
                                 "bc",
                                 9));
  auto entries = DecodeEntryBundle(*bundle);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(*entries, (std::vector<std::string>{"", "a", "bc"}));
}

TEST(TilesTest, EntryBundleLimits) {
  std::vector<std::string> largest = {std::string(kMaxEntrySize, 'e')};
  auto bundle = EncodeEntryBundle(largest);
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle->substr(0, 2), "\xff\xff");
  auto decoded = DecodeEntryBundle(*bundle);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, largest);

  ExpectError(EncodeEntryBundle({"a", std::string(kMaxEntrySize + 1, 'e')}).status(),
              StatusCode::kInvalidArgument, "entry 1 of the bundle has 65536 bytes");
  ExpectError(EncodeEntryBundle({}).status(), StatusCode::kInvalidArgument,
              "1 to 256 entries, not 0");
  std::vector<std::string> full(256, "x");
  auto full_bundle = EncodeEntryBundle(full);
  ASSERT_TRUE(full_bundle.ok());
  auto full_decoded = DecodeEntryBundle(*full_bundle);
  ASSERT_TRUE(full_decoded.ok());
  EXPECT_EQ(full_decoded->size(), 256u);
  full.push_back("x");
  ExpectError(EncodeEntryBundle(full).status(), StatusCode::kInvalidArgument,
              "1 to 256 entries, not 257");
  ExpectError(DecodeEntryBundle(*full_bundle + std::string("\0\0", 2)).status(),
              StatusCode::kInvalidArgument, "more than 256 entries");
}

TEST(TilesTest, TruncatedBundlesAreRefused) {
  ExpectError(DecodeEntryBundle("").status(), StatusCode::kInvalidArgument, "empty");
  ExpectError(DecodeEntryBundle(std::string("\0", 1)).status(), StatusCode::kInvalidArgument,
              "ends inside the length of entry 0");
  ExpectError(DecodeEntryBundle(std::string("\0\x01"
                                            "a\0",
                                            4))
                  .status(),
              StatusCode::kInvalidArgument, "ends inside the length of entry 1");
  ExpectError(DecodeEntryBundle(std::string("\0\x03"
                                            "ab",
                                            4))
                  .status(),
              StatusCode::kInvalidArgument, "ends inside entry 0 (length 3, 2 bytes left)");
}

TEST(TilesTest, HashTilesAreConcatenatedHashes) {
  std::vector<Hash> hashes(3);
  for (size_t i = 0; i < hashes.size(); ++i) hashes[i].fill(static_cast<uint8_t>(i + 1));
  std::string tile = EncodeHashTile(hashes);
  ASSERT_EQ(tile.size(), 96u);
  EXPECT_EQ(tile[0], '\x01');
  EXPECT_EQ(tile[32], '\x02');
  EXPECT_EQ(tile[95], '\x03');
  auto decoded = DecodeHashTile(tile);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, hashes);
  auto full = DecodeHashTile(std::string(8192, 'h'));
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->size(), 256u);
  for (size_t size : {size_t{0}, size_t{31}, size_t{33}, size_t{8191}, size_t{8224}}) {
    ExpectError(DecodeHashTile(std::string(size, 'h')).status(), StatusCode::kInvalidArgument,
                "hash tile has " + std::to_string(size) + " bytes");
  }
}

}  // namespace
}  // namespace tlog
