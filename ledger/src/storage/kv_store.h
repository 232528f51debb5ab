// The small storage interface the ledger is written against: named columns of ordered byte
// keys, atomic write batches, point reads and forward iterators. One implementation sits on
// RocksDB (column families); one is in memory, for tests. Both pass tests/ledger/kv_store_test.cc.
#ifndef LEDGER_SRC_STORAGE_KV_STORE_H_
#define LEDGER_SRC_STORAGE_KV_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ledger::internal {

// Do not reorder: the RocksDB store maps these to column family names.
enum class Column : int {
  kMeta = 0,         // identity, head, counters
  kEntries = 1,      // BE64(seq) -> framed entry
  kIds = 2,          // event id -> seq, version, recorded_at, content digest
  kStreams = 3,      // stream 0x00 BE64(version) -> BE64(seq)
  kStreamHeads = 4,  // stream -> StreamHead
  kKeys = 5,         // 4-byte key id -> KeyState
  kPersonal = 6,     // the vault: subject keys and sealed personal values (vault.h)
  kTree = 7,         // level byte, BE64(index) -> 32-byte perfect subtree hash
  kCheckpoints = 8,  // BE64(tree size) -> signed checkpoint note
};
constexpr int kColumnCount = 9;
std::string_view ColumnName(Column c);

// One atomic unit: all of it is applied or none.
class KvWriteBatch {
 public:
  struct Op {
    Column column;
    bool is_delete;
    std::string key;
    std::string value;  // for a range delete: the end key (exclusive)
    bool is_range = false;
  };
  void Put(Column c, std::string key, std::string value) {
    ops_.push_back({c, false, std::move(key), std::move(value)});
  }
  void Delete(Column c, std::string key) { ops_.push_back({c, true, std::move(key), {}}); }
  // Deletes every key in [begin, end), including keys put earlier in this batch.
  void DeleteRange(Column c, std::string begin, std::string end) {
    ops_.push_back({c, true, std::move(begin), std::move(end), true});
  }
  const std::vector<Op>& ops() const { return ops_; }
  std::vector<Op>& mutable_ops() { return ops_; }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  void Clear() { ops_.clear(); }

 private:
  std::vector<Op> ops_;
};

// A forward iterator over one column. As in RocksDB, errors surface through status() once
// Valid() turns false.
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  virtual void Seek(std::string_view key) = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

// What the storage engine counts of the writes to one column: records put and deletions
// (point and range) recorded, over every file and memory table. Compaction merges a put with a
// later put or deletion of the same key, so for a column whose keys are each written once and
// never deleted, puts equals the number of keys and deletions is 0, and anything else means
// the column was written outside the ledger.
struct ColumnWriteCounts {
  uint64_t puts = 0;
  uint64_t deletions = 0;
};

class KvStore {
 public:
  virtual ~KvStore() = default;
  // Applies the batch atomically; with sync, returns only once it is durable.
  virtual Status Write(const KvWriteBatch& batch, bool sync) = 0;
  // NotFound when absent.
  virtual Result<std::string> Get(Column c, std::string_view key) = 0;
  virtual std::unique_ptr<KvIterator> NewIterator(Column c) = 0;
  // Flushes memtables and the WAL to files (used before copying or inspecting files).
  virtual Status FlushAll() = 0;
  // Flushes, then rewrites every file so that deleted values are physically gone (erasure).
  virtual Status CompactAll() = 0;
  // Rewrites one column's files so that deleted records and their tombstones are gone.
  virtual Status CompactColumn(Column c) = 0;
  // Makes what was deleted from column `c` before the call physically absent from the data
  // directory: flushes every memtable (so that no write-ahead log still holds the deleted
  // records), rewrites c's files, and checks that no file the rewrite replaced is still on
  // disk. Unavailable when one still is (a reader holds it open, or a snapshot keeps the
  // deleted records alive): nothing is lost, try again later.
  virtual Status PurgeDeleted(Column c) = 0;
  virtual Result<ColumnWriteCounts> WriteCounts(Column c) = 0;
  // Approximate bytes on disk; 0 for the memory store.
  virtual uint64_t ApproximateDiskBytes() = 0;
  // Writes a consistent copy of the whole store into `dir` while writes go on: it holds each
  // write batch entirely or not at all. `dir` must not exist or be an empty directory
  // (FailedPrecondition otherwise); missing parents are created. Returns the copy opened
  // read-only, to read back what it holds. FailedPrecondition for the memory store, which has no
  // files to copy.
  virtual Result<std::unique_ptr<KvStore>> Checkpoint(const std::string& dir) = 0;
};

// Opens (or with create, creates) a RocksDB store in `dir`. Open refuses a missing directory
// unless create is set, and create refuses a directory that already holds a ledger. With
// read_only (not with create) the store refuses writes and takes no lock: for reading a copy
// (a checkpoint) without replaying its log into it.
Result<std::unique_ptr<KvStore>> OpenRocksDbStore(const std::string& dir, bool create,
                                                  bool read_only = false);
std::unique_ptr<KvStore> NewMemoryStore();

// Big-endian fixed-width integers keep numeric and byte order the same.
std::string EncodeBE64(uint64_t v);
uint64_t DecodeBE64(std::string_view bytes);  // REQUIRES: bytes.size() >= 8

}  // namespace ledger::internal

#endif  // LEDGER_SRC_STORAGE_KV_STORE_H_
