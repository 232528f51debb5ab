// An in-memory KvStore for tests: std::map per column under one mutex. Writes are atomic with
// respect to readers; durability is not simulated.
#include <map>

#include "base/mutex.h"
#include "storage/kv_store.h"

namespace ledger::internal {
namespace {

using ColumnMap = std::map<std::string, std::string, std::less<>>;

class MemoryIterator final : public KvIterator {
 public:
  // Iterates over a snapshot copy, as a RocksDB iterator sees an implicit snapshot.
  explicit MemoryIterator(ColumnMap snapshot) : data_(std::move(snapshot)), it_(data_.end()) {}
  void Seek(std::string_view key) override { it_ = data_.lower_bound(key); }
  bool Valid() const override { return it_ != data_.end(); }
  void Next() override { ++it_; }
  std::string_view key() const override { return it_->first; }
  std::string_view value() const override { return it_->second; }
  Status status() const override { return Status::Ok(); }

 private:
  ColumnMap data_;
  ColumnMap::const_iterator it_;
};

class MemoryStore final : public KvStore {
 public:
  Status Write(const KvWriteBatch& batch, bool) override {
    MutexLock lock(mu_);
    for (const auto& op : batch.ops()) {
      auto& col = columns_[static_cast<int>(op.column)];
      if (op.is_range) {
        col.erase(col.lower_bound(op.key), col.lower_bound(op.value));
      } else if (op.is_delete) {
        col.erase(op.key);
      } else {
        col[op.key] = op.value;
      }
    }
    return Status::Ok();
  }
  Result<std::string> Get(Column c, std::string_view key) override {
    MutexLock lock(mu_);
    const auto& col = columns_[static_cast<int>(c)];
    auto it = col.find(key);
    if (it == col.end()) return Status::NotFound("key not found");
    return it->second;
  }
  std::unique_ptr<KvIterator> NewIterator(Column c) override {
    MutexLock lock(mu_);
    return std::make_unique<MemoryIterator>(columns_[static_cast<int>(c)]);
  }
  Status CompactAll() override { return Status::Ok(); }
  Status CompactColumn(Column) override { return Status::Ok(); }
  // Nothing is kept once deleted: the store has no files.
  Status PurgeDeleted(Column) override { return Status::Ok(); }
  Result<ColumnWriteCounts> WriteCounts(Column c) override {
    MutexLock lock(mu_);
    return ColumnWriteCounts{columns_[static_cast<int>(c)].size(), 0};
  }
  Status FlushAll() override { return Status::Ok(); }
  uint64_t ApproximateDiskBytes() override { return 0; }
  Result<std::unique_ptr<KvStore>> Checkpoint(const std::string&) override {
    return Status::FailedPrecondition("an in-memory ledger has no files to back up");
  }

 private:
  Mutex mu_;
  ColumnMap columns_[kColumnCount] LEDGER_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<KvStore> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace ledger::internal
