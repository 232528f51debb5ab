#include "ledger/repair.h"

#include <chrono>
#include <limits>
#include <unordered_set>

#include "derived_check.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "log_checker.h"
#include "records.h"
#include "storage/kv_store.h"

namespace ledger {
namespace {

using internal::Column;
using internal::KvStore;
using internal::KvWriteBatch;

// Writes in batches of bounded size; the last one is synced.
class BatchWriter {
 public:
  explicit BatchWriter(KvStore* store) : store_(store) {}
  Status Put(Column c, std::string key, std::string value) {
    batch_.Put(c, std::move(key), std::move(value));
    return MaybeWrite();
  }
  Status Delete(Column c, std::string key) {
    batch_.Delete(c, std::move(key));
    return MaybeWrite();
  }
  Status Finish() {
    Status s = store_->Write(batch_, /*sync=*/true);
    batch_.Clear();
    return s;
  }

 private:
  Status MaybeWrite() {
    if (batch_.size() < 16384) return Status::Ok();
    Status s = store_->Write(batch_, /*sync=*/false);
    batch_.Clear();
    return s;
  }
  KvStore* const store_;
  KvWriteBatch batch_;
};

Status DeleteColumn(KvStore* store, Column c, std::string_view prefix, BatchWriter& out) {
  auto it = store->NewIterator(c);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    LEDGER_RETURN_IF_ERROR(out.Delete(c, std::string(it->key())));
  }
  return it->status();
}

}  // namespace

Result<RepairReport> RepairLedger(const std::string& dir, const RepairOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RepairReport report;
  // 1. The entries must verify: a rebuild is only as good as what it is built from.
  {
    LedgerOptions read_only;
    read_only.read_only = true;
    LEDGER_ASSIGN_OR_RETURN(auto ledger, Ledger::Open(dir, read_only));
    VerifyOptions verify;
    verify.verifier_key = options.verifier_key;
    verify.check_derived = false;
    if (options.progress) {
      verify.progress = [&](uint64_t done, uint64_t total) {
        options.progress("verify", done, total);
      };
    }
    LEDGER_ASSIGN_OR_RETURN(auto verified, VerifyLedger(*ledger, verify));
    if (!verified.ok) {
      return Status::Corruption(
          "the entries fail verification (" + verified.failed_check +
          (verified.failed_seq ? " at entry " + std::to_string(*verified.failed_seq) : "") + ": " +
          verified.failure.message() +
          "); repair rebuilds derived columns from verified entries only: restore from a "
          "backup or a replica instead");
    }
    report.entries = verified.size;
  }

  // 2. Rebuild, under a mark that keeps the ledger closed for appends until it is done. The
  // writable store holds RocksDB's lock from here on; a writer that slipped in after step 1
  // would have grown the log, which is checked before anything is written.
  LEDGER_ASSIGN_OR_RETURN(auto store, internal::OpenRocksDbStore(dir, /*create=*/false));
  {
    auto range_bytes = store->Get(Column::kMeta, std::string(internal::kMetaRangeKey));
    uint64_t now = 0;
    if (range_bytes.ok()) {
      LEDGER_ASSIGN_OR_RETURN(auto range, internal::DecodeRange(*range_bytes));
      now = range.size();
    } else if (range_bytes.status().code() != StatusCode::kNotFound) {
      return range_bytes.status();
    }
    if (now != report.entries) {
      return Status::Unavailable("the ledger grew from " + std::to_string(report.entries) + " to " +
                                 std::to_string(now) +
                                 " entries while it was verified: stop every writer and run "
                                 "`ledger repair` again");
    }
  }
  {
    KvWriteBatch mark;
    mark.Put(Column::kMeta, std::string(internal::kMetaRepairKey), "");
    LEDGER_RETURN_IF_ERROR(store->Write(mark, /*sync=*/true));
  }
  BatchWriter out(store.get());
  for (Column c : {Column::kIds, Column::kStreams, Column::kStreamHeads, Column::kKeys}) {
    LEDGER_RETURN_IF_ERROR(DeleteColumn(store.get(), c, "", out));
  }
  LEDGER_RETURN_IF_ERROR(DeleteColumn(store.get(), Column::kMeta, internal::kMetaCountPrefix, out));
  LEDGER_RETURN_IF_ERROR(out.Finish());

  // Replays the entries (no signature or rule checks: step 1 made them) to rebuild the state.
  internal::LogChecker checker(std::numeric_limits<uint64_t>::max(), 0);
  internal::DerivedColumnsCheck vault(store.get());
  Status write_status;
  uint64_t ids = 0, streams = 0;
  // Unique ids are a rule of the log that verification without the index cannot see: a log
  // holding an id twice cannot be given a consistent index, so repair refuses it.
  std::unordered_set<std::string> seen_ids;
  checker.SetEntryVisitor([&](uint64_t seq, const Entry& entry, const internal::PreparedEvent& p) {
    vault.Visit(seq, p);
    if (!write_status.ok()) return;
    if (!seen_ids.insert(p.id).second) {
      write_status = Status::Corruption("event id " + p.id + " occurs twice (again at entry " +
                                        std::to_string(seq) +
                                        "): the log cannot be given a consistent id index; "
                                        "restore from a backup or a replica");
      return;
    }
    internal::IdRecord id{seq, entry.version, entry.recorded_at_us, p.content_digest};
    write_status = out.Put(Column::kIds, p.id, internal::EncodeIdRecord(id));
    if (write_status.ok()) {
      write_status = out.Put(Column::kStreams, internal::StreamIndexKey(p.stream, entry.version),
                             internal::EncodeBE64(seq));
    }
    ++ids;
    ++streams;
  });
  auto it = store->NewIterator(Column::kEntries);
  uint64_t seq = 0;
  for (it->Seek(""); it->Valid() && seq < report.entries; it->Next(), ++seq) {
    LEDGER_ASSIGN_OR_RETURN(auto bytes, internal::CheckEntryFrame(seq, it->value()));
    LEDGER_RETURN_IF_ERROR(checker.Add(seq, std::string(bytes)));
    if (options.progress && seq % 8192 == 0) options.progress("rebuild", seq, report.entries);
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  LEDGER_RETURN_IF_ERROR(checker.Finish());
  LEDGER_RETURN_IF_ERROR(write_status);
  if (checker.size() != report.entries) {
    return Status::Corruption("the entries changed while being repaired");
  }
  for (const auto& [stream, head] : checker.streams()) {
    LEDGER_RETURN_IF_ERROR(out.Put(Column::kStreamHeads, stream, internal::EncodeStreamHead(head)));
  }
  for (const auto& [key_id, key] : checker.keys()) {
    LEDGER_RETURN_IF_ERROR(out.Put(Column::kKeys, key_id, internal::EncodeKeyState(key)));
  }
  uint64_t meta = 1;
  internal::LedgerHeadRecord head{
      report.entries, report.entries ? checker.last_recorded_at_us() : 0, checker.streams().size()};
  LEDGER_RETURN_IF_ERROR(out.Put(Column::kMeta, std::string(internal::kMetaHeadKey),
                                 internal::EncodeLedgerHead(head)));
  for (const auto& [type, count] : checker.type_counts()) {
    LEDGER_RETURN_IF_ERROR(out.Put(Column::kMeta, std::string(internal::kMetaCountPrefix) + type,
                                   internal::EncodeBE64(count)));
    ++meta;
  }
  std::vector<std::string> stray;
  LEDGER_RETURN_IF_ERROR(vault.VaultDifferences(&stray, &report.vault_records_missing));
  for (auto& key : stray) LEDGER_RETURN_IF_ERROR(out.Delete(Column::kPersonal, std::move(key)));
  report.vault_records_removed = stray.size();
  LEDGER_RETURN_IF_ERROR(out.Finish());

  // 3. Compact, so that the storage engine's counts of the indexes are exact again (the check
  // at open relies on them), and only then lift the mark.
  for (Column c : {Column::kIds, Column::kStreams, Column::kStreamHeads, Column::kKeys,
                   Column::kPersonal, Column::kMeta}) {
    LEDGER_RETURN_IF_ERROR(store->CompactColumn(c));
  }
  {
    KvWriteBatch unmark;
    unmark.Delete(Column::kMeta, std::string(internal::kMetaRepairKey));
    LEDGER_RETURN_IF_ERROR(store->Write(unmark, /*sync=*/true));
  }
  report.records_written = {{"ids", ids},
                            {"streams", streams},
                            {"stream_heads", checker.streams().size()},
                            {"keys", checker.keys().size()},
                            {"meta", meta}};
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace ledger
