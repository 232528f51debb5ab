// KvStore on RocksDB: one column family per Column, synced WAL writes for durability.
#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/utilities/checkpoint.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "storage/kv_store.h"

namespace ledger::internal {
namespace {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string m(what);
  m += ": ";
  m += s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(m));
  if (s.IsCorruption()) return Status::Corruption(std::move(m));
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return Status::Unavailable(std::move(m));
  return Status::IOError(std::move(m));
}

class RocksIterator final : public KvIterator {
 public:
  explicit RocksIterator(std::unique_ptr<rocksdb::Iterator> it) : it_(std::move(it)) {}
  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  std::string_view key() const override {
    auto k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    auto v = it_->value();
    return {v.data(), v.size()};
  }
  Status status() const override { return FromRocks(it_->status(), "iterator"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksStore final : public KvStore {
 public:
  RocksStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : db_(std::move(db)), handles_(std::move(handles)) {}
  ~RocksStore() override {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
  }

  Status Write(const KvWriteBatch& batch, bool sync) override {
    rocksdb::WriteBatch wb;
    // The puts between deletions in (column, key) order: each column's memtable then takes its
    // keys in ascending order, and its skip list reuses the place of the last insert instead of
    // searching from the top for every key. A deletion keeps its place, since a put after it in
    // the batch must stay after it (and a range deletion must not cover a later put).
    const auto& ops = batch.ops();
    std::vector<const KvWriteBatch::Op*> order;
    order.reserve(ops.size());
    for (size_t i = 0; i < ops.size();) {
      size_t j = i;
      while (j < ops.size() && !ops[j].is_delete) order.push_back(&ops[j++]);
      std::stable_sort(order.end() - static_cast<std::ptrdiff_t>(j - i), order.end(),
                       [](const KvWriteBatch::Op* x, const KvWriteBatch::Op* y) {
                         return x->column != y->column ? x->column < y->column : x->key < y->key;
                       });
      if (j < ops.size()) order.push_back(&ops[j++]);
      i = j;
    }
    for (const KvWriteBatch::Op* p : order) {
      const auto& op = *p;
      auto* cf = handles_[static_cast<int>(op.column)];
      rocksdb::Status s = op.is_range    ? wb.DeleteRange(cf, op.key, op.value)
                          : op.is_delete ? wb.Delete(cf, op.key)
                                         : wb.Put(cf, op.key, op.value);
      if (!s.ok()) return FromRocks(s, "write batch");
    }
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    return FromRocks(db_->Write(wo, &wb), "write");
  }

  Result<std::string> Get(Column c, std::string_view key) override {
    std::string value;
    rocksdb::ReadOptions ro;
    ro.verify_checksums = true;
    auto s =
        db_->Get(ro, handles_[static_cast<int>(c)], rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return Status::NotFound("key not found");
    if (!s.ok()) return FromRocks(s, "read");
    return value;
  }

  std::unique_ptr<KvIterator> NewIterator(Column c) override {
    rocksdb::ReadOptions ro;
    ro.verify_checksums = true;
    return std::make_unique<RocksIterator>(
        std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, handles_[static_cast<int>(c)])));
  }

  Status FlushAll() override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    LEDGER_RETURN_IF_ERROR(FromRocks(db_->Flush(fo, handles_), "flush"));
    return FromRocks(db_->FlushWAL(true), "flush WAL");
  }

  Status CompactAll() override {
    LEDGER_RETURN_IF_ERROR(FlushAll());
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    for (auto* h : handles_) {
      LEDGER_RETURN_IF_ERROR(FromRocks(db_->CompactRange(co, h, nullptr, nullptr), "compact"));
    }
    return Status::Ok();
  }

  Status CompactColumn(Column c) override {
    auto* h = handles_[static_cast<int>(c)];
    LEDGER_RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions(), h), "flush"));
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    return FromRocks(db_->CompactRange(co, h, nullptr, nullptr), "compact");
  }

  Status PurgeDeleted(Column c) override {
    auto* h = handles_[static_cast<int>(c)];
    // The column's files now: the rewrite must replace every one of them, since any may hold a
    // deleted record.
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    std::vector<std::string> replaced;
    for (const auto& f : files) {
      if (f.column_family_name == h->GetName()) {
        replaced.push_back(std::filesystem::path(f.name).filename().string());
      }
    }
    // Every memtable to files: a write-ahead log becomes obsolete, and is deleted, once no
    // memtable of any column needs it, so the logs that carried the deleted records go too.
    LEDGER_RETURN_IF_ERROR(FlushAll());
    rocksdb::CompactRangeOptions co;
    co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    co.exclusive_manual_compaction = false;  // other columns' compactions go on meanwhile
    LEDGER_RETURN_IF_ERROR(FromRocks(db_->CompactRange(co, h, nullptr, nullptr), "compact"));
    // Obsolete write-ahead logs are deleted at the storage engine's next full scan for
    // obsolete files, which re-enabling file deletions runs now (without force: while a
    // backup holds deletions off, nothing is deleted and the check below says so).
    LEDGER_RETURN_IF_ERROR(FromRocks(db_->DisableFileDeletions(), "disable file deletions"));
    LEDGER_RETURN_IF_ERROR(
        FromRocks(db_->EnableFileDeletions(/*force=*/false), "enable file deletions"));
    // A compaction keeps a deleted record that a snapshot can still see.
    uint64_t snapshots = 0;
    if (db_->GetIntProperty("rocksdb.num-snapshots", &snapshots) && snapshots > 0) {
      return Status::Unavailable(std::to_string(snapshots) +
                                 " open snapshot(s) keep deleted records readable");
    }
    // Replaced files are deleted once no reader holds them; the deletion may trail the
    // compaction's return by a moment, so look a few times before reporting.
    std::string held;
    for (int attempt = 0; attempt < 40; ++attempt) {
      LEDGER_ASSIGN_OR_RETURN(held, StillOnDisk(replaced));
      if (held.empty()) return Status::Ok();
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return Status::Unavailable("files the purge replaced are still on disk (" + held +
                               "): a reader holds them open");
  }

  Result<ColumnWriteCounts> WriteCounts(Column c) override {
    auto* h = handles_[static_cast<int>(c)];
    rocksdb::TablePropertiesCollection tables;
    LEDGER_RETURN_IF_ERROR(
        FromRocks(db_->GetPropertiesOfAllTables(h, &tables), "table properties"));
    ColumnWriteCounts counts;
    for (const auto& [file, props] : tables) {
      counts.puts += props->num_entries - props->num_deletions - props->num_merge_operands;
      counts.deletions += props->num_deletions + props->num_range_deletions;
    }
    uint64_t entries = 0, deletes = 0;
    for (const char* name :
         {"rocksdb.num-entries-active-mem-table", "rocksdb.num-entries-imm-mem-tables"}) {
      uint64_t v = 0;
      if (db_->GetIntProperty(h, name, &v)) entries += v;
    }
    for (const char* name :
         {"rocksdb.num-deletes-active-mem-table", "rocksdb.num-deletes-imm-mem-tables"}) {
      uint64_t v = 0;
      if (db_->GetIntProperty(h, name, &v)) deletes += v;
    }
    counts.puts += entries - deletes;
    counts.deletions += deletes;
    return counts;
  }

  Result<std::unique_ptr<KvStore>> Checkpoint(const std::string& dir) override {
    namespace fs = std::filesystem;
    const fs::path target(dir);
    std::error_code ec;
    if (fs::exists(target, ec)) {
      if (!fs::is_directory(target, ec) || !fs::is_empty(target, ec)) {
        return Status::FailedPrecondition("checkpoint: " + dir + " is not an empty directory");
      }
      // RocksDB makes the checkpoint in "<dir>.tmp" and renames it: the target may not exist.
      if (!fs::remove(target, ec)) {
        return Status::IOError("checkpoint: cannot replace empty directory " + dir + ": " +
                               ec.message());
      }
    } else if (ec) {
      return Status::IOError("checkpoint: " + dir + ": " + ec.message());
    }
    if (target.has_parent_path()) {
      fs::create_directories(target.parent_path(), ec);
      if (ec) {
        return Status::IOError("checkpoint: cannot create " + target.parent_path().string() + ": " +
                               ec.message());
      }
    }
    rocksdb::Checkpoint* raw = nullptr;
    LEDGER_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    // log_size_for_flush = 0: flush the memtables first, so that the copy is made of (linked)
    // table files plus at most a short WAL; RocksDB keeps the column families consistent.
    LEDGER_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0),
                                     "checkpoint " + dir));
    // Read-only: nothing is replayed into the copy.
    return OpenRocksDbStore(dir, /*create=*/false, /*read_only=*/true);
  }

  uint64_t ApproximateDiskBytes() override {
    uint64_t total = 0;
    for (auto* h : handles_) {
      uint64_t v = 0;
      if (db_->GetIntProperty(h, "rocksdb.total-sst-files-size", &v)) total += v;
    }
    return total;
  }

 private:
  // Of `tables` (file names), those still in the directory, and every write-ahead log older
  // than the oldest one the database still needs; "" when there are none.
  Result<std::string> StillOnDisk(const std::vector<std::string>& tables) {
    uint64_t min_log = 0;
    if (!db_->GetIntProperty("rocksdb.min-log-number-to-keep", &min_log)) {
      return Status::IOError("the storage engine does not report the oldest log it keeps");
    }
    std::string held;
    auto note = [&](const std::string& name) { held += (held.empty() ? "" : ", ") + name; };
    std::error_code ec;
    for (const auto& name : tables) {
      if (std::filesystem::exists(std::filesystem::path(db_->GetName()) / name, ec)) note(name);
    }
    for (const auto& file : std::filesystem::directory_iterator(db_->GetName(), ec)) {
      const auto& path = file.path();
      if (path.extension() != ".log") continue;
      const std::string stem = path.stem().string();
      if (stem.empty() || stem.size() > 18 ||
          stem.find_first_not_of("0123456789") != std::string::npos) {
        continue;
      }
      if (std::stoull(stem) < min_log) note(path.filename().string());
    }
    if (ec) return Status::IOError("listing " + db_->GetName() + ": " + ec.message());
    return held;
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

rocksdb::ColumnFamilyOptions ColumnOptions(Column c) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  if (c == Column::kEntries) {
    // Entries are appended in key order and read mostly in order: no point filters needed,
    // a larger memtable keeps flushes rare.
    t.filter_policy.reset();
    o.write_buffer_size = 64 << 20;
  } else {
    o.write_buffer_size = 16 << 20;
  }
  if (c == Column::kIds) {
    // Almost every lookup of a new event's id is a miss: a memtable bloom filter answers those
    // without walking the skip list.
    o.memtable_whole_key_filtering = true;
    o.memtable_prefix_bloom_size_ratio = 0.1;
  }
  o.compression = rocksdb::kLZ4Compression;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

// A read-only open writes nothing, not even RocksDB's informational LOG file.
class DiscardingLogger final : public rocksdb::Logger {
 public:
  DiscardingLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::HEADER_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

// Whether another process holds RocksDB's lock on `dir` (it locks LOCK with fcntl). A read-only
// open takes no lock, so it asks: reading files that a live writer compacts away would fail at
// random later, and an auditor should read a stopped ledger or a copy.
bool LockedByAnotherProcess(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "LOCK").string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock query {};
  query.l_type = F_WRLCK;
  query.l_whence = SEEK_SET;
  const bool locked = ::fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK;
  ::close(fd);
  return locked;
}

}  // namespace

Result<std::unique_ptr<KvStore>> OpenRocksDbStore(const std::string& dir, bool create,
                                                  bool read_only) {
  std::error_code ec;
  bool exists = std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);
  if (create && exists) {
    return Status::FailedPrecondition("a ledger already exists in " + dir);
  }
  if (!create && !exists) {
    return Status::NotFound("no ledger in " + dir + " (create one with `ledger init`)");
  }
  rocksdb::DBOptions options;
  options.create_if_missing = create;
  options.create_missing_column_families = create;
  options.error_if_exists = create;
  options.paranoid_checks = true;
  // Every append is acknowledged only after its synced write, so the only WAL record that can be
  // incomplete after a crash is the one being written when the process died, which nobody was
  // told had succeeded: kTolerateCorruptedTailRecords drops exactly such an incomplete tail and
  // fails the open on anything else (a checksum mismatch anywhere, a bad record in the middle).
  // kPointInTimeRecovery, the default, would instead stop at a damaged record and silently
  // drop every acknowledged write after it. What a WAL check cannot see (a log truncated at a
  // record boundary, or deleted) the anchor files catch (anchor.h).
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  if (read_only && !create) {
    options.info_log = std::make_shared<DiscardingLogger>();
    if (LockedByAnotherProcess(dir)) {
      return Status::Unavailable("ledger " + dir +
                                 " is in use by another process (a running `ledger serve`?): "
                                 "stop it, or read a backup of it");
    }
  }
  options.max_background_jobs = 2;
  options.db_write_buffer_size = 256 << 20;
  options.keep_log_file_num = 4;
  options.max_total_wal_size = 512 << 20;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kColumnCount; ++i) {
    auto c = static_cast<Column>(i);
    descriptors.emplace_back(std::string(ColumnName(c)), ColumnOptions(c));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = read_only && !create
               ? rocksdb::DB::OpenForReadOnly(options, dir, descriptors, &handles, &raw)
               : rocksdb::DB::Open(options, dir, descriptors, &handles, &raw);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::Unavailable("ledger " + dir +
                                 " is in use by another process: " + s.ToString());
    }
    if (s.IsCorruption()) {
      // A damaged write-ahead log or table file: RocksDB refuses it rather than drop what
      // follows (see wal_recovery_mode above).
      return Status::Corruption(
          "open " + dir + ": the store's files are damaged (RocksDB: " + s.ToString() +
          "); do not append to it: restore the data directory from a backup or a replica "
          "(docs/operations.md, \"When the store disagrees with its anchor\")");
    }
    return FromRocks(s, "open " + dir);
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  // handles[0] is the unused default family; the store keeps one handle per Column.
  db->DestroyColumnFamilyHandle(handles[0]).PermitUncheckedError();
  handles.erase(handles.begin());
  return std::unique_ptr<KvStore>(new RocksStore(std::move(db), std::move(handles)));
}

}  // namespace ledger::internal
