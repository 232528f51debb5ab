// One conformance suite for both KvStore implementations (RocksDB and memory).
#include "storage/kv_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <type_traits>

#include "../temp_dir.h"

namespace ledger::internal {
namespace {

struct RocksFactory {
  testing::TempDir temp;  // removes the store's directory with the factory
  std::string dir = temp.path();
  std::unique_ptr<KvStore> Make() {
    std::filesystem::remove_all(dir);
    return OpenRocksDbStore(dir, true).value();
  }
  // Where a checkpoint of the store goes (Checkpoint); `temp` removes `dir`, this its copy.
  std::string CopyDir() const { return dir + "-copy/nested"; }
  ~RocksFactory() { std::filesystem::remove_all(dir + "-copy"); }
};
struct MemoryFactory {
  std::unique_ptr<KvStore> Make() { return NewMemoryStore(); }
  // Never created: the memory store refuses to make a copy.
  std::string CopyDir() const {
    return (std::filesystem::temp_directory_path() /
            ("kvtest-memcopy-" + std::to_string(::getpid())))
        .string();
  }
};

template <typename F>
class KvStoreTest : public ::testing::Test {
 protected:
  F factory_;
};
using Factories = ::testing::Types<RocksFactory, MemoryFactory>;
TYPED_TEST_SUITE(KvStoreTest, Factories);

TYPED_TEST(KvStoreTest, GetOfMissingKeyIsNotFound) {
  auto store = this->factory_.Make();
  EXPECT_EQ(store->Get(Column::kEntries, "x").status().code(), StatusCode::kNotFound);
}

TYPED_TEST(KvStoreTest, BatchIsAppliedWhole) {
  auto store = this->factory_.Make();
  KvWriteBatch b;
  b.Put(Column::kEntries, "a", std::string("1\0x", 3));
  b.Put(Column::kIds, "a", "2");
  b.Put(Column::kEntries, "b", "3");
  b.Delete(Column::kEntries, "b");
  ASSERT_TRUE(store->Write(b, true).ok());
  EXPECT_EQ(store->Get(Column::kEntries, "a").value(), std::string("1\0x", 3));
  EXPECT_EQ(store->Get(Column::kIds, "a").value(), "2");
  EXPECT_EQ(store->Get(Column::kEntries, "b").status().code(), StatusCode::kNotFound);
  // Columns are separate namespaces.
  EXPECT_EQ(store->Get(Column::kKeys, "a").status().code(), StatusCode::kNotFound);
}

// The store may reorder a batch's puts for speed (rocksdb_store.cc), but never across a
// deletion, and the last of two puts of one key wins.
TYPED_TEST(KvStoreTest, BatchKeepsTheOrderOfItsOperationsOnEachKey) {
  auto store = this->factory_.Make();
  KvWriteBatch seed;
  seed.Put(Column::kPersonal, "s1/1", "old");
  seed.Put(Column::kPersonal, "s1/2", "old");
  ASSERT_TRUE(store->Write(seed, true).ok());
  KvWriteBatch b;
  b.Put(Column::kIds, "z", "first");
  b.Put(Column::kIds, "a", "x");
  b.Put(Column::kIds, "z", "second");  // a later put of the same key wins
  b.Put(Column::kEntries, "gone", "v");
  b.Delete(Column::kEntries, "gone");  // deleted after it was put
  b.Delete(Column::kEntries, "back");
  b.Put(Column::kEntries, "back", "v2");  // put after its deletion: stays
  b.Put(Column::kPersonal, "s1/4", "put before the range deletion");
  b.DeleteRange(Column::kPersonal, "s1/", "s1/~");
  b.Put(Column::kPersonal, "s1/3", "new");  // put after the range deletion: stays
  b.Put(Column::kPersonal, "a", "outside");
  ASSERT_TRUE(store->Write(b, true).ok());
  EXPECT_EQ(store->Get(Column::kIds, "z").value(), "second");
  EXPECT_EQ(store->Get(Column::kIds, "a").value(), "x");
  EXPECT_EQ(store->Get(Column::kEntries, "gone").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Get(Column::kEntries, "back").value(), "v2");
  EXPECT_EQ(store->Get(Column::kPersonal, "s1/1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Get(Column::kPersonal, "s1/2").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Get(Column::kPersonal, "s1/4").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Get(Column::kPersonal, "s1/3").value(), "new");
  EXPECT_EQ(store->Get(Column::kPersonal, "a").value(), "outside");
}

TYPED_TEST(KvStoreTest, IteratorSeesKeysInByteOrder) {
  auto store = this->factory_.Make();
  KvWriteBatch b;
  for (uint64_t v : {300u, 2u, 70000u, 1u}) b.Put(Column::kEntries, EncodeBE64(v), "v");
  ASSERT_TRUE(store->Write(b, false).ok());
  auto it = store->NewIterator(Column::kEntries);
  std::vector<uint64_t> seen;
  for (it->Seek(EncodeBE64(2)); it->Valid(); it->Next()) seen.push_back(DecodeBE64(it->key()));
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{2, 300, 70000}));
}

TYPED_TEST(KvStoreTest, IteratorIsASnapshot) {
  auto store = this->factory_.Make();
  KvWriteBatch b;
  b.Put(Column::kMeta, "a", "1");
  ASSERT_TRUE(store->Write(b, false).ok());
  auto it = store->NewIterator(Column::kMeta);
  KvWriteBatch c;
  c.Put(Column::kMeta, "b", "2");
  ASSERT_TRUE(store->Write(c, false).ok());
  int n = 0;
  for (it->Seek(""); it->Valid(); it->Next()) ++n;
  EXPECT_EQ(n, 1);
}

// A checkpoint is a copy of what was written before it, opened read-only; the memory store has
// no files to copy and refuses (the ledger's Backup relies on both).
TYPED_TEST(KvStoreTest, CheckpointCopiesWhatWasWrittenBefore) {
  auto store = this->factory_.Make();
  KvWriteBatch before;
  before.Put(Column::kEntries, "a", "1");
  before.Put(Column::kMeta, "head", "h1");
  ASSERT_TRUE(store->Write(before, true).ok());
  const std::string dir = this->factory_.CopyDir();
  auto copy = store->Checkpoint(dir);
  KvWriteBatch after;
  after.Put(Column::kEntries, "b", "2");
  ASSERT_TRUE(store->Write(after, true).ok());
  if (std::is_same_v<TypeParam, MemoryFactory>) {
    EXPECT_EQ(copy.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_FALSE(std::filesystem::exists(dir));
    return;
  }
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_EQ((*copy)->Get(Column::kEntries, "a").value(), "1");
  EXPECT_EQ((*copy)->Get(Column::kMeta, "head").value(), "h1");
  EXPECT_EQ((*copy)->Get(Column::kEntries, "b").status().code(), StatusCode::kNotFound);
  // Opened read-only: the copy takes no writes.
  KvWriteBatch into_copy;
  into_copy.Put(Column::kEntries, "c", "3");
  EXPECT_FALSE((*copy)->Write(into_copy, true).ok());
  // A second checkpoint into the now non-empty directory is refused.
  EXPECT_EQ(store->Checkpoint(dir).status().code(), StatusCode::kFailedPrecondition);
}

TYPED_TEST(KvStoreTest, CheckpointTakesAnEmptyDirectory) {
  auto store = this->factory_.Make();
  KvWriteBatch b;
  b.Put(Column::kIds, "x", "1");
  ASSERT_TRUE(store->Write(b, true).ok());
  const std::string dir = this->factory_.CopyDir();
  if (std::is_same_v<TypeParam, MemoryFactory>) {
    EXPECT_EQ(store->Checkpoint(dir).status().code(), StatusCode::kFailedPrecondition);
    return;
  }
  std::filesystem::create_directories(dir);
  auto copy = store->Checkpoint(dir);
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_EQ((*copy)->Get(Column::kIds, "x").value(), "1");
}

TEST(RocksDbStoreTest, CreateRefusesAnExistingLedgerAndOpenRefusesAMissingOne) {
  testing::TempDir temp;
  const std::string dir = temp.path();
  EXPECT_EQ(OpenRocksDbStore(dir, false).status().code(), StatusCode::kNotFound);
  { ASSERT_TRUE(OpenRocksDbStore(dir, true).ok()); }
  EXPECT_EQ(OpenRocksDbStore(dir, true).status().code(), StatusCode::kFailedPrecondition);
  auto open = OpenRocksDbStore(dir, false);
  ASSERT_TRUE(open.ok());
  // A second process (here: a second open) is refused while the first holds it.
  EXPECT_EQ(OpenRocksDbStore(dir, false).status().code(), StatusCode::kUnavailable);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ledger::internal
