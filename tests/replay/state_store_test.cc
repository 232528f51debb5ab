#include "replay/state_store.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "replay_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::ScratchDir;

SavedState Sample() {
  SavedState s;
  s.position = 123456;
  for (size_t i = 0; i < s.log_root.size(); ++i) s.log_root[i] = static_cast<uint8_t>(i * 7);
  s.occurred_at_most_us = -5;
  s.projections.push_back({"caseload", 3, std::string("\x00\x01state", 7)});
  s.projections.push_back({"outcomes", 1, ""});
  return s;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(StateStoreTest, EncodingRoundTrips) {
  SavedState s = Sample();
  auto back = DecodeSavedState(EncodeSavedState(s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  SavedState no_filter = s;
  no_filter.occurred_at_most_us.reset();
  EXPECT_EQ(*DecodeSavedState(EncodeSavedState(no_filter)), no_filter);
}

TEST(StateStoreTest, FileStartsWithItsMagicAndEndsWithTheDigestOfTheBody) {
  std::string bytes = EncodeSavedState(Sample());
  EXPECT_EQ(bytes.substr(0, 20), std::string("ledger-replay-state\0", 20));
  // format version 1, then position 123456 as a varint (0xc0 0xc4 0x07).
  EXPECT_EQ(bytes.substr(20, 4), std::string("\x01\xc0\xc4\x07", 4));
}

TEST(StateStoreTest, SaveAndLoad) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  auto empty = (*store)->Load();
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
  ASSERT_TRUE((*store)->Save(Sample()).ok());
  auto loaded = (*store)->Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, Sample());
  // Saving again replaces the file whole.
  SavedState next = Sample();
  next.position = 7;
  next.projections.pop_back();
  ASSERT_TRUE((*store)->Save(next).ok());
  EXPECT_EQ(**(*store)->Load(), next);
  EXPECT_FALSE(std::filesystem::exists((*store)->path() + ".tmp"));
  ASSERT_TRUE((*store)->Clear().ok());
  EXPECT_FALSE((*store)->Load()->has_value());
  EXPECT_TRUE((*store)->Clear().ok());
}

TEST(StateStoreTest, AStaleTemporaryFileFromACrashIsHarmless) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  ASSERT_TRUE((*store)->Save(Sample()).ok());
  // A crash between writing the temporary file and renaming it leaves this behind.
  WriteFile((*store)->path() + ".tmp", "half a state");
  EXPECT_EQ(**(*store)->Load(), Sample());
  SavedState next = Sample();
  next.position = 9;
  ASSERT_TRUE((*store)->Save(next).ok());
  EXPECT_EQ(**(*store)->Load(), next);
}

TEST(StateStoreTest, EveryFlippedByteIsCorruption) {
  std::string good = EncodeSavedState(Sample());
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_EQ(DecodeSavedState(bad).status().code(), StatusCode::kCorruption) << "byte " << i;
  }
}

TEST(StateStoreTest, TruncatedOrForeignFilesAreCorruption) {
  std::string good = EncodeSavedState(Sample());
  for (size_t n : {size_t{0}, size_t{10}, size_t{20}, size_t{52}, good.size() - 1}) {
    EXPECT_EQ(DecodeSavedState(good.substr(0, n)).status().code(), StatusCode::kCorruption) << n;
  }
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  WriteFile((*store)->path(), "not a state file at all, but long enough to have a digest");
  auto loaded = (*store)->Load();
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(loaded.status().message().find((*store)->path()), std::string::npos);
}

TEST(StateStoreTest, AnUnknownFormatVersionIsFailedPrecondition) {
  // A well-sealed file of a later format: the replayer rebuilds rather than failing.
  std::string good = EncodeSavedState(Sample());
  std::string body = good.substr(20, good.size() - 52);
  body[0] = 2;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  std::string file = good.substr(0, 20) + body +
                     std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
  EXPECT_EQ(DecodeSavedState(file).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ledger::replay
