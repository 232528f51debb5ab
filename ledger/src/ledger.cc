#include "ledger/ledger.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <thread>

#include "access_policy.h"
#include "anchor.h"
#include "base/file.h"
#include "case_rules.h"
#include "crypto.h"
#include "erasure_purge.h"
#include "key_registry_store.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "ledger_on_store.h"
#include "log_writer.h"
#include "parallel.h"
#include "prepared_event.h"
#include "records.h"
#include "replica_input.h"
#include "stage_timer.h"
#include "storage/kv_store.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/proof.h"
#include "vault.h"

namespace ledger {

using internal::Column;
using internal::KvStore;

class Ledger::Impl {
 public:
  // `dir`: where the anchor files live; empty for a ledger without a directory.
  Impl(std::unique_ptr<KvStore> store, LedgerOptions options, std::string dir = {})
      : store_(std::move(store)), options_(std::move(options)), dir_(std::move(dir)) {
    if (!options_.clock) options_.clock = NowMicros;
    if (options_.read_only) options_.checkpoint_key.reset();
  }

  bool read_only() const { return options_.read_only; }
  bool replica() const { return replica_; }
  Status ReadOnlyRefusal(std::string_view what) const {
    return Status::FailedPrecondition(std::string(what) + ": the ledger was opened read-only");
  }
  // The anchor's finding first: a store that lost entries cannot be judged by its indexes.
  const Status& integrity_at_open() const {
    return integrity_at_open_.ok() ? derived_at_open_ : integrity_at_open_;
  }
  const Status& derived_at_open() const { return derived_at_open_; }
  const Status& anchor_at_open() const { return integrity_at_open_; }

  Status Load() {
    LEDGER_ASSIGN_OR_RETURN(auto identity_bytes,
                            store_->Get(Column::kMeta, std::string(internal::kMetaIdentityKey)));
    LEDGER_ASSIGN_OR_RETURN(identity_, internal::DecodeIdentity(identity_bytes, &created_at_us_));
    internal::LedgerHeadRecord head;
    auto head_bytes = store_->Get(Column::kMeta, std::string(internal::kMetaHeadKey));
    if (head_bytes.ok()) {
      LEDGER_ASSIGN_OR_RETURN(head, internal::DecodeLedgerHead(*head_bytes));
    } else if (head_bytes.status().code() != StatusCode::kNotFound) {
      return head_bytes.status();
    }
    LEDGER_RETURN_IF_ERROR(CheckHead(head));
    std::map<std::string, uint64_t> counts;
    auto it = store_->NewIterator(Column::kMeta);
    for (it->Seek(internal::kMetaCountPrefix);
         it->Valid() && it->key().starts_with(internal::kMetaCountPrefix); it->Next()) {
      if (it->value().size() != 8) return Status::Corruption("meta: malformed event counter");
      counts[std::string(it->key().substr(internal::kMetaCountPrefix.size()))] =
          internal::DecodeBE64(it->value());
    }
    LEDGER_RETURN_IF_ERROR(it->status());
    LEDGER_RETURN_IF_ERROR(internal::LoadKeyRegistry(*store_, &keys_));
    tlog::CompactRange range;
    auto range_bytes = store_->Get(Column::kMeta, std::string(internal::kMetaRangeKey));
    if (range_bytes.ok()) {
      LEDGER_ASSIGN_OR_RETURN(range, internal::DecodeRange(*range_bytes));
    } else if (range_bytes.status().code() != StatusCode::kNotFound) {
      return range_bytes.status();
    }
    if (range.size() != head.size) {
      return Status::Corruption("the Merkle tree covers " + std::to_string(range.size()) +
                                " entries but the log has " + std::to_string(head.size));
    }
    LEDGER_ASSIGN_OR_RETURN(auto last, LoadLastCheckpoint());
    LEDGER_RETURN_IF_ERROR(LoadAnchor(head.size, range, &last));
    derived_at_open_ = CheckIndexCounts(head.size);
    if (!derived_at_open_.ok() && !read_only()) return derived_at_open_;
    internal::CheckpointPolicy policy;
    if (options_.checkpoint_key) {
      if (options_.checkpoint_key->name() != identity_.origin ||
          options_.checkpoint_key->public_key() != identity_.public_key) {
        return Status::PermissionDenied("the key given to sign checkpoints (" +
                                        options_.checkpoint_key->name() +
                                        ") is not this ledger's key (" + identity_.origin + ")");
      }
      policy.key = options_.checkpoint_key;
      policy.signed_checkpoint_file = options_.signed_checkpoint_file;
    }
    policy.origin = identity_.origin;
    policy.first_admin_key_id = identity_.first_admin_key_id;
    policy.interval_us = options_.checkpoint_interval_us;
    LEDGER_ASSIGN_OR_RETURN(values_from_, internal::PersonalValuesKeptFrom(*store_));
    replica_ = values_from_ == UINT64_MAX;
    const bool promote = replica_ && options_.checkpoint_key && !read_only();
    if (promote && !options_.promote_replica) {
      return Status::FailedPrecondition(
          "this directory is a replica: opened with the ledger's key it would become the primary "
          "for good; do that only in a failover, explicitly (`ledger serve --promote`, "
          "docs/replication.md \"Failover\"), or open it without the key");
    }
    LEDGER_RETURN_IF_ERROR(BindMasterKey());
    LedgerPolicy privacy;
    auto policy_json = store_->Get(Column::kMeta, std::string(internal::kMetaPrivacyPolicyKey));
    if (policy_json.ok()) {
      auto parsed = PolicyFromJson(*policy_json);
      if (!parsed.ok()) return Status::Corruption("stored " + parsed.status().message());
      privacy = std::move(*parsed);
    } else if (policy_json.status().code() != StatusCode::kNotFound) {
      return policy_json.status();
    }
    vault_ = std::make_unique<internal::Vault>(store_.get(), options_.master_key, identity_.origin);
    internal::LogWriterConfig config;
    config.store = store_.get();
    config.keys = &keys_;
    config.vault = vault_.get();
    config.anchor = anchor_.get();
    config.head = head;
    config.range = std::move(range);
    config.counts = std::move(counts);
    config.clock = options_.clock;
    config.max_group_events = options_.max_group_events;
    config.checkpoint_policy = std::move(policy);
    config.last_checkpoint = std::move(last);
    config.case_rules =
        internal::CaseRulesConfig{identity_.max_agreement_problems, options_.check_case_rules};
    config.privacy = std::move(privacy);
    writer_ = std::make_unique<internal::LogWriter>(std::move(config));
    if (!read_only()) {
      purger_ = std::make_unique<internal::ErasurePurger>(
          store_.get(),
          std::chrono::milliseconds(std::max<int64_t>(0, options_.erasure_purge_delay_ms)));
    }
    if (promote) {
      // Failover: written last, once everything else about the open succeeded. The replica
      // keeps the personal values of what is appended from now on; those of the replicated
      // entries stayed with the old primary.
      internal::KvWriteBatch promotion;
      promotion.Delete(Column::kMeta, std::string(internal::kMetaReplicaKey));
      promotion.Put(Column::kMeta, std::string(internal::kMetaValuesFromKey),
                    internal::EncodeBE64(head.size));
      LEDGER_RETURN_IF_ERROR(store_->Write(promotion, /*sync=*/true));
      values_from_ = head.size;
      replica_ = false;
    }
    return Status::Ok();
  }

  // The indexes an append relies on (ids: a retried event is recognised; streams: reads by
  // stream), checked cheaply from the storage engine's own counts: each holds exactly one record
  // per entry, written once and never deleted. A record removed, added or rewritten outside the
  // ledger shows here (the full check, both directions, is `ledger verify`'s); so does a repair
  // that did not finish.
  Status CheckIndexCounts(uint64_t size) {
    const std::string what_next =
        ": run `ledger verify` to name the records and `ledger repair` to rebuild the indexes "
        "from the verified entries (docs/operations.md, \"When a derived column disagrees\")";
    auto repairing = store_->Get(Column::kMeta, std::string(internal::kMetaRepairKey));
    if (repairing.ok()) {
      return Status::Corruption(
          "a `ledger repair` did not finish: the derived columns are "
          "incomplete; run `ledger repair` again");
    }
    if (repairing.status().code() != StatusCode::kNotFound) return repairing.status();
    for (Column column : {Column::kIds, Column::kStreams}) {
      LEDGER_ASSIGN_OR_RETURN(auto counts, store_->WriteCounts(column));
      if (counts.deletions != 0 || counts.puts != size) {
        return Status::Corruption(
            std::string(internal::ColumnName(column)) + ": the store counts " +
            std::to_string(counts.puts) + " records written and " +
            std::to_string(counts.deletions) + " deleted for " + std::to_string(size) +
            " entries, where each entry has exactly one record and none is ever deleted: the "
            "index was changed outside the ledger" +
            what_next);
      }
    }
    return Status::Ok();
  }

  // Compares the store with its anchor (anchor.h). A writable open refuses a store that
  // disagrees; a read-only one keeps the finding for IntegrityAtOpen(). A writable open then
  // brings the anchor up to the store: creates it for a ledger that had none, adopts a signed
  // checkpoint the store lost (signed, but the process died before storing it), records a head
  // committed after the anchor was last written.
  Status LoadAnchor(uint64_t store_size, const tlog::CompactRange& range,
                    internal::SignedTreeHead* last) {
    if (dir_.empty()) return Status::Ok();
    auto read = internal::ReadAnchor(dir_);
    if (!read.ok()) {
      // A damaged or unreadable anchor file is a finding, not a reason to refuse reading.
      if (!read_only()) return read.status();
      integrity_at_open_ = read.status();
      return Status::Ok();
    }
    internal::AnchorContents contents = std::move(read).value();
    // The store's root of its first `size` entries, from its stored tree.
    auto root_at = [&](uint64_t size) -> Result<tlog::Hash> {
      if (size == store_size) return range.Root();
      return tlog::RootAt(size, NodeReader());
    };
    auto anchored_flag = store_->Get(Column::kMeta, std::string(internal::kMetaAnchoredKey));
    if (!anchored_flag.ok() && anchored_flag.status().code() != StatusCode::kNotFound) {
      return anchored_flag.status();
    }
    const bool anchored = anchored_flag.ok();
    Status found;
    if (anchored && !contents.committed) {
      found = Status::Corruption(
          std::string(internal::kAnchorHeadFile) +
          " is missing from the data directory, although this ledger keeps one: it cannot be "
          "shown that no acknowledged entry was lost; restore the directory from a backup or a "
          "replica (docs/operations.md, \"When the store disagrees with its anchor\")");
    }
    if (anchored && contents.checkpoint_note.empty() && !last->note.empty()) {
      found = Status::Corruption(
          std::string(internal::kAnchorCheckpointFile) +
          " is missing from the data directory, although the ledger has signed checkpoints; "
          "restore the directory from a backup or a replica (docs/operations.md, \"When the "
          "store disagrees with its anchor\")");
    }
    std::optional<internal::AnchoredHead> checkpoint;
    if (found.ok() && !contents.checkpoint_note.empty()) {
      LEDGER_ASSIGN_OR_RETURN(auto verifier, tlog::MakeVerifier(identity_.origin, tlog::kAlgEd25519,
                                                                identity_.public_key));
      auto opened = tlog::OpenCheckpoint(contents.checkpoint_note, verifier, nullptr);
      if (!opened.ok()) {
        found = Status::Corruption(std::string(internal::kAnchorCheckpointFile) +
                                   " does not hold a checkpoint signed by this ledger's key: " +
                                   opened.status().message());
      } else {
        checkpoint = internal::AnchoredHead{opened->size, opened->root};
      }
    }
    if (found.ok()) {
      found =
          internal::CheckStoreAgainstAnchor(store_size, root_at, contents.committed, checkpoint);
    }
    if (read_only()) {
      integrity_at_open_ = found;
      return Status::Ok();
    }
    LEDGER_RETURN_IF_ERROR(found);
    // What LEDGER-CHECKPOINT holds, before the key's file may replace it below.
    const uint64_t anchored_checkpoint_size = checkpoint ? checkpoint->size : 0;
    const bool anchored_checkpoint = checkpoint.has_value();
    // The checkpoint kept beside the key: a store that does not extend it would be re-signed
    // into a fork (a whole directory put back from an older backup carries its own anchor).
    if (options_.checkpoint_key && !options_.signed_checkpoint_file.empty()) {
      const std::string& file = options_.signed_checkpoint_file;
      auto note = ReadSmallFile(file, size_t{1} << 20);
      if (note.ok()) {
        LEDGER_ASSIGN_OR_RETURN(
            auto verifier,
            tlog::MakeVerifier(identity_.origin, tlog::kAlgEd25519, identity_.public_key));
        auto opened = tlog::OpenCheckpoint(*note, verifier, nullptr);
        if (!opened.ok()) {
          return Status::Corruption(file +
                                    " does not hold a checkpoint signed by this ledger's "
                                    "key (" +
                                    opened.status().message() +
                                    "): is it the key file of another ledger?");
        }
        LEDGER_RETURN_IF_ERROR(internal::CheckStoreAgainstCheckpoint(file, store_size, root_at,
                                                                     {opened->size, opened->root}));
        if (!checkpoint || opened->size > checkpoint->size) {
          checkpoint = internal::AnchoredHead{opened->size, opened->root};
          contents.checkpoint_note = std::move(note).value();
        }
      } else if (note.status().code() != StatusCode::kNotFound) {
        return note.status();
      }
    }
    internal::KvWriteBatch batch;
    if (checkpoint && checkpoint->size > last->size) {
      last->size = checkpoint->size;
      last->root = checkpoint->root;
      last->note = contents.checkpoint_note;
      batch.Put(Column::kCheckpoints, internal::EncodeBE64(last->size), last->note);
      batch.Put(Column::kMeta, std::string(internal::kMetaLastCheckpointKey),
                internal::EncodeBE64(last->size));
    }
    if (!anchored) batch.Put(Column::kMeta, std::string(internal::kMetaAnchoredKey), "");
    LEDGER_ASSIGN_OR_RETURN(anchor_,
                            internal::AnchorWriter::Open(dir_, {store_size, range.Root()}));
    if (!last->note.empty() && (!anchored_checkpoint || anchored_checkpoint_size < last->size)) {
      LEDGER_RETURN_IF_ERROR(anchor_->RecordCheckpoint(last->note));
    }
    LEDGER_RETURN_IF_ERROR(anchor_->RecordCommitted({store_size, range.Root()}));
    if (!batch.empty()) LEDGER_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
    return Status::Ok();
  }

  // A ledger is bound to the first master key it is given; any other is refused, so that no
  // value is ever sealed under a key that cannot open the others.
  Status BindMasterKey() {
    if (!options_.master_key) return Status::Ok();
    if (read_only()) {
      // Compare only: a read-only open binds nothing.
      auto stored = store_->Get(Column::kMeta, std::string(internal::kMetaVaultCheckKey));
      if (stored.ok() &&
          *stored != internal::MasterKeyCheck(*options_.master_key, identity_.origin)) {
        return Status::PermissionDenied(
            "the master key given does not belong to this ledger (its check value differs): "
            "use the key file the ledger was created with");
      }
      return stored.ok() || stored.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                                            : stored.status();
    }
    std::string check = internal::MasterKeyCheck(*options_.master_key, identity_.origin);
    auto stored = store_->Get(Column::kMeta, std::string(internal::kMetaVaultCheckKey));
    if (stored.ok()) {
      if (*stored != check) {
        return Status::PermissionDenied(
            "the master key given does not belong to this ledger (its check value differs): "
            "use the key file the ledger was created with");
      }
      return Status::Ok();
    }
    if (stored.status().code() != StatusCode::kNotFound) return stored.status();
    internal::KvWriteBatch batch;
    batch.Put(Column::kMeta, std::string(internal::kMetaVaultCheckKey), check);
    return store_->Write(batch, /*sync=*/true);
  }

  Result<internal::SignedTreeHead> LoadLastCheckpoint() {
    internal::SignedTreeHead last;
    auto size_bytes = store_->Get(Column::kMeta, std::string(internal::kMetaLastCheckpointKey));
    if (!size_bytes.ok()) {
      if (size_bytes.status().code() == StatusCode::kNotFound) return last;
      return size_bytes.status();
    }
    if (size_bytes->size() != 8) return Status::Corruption("meta: malformed last checkpoint");
    last.size = internal::DecodeBE64(*size_bytes);
    LEDGER_ASSIGN_OR_RETURN(last.note,
                            store_->Get(Column::kCheckpoints, internal::EncodeBE64(last.size)));
    auto verifier = tlog::MakeVerifier(identity_.origin, tlog::kAlgEd25519, identity_.public_key);
    if (!verifier.ok()) return verifier.status();
    auto checkpoint = tlog::OpenCheckpoint(last.note, *verifier, nullptr);
    if (!checkpoint.ok()) {
      return Status::Corruption("the last stored checkpoint does not verify: " +
                                checkpoint.status().message());
    }
    if (checkpoint->size != last.size) {
      return Status::Corruption("the last stored checkpoint is filed under the wrong size");
    }
    last.root = checkpoint->root;
    return last;
  }

  tlog::NodeReader NodeReader() {
    return [this](uint8_t level, uint64_t index) -> Result<tlog::Hash> {
      auto bytes = store_->Get(Column::kTree, internal::TreeNodeKey(level, index));
      if (!bytes.ok()) {
        if (bytes.status().code() == StatusCode::kNotFound) {
          return Status::Corruption("tree node " + std::to_string(level) + "/" +
                                    std::to_string(index) + " is missing");
        }
        return bytes.status();
      }
      if (bytes->size() != 32) return Status::Corruption("tree node of the wrong size");
      tlog::Hash h;
      std::memcpy(h.data(), bytes->data(), 32);
      return h;
    };
  }

  internal::LogWriter& writer() { return *writer_; }

  // The head is written in the same atomic batch as the entries; a disagreement means the
  // files were altered or mixed from different copies.
  Status CheckHead(const internal::LedgerHeadRecord& head) {
    if (head.size > 0) {
      auto last = store_->Get(Column::kEntries, internal::EncodeBE64(head.size - 1));
      if (!last.ok()) {
        return Status::Corruption("ledger head says " + std::to_string(head.size) +
                                  " entries but entry " + std::to_string(head.size - 1) +
                                  " is missing");
      }
    }
    auto beyond = store_->Get(Column::kEntries, internal::EncodeBE64(head.size));
    if (beyond.ok()) {
      return Status::Corruption("an entry exists at seq " + std::to_string(head.size) +
                                ", beyond the ledger head");
    }
    return Status::Ok();
  }

  // `replica`: the ledger takes entries only through AppendReplicated (records.h).
  Status Initialize(const LedgerIdentity& identity, bool replica = false) {
    if (identity.origin.empty() || identity.public_key.size() != 32 ||
        identity.first_admin_key_id.size() != 4) {
      return Status::InvalidArgument(
          "a ledger needs an origin, a 32-byte Ed25519 public key and its first admin's key id");
    }
    if (identity.max_agreement_problems < 1 || identity.max_agreement_problems > 16) {
      return Status::InvalidArgument("max_agreement_problems must be 1 to 16");
    }
    internal::KvWriteBatch batch;
    batch.Put(Column::kMeta, std::string(internal::kMetaIdentityKey),
              internal::EncodeIdentity(identity, options_.clock()));
    batch.Put(Column::kMeta, std::string(internal::kMetaHeadKey), internal::EncodeLedgerHead({}));
    if (replica) batch.Put(Column::kMeta, std::string(internal::kMetaReplicaKey), "");
    return store_->Write(batch, /*sync=*/true);
  }

  std::vector<Result<AppendResult>> Append(const std::vector<SignedEvent>& events, bool atomic) {
    if (read_only()) {
      return std::vector<Result<AppendResult>>(events.size(), ReadOnlyRefusal("append"));
    }
    if (replica_) {
      return std::vector<Result<AppendResult>>(
          events.size(),
          Status::FailedPrecondition(
              "this ledger is a replica: it takes entries only from its primary (`ledger "
              "follow`); opened with the ledger's key it becomes the primary "
              "(docs/replication.md, \"Failover\")"));
    }
    const int64_t now = options_.clock();
    std::vector<std::optional<Result<internal::PreparedEvent>>> prepared(events.size());
    PrepareAll(events, now, prepared);
    std::vector<Result<AppendResult>> results(events.size(), Status::Unavailable("not processed"));
    std::vector<internal::PreparedEvent> accepted;
    std::vector<size_t> index;
    accepted.reserve(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      auto& p = *prepared[i];
      if (!p.ok()) {
        if (atomic) {
          Status whole =
              p.status().WithContext("event " + std::to_string(i) + " of the atomic batch");
          return std::vector<Result<AppendResult>>(events.size(), whole);
        }
        results[i] = p.status();
        continue;
      }
      accepted.push_back(std::move(p).value());
      index.push_back(i);
    }
    std::vector<bool> shreds(accepted.size());
    for (size_t k = 0; k < accepted.size(); ++k) shreds[k] = accepted[k].type == "subject.shredded";
    auto committed = writer_->Submit(std::move(accepted), atomic);
    bool shredded = false;
    for (size_t k = 0; k < committed.size(); ++k) {
      shredded = shredded || (shreds[k] && committed[k].ok() && !committed[k]->duplicate);
      results[index[k]] = std::move(committed[k]);
    }
    // The shredding is durable with its to-do record; the purge makes it reach the files.
    if (shredded && purger_) purger_->Notify();
    return results;
  }

  // The signatures of replicated events whose authors' keys are already registered, checked on
  // all cores before the writer sees them, as appends are (PrepareAll): a key id names one public
  // key for good, so the check does not depend on the log's state. The writer still judges the
  // key (revoked? role? scope?) as of the entry's seq, and checks the signatures left unchecked
  // (keys registered in the same batch, or a signature that failed here: it names the seq).
  void VerifyKnownSignatures(std::vector<internal::PreparedEvent>& events) {
    auto work = [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        auto& p = events[i];
        auto key = keys_.Find(p.source->key_id);
        p.signature_checked =
            key && internal::VerifyEventSignature(*p.source, key->public_key).ok();
      }
    };
    internal::RunOnAllCores(events.size(), work);
  }

  // Decoding and signature checks are independent per event: a large batch spreads them over
  // the cores, so that one appender can use the whole machine while commit order stays the
  // batch's order.
  void PrepareAll(const std::vector<SignedEvent>& events, int64_t now,
                  std::vector<std::optional<Result<internal::PreparedEvent>>>& out) {
    auto& stages = internal::Stages().appenders;
    internal::RunOnAllCores(events.size(), [&](size_t begin, size_t end) {
      uint64_t decode_ns = 0, verify_ns = 0;
      internal::StageTimer timer;
      for (size_t i = begin; i < end; ++i) {
        out[i] = internal::PrepareEvent(events[i], now);
        timer.Lap(decode_ns);
        auto& p = *out[i];
        if (!p.ok()) continue;
        // A key registered in this same batch is unknown here: the writer checks that one.
        if (auto key = keys_.Find(events[i].key_id)) {
          Status valid = internal::VerifyEventSignature(events[i], key->public_key);
          if (valid.ok())
            p->signature_checked = true;
          else
            out[i] = std::move(valid);
        }
        timer.Lap(verify_ns);
      }
      if (timer.on()) {
        stages.decode_ns.fetch_add(decode_ns, std::memory_order_relaxed);
        stages.verify_ns.fetch_add(verify_ns, std::memory_order_relaxed);
      }
    });
  }

  Result<Entry> ReadSeq(uint64_t seq) {
    auto value = store_->Get(Column::kEntries, internal::EncodeBE64(seq));
    if (!value.ok()) {
      if (value.status().code() == StatusCode::kNotFound) {
        return Status::NotFound("no entry at seq " + std::to_string(seq) + " (the log has " +
                                std::to_string(writer_->head().size) + ")");
      }
      return value.status();
    }
    return internal::UnframeEntry(seq, *value);
  }

  Result<Entry> ReadId(std::string_view id) {
    auto value = store_->Get(Column::kIds, id);
    if (!value.ok()) {
      if (value.status().code() == StatusCode::kNotFound) {
        return Status::NotFound("no event with id " + std::string(id));
      }
      return value.status();
    }
    LEDGER_ASSIGN_OR_RETURN(auto record, internal::DecodeIdRecord(*value));
    LEDGER_ASSIGN_OR_RETURN(auto entry, ReadSeq(record.seq));
    // The id index is derived state: never hand out another event than the one asked for.
    auto summary = SummarizeEvent(entry.event);
    if (!summary.ok() || summary->id != id) {
      return Status::Corruption("id index points " + std::string(id) + " at seq " +
                                std::to_string(record.seq) + ", which holds another event");
    }
    return entry;
  }

  Result<std::vector<Entry>> ReadStream(std::string_view stream, uint64_t from_version,
                                        size_t max_count) {
    std::vector<Entry> out;
    std::string prefix(stream);
    prefix.push_back('\0');
    auto it = store_->NewIterator(Column::kStreams);
    for (it->Seek(internal::StreamIndexKey(stream, from_version));
         it->Valid() && it->key().starts_with(prefix) && out.size() < max_count; it->Next()) {
      if (it->value().size() != 8) return Status::Corruption("stream index: malformed value");
      LEDGER_ASSIGN_OR_RETURN(auto entry, ReadSeq(internal::DecodeBE64(it->value())));
      out.push_back(std::move(entry));
    }
    LEDGER_RETURN_IF_ERROR(it->status());
    return out;
  }

  Status AppendReplicated(const std::vector<std::string>& entries, std::string_view checkpoint) {
    if (!replica_) {
      return Status::FailedPrecondition(
          "this ledger is not a replica: only one created as a replica (`ledger follow`) takes "
          "another ledger's entries");
    }
    const uint64_t first = size();
    LEDGER_ASSIGN_OR_RETURN(auto batch,
                            internal::PrepareReplicated(entries, first, checkpoint, identity_));
    const internal::SignedTreeHead& signed_head = batch->checkpoint;
    if (entries.empty() && signed_head.size <= first) {
      // A checkpoint of entries already here: it must agree with them (one that does not is a
      // signed fork). Only one of the current size that is not stored yet is stored.
      LEDGER_ASSIGN_OR_RETURN(auto root, tlog::RootAt(signed_head.size, NodeReader()));
      if (root != signed_head.root) {
        return Status::Corruption(
            "the checkpoint of size " + std::to_string(signed_head.size) + " has root " +
            tlog::HashToBase64(signed_head.root) + ", but the entries replicated so far give " +
            tlog::HashToBase64(root) + ": the ledger signed two different histories");
      }
      if (signed_head.size < first || writer_->last_checkpoint().size == first) {
        return Status::Ok();
      }
    }
    VerifyKnownSignatures(batch->events);
    bool shreds = false;
    for (const auto& p : batch->events) shreds = shreds || p.type == "subject.shredded";
    Status stored = writer_->SubmitReplicated(std::move(batch->events), signed_head);
    if (stored.ok() && shreds && purger_) purger_->Notify();
    return stored;
  }

  Result<internal::StreamHeadRecord> StreamHead(std::string_view stream) {
    LEDGER_ASSIGN_OR_RETURN(auto bytes, store_->Get(Column::kStreamHeads, stream));
    return internal::DecodeStreamHead(bytes);
  }

  Result<PersonalValues> ReadPersonal(uint64_t seq, std::string_view reader_key_id) {
    auto reader = keys_.Find(std::string(reader_key_id));
    if (!reader) {
      return Status::PermissionDenied("unknown key " + HexEncode(reader_key_id) +
                                      ": it is not registered in this ledger");
    }
    if (reader->revoked) {
      return Status::PermissionDenied("key " + reader->key_id_hex + " was revoked");
    }
    LEDGER_ASSIGN_OR_RETURN(auto entry, ReadSeq(seq));
    LEDGER_ASSIGN_OR_RETURN(auto summary, SummarizeEvent(entry.event));
    if (reader->role != "dpo" && reader->role != "caseworker") {
      return Status::PermissionDenied("key " + reader->key_id_hex + " has role " + reader->role +
                                      ", which sees personal values only as digests");
    }
    PersonalValues out;
    if (!summary.has_personal) return out;
    auto head = StreamHead(summary.stream);
    if (!head.ok()) return head.status();
    if (reader->role == "caseworker" &&
        !internal::ScopeAllows(reader->scope, summary.stream, head->office)) {
      return Status::PermissionDenied("key " + reader->key_id_hex + " may not read " +
                                      summary.stream + " (outside its scope)");
    }
    if (head->shredded) {
      out.state = PersonalValues::State::kErased;
      return out;
    }
    if (seq < values_from_) {
      return Status::FailedPrecondition(
          "the personal values of entry " + std::to_string(seq) +
          " are kept only by the primary: this directory is a replica of it (docs/replication.md)");
    }
    auto key = vault_->SubjectKey(summary.subject);
    if (!key.ok()) {
      if (key.status().code() != StatusCode::kNotFound) return key.status();
      // Shredded between the two reads?
      LEDGER_ASSIGN_OR_RETURN(auto again, StreamHead(summary.stream));
      if (again.shredded) {
        out.state = PersonalValues::State::kErased;
        return out;
      }
      return Status::Corruption("the key of subject " + summary.subject + " is missing");
    }
    auto sealed = store_->Get(Column::kPersonal, internal::PersonalValueKey(summary.subject, seq));
    if (!sealed.ok()) {
      if (sealed.status().code() == StatusCode::kNotFound) {
        return Status::Corruption("the personal values of seq " + std::to_string(seq) +
                                  " are missing from the vault");
      }
      return sealed.status();
    }
    LEDGER_ASSIGN_OR_RETURN(out.values, vault_->Open(*key, summary.subject, seq, *sealed));
    out.state = PersonalValues::State::kPresent;
    return out;
  }

  Result<SubjectConsents> Consents(std::string_view subject) {
    std::string stream = "case/" + std::string(subject);
    auto bytes = store_->Get(Column::kStreamHeads, stream);
    if (!bytes.ok()) {
      if (bytes.status().code() == StatusCode::kNotFound) {
        return Status::NotFound("no case for subject " + std::string(subject));
      }
      return bytes.status();
    }
    SubjectConsents out;
    out.subject = std::string(subject);
    LEDGER_RETURN_IF_ERROR(internal::DecodeStreamConsents(*bytes, &out));
    return out;
  }

  Result<ConsentDecision> Decide(const ConsentQuestion& q) {
    LEDGER_ASSIGN_OR_RETURN(auto facts, Consents(q.subject));
    if (facts.shredded) {
      ConsentDecision d;
      d.answer = ConsentAnswer::kErased;
      return d;
    }
    return ::ledger::DecideConsent(facts.consents, facts.restrictions, q);
  }

  Status SetPrivacyPolicy(const LedgerPolicy& policy, std::string_view admin_key_id) {
    if (read_only()) return ReadOnlyRefusal("setting the policy");
    auto admin = keys_.Find(std::string(admin_key_id));
    if (!admin || admin->revoked || admin->role != "admin") {
      return Status::PermissionDenied(
          "only a registered, unrevoked admin key may change the policy");
    }
    internal::KvWriteBatch batch;
    batch.Put(Column::kMeta, std::string(internal::kMetaPrivacyPolicyKey), PolicyToJson(policy));
    LEDGER_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
    writer_->SetPrivacyPolicy(policy);
    return Status::Ok();
  }

  Result<std::vector<RetentionStanding>> RetentionReview(int64_t now_us) {
    LedgerPolicy policy = writer_->privacy_policy();
    std::vector<RetentionStanding> out;
    auto it = store_->NewIterator(Column::kStreamHeads);
    for (it->Seek("case/"); it->Valid() && it->key().starts_with("case/"); it->Next()) {
      LEDGER_ASSIGN_OR_RETURN(auto head, internal::DecodeStreamHead(it->value()));
      if (head.shredded || !head.case_state.closed) continue;
      const internal::CaseState& cs = head.case_state;
      RetentionStanding r;
      r.subject = std::string(it->key().substr(5));
      r.closed_at_us = cs.closed_at_us;
      if (const ArchiveRule* a =
              policy.ArchiveRuleFor(cs.municipality, cs.programme, cs.intake_date)) {
        r.archive_rule = a->name;
        r.reason = "archived under " + a->name + " (" + a->ground + ")";
      } else if (policy.retention.empty()) {
        r.reason = "the policy has no retention rule";
      }
      for (const RetentionRule& rule : policy.retention) {
        if (!r.archive_rule.empty()) break;
        internal::CaseFacts shred;
        shred.op = internal::CaseOp::kSubjectShredded;
        shred.retention_rule = rule.name;
        Status s = internal::CheckCasePolicy(shred, std::string(it->key()), now_us, cs, policy);
        if (s.ok()) {
          r.due_rule = rule.name;
          r.reason.clear();
          break;
        }
        r.reason = s.message();
      }
      out.push_back(std::move(r));
    }
    LEDGER_RETURN_IF_ERROR(it->status());
    return out;
  }

  Status Compact() {
    if (read_only()) return ReadOnlyRefusal("compaction");
    return store_->CompactAll();
  }

  Status PurgeErased() {
    if (read_only()) return ReadOnlyRefusal("an erasure purge");
    return purger_->PurgeNow();
  }

  ErasurePurgeState ErasurePurge() {
    if (purger_) return purger_->State();
    // Read-only: what is pending, from the stored to-do records.
    ErasurePurgeState state;
    auto it = store_->NewIterator(Column::kMeta);
    for (it->Seek(internal::kMetaPurgePrefix);
         it->Valid() && it->key().starts_with(internal::kMetaPurgePrefix); it->Next()) {
      ++state.pending;
    }
    state.last_error = it->status();
    return state;
  }

  LedgerInfo Info() {
    LedgerInfo info;
    info.identity = identity_;
    info.created_at_us = created_at_us_;
    auto head = writer_->head();
    info.size = head.size;
    info.streams = head.streams;
    info.last_recorded_at_us = head.last_recorded_at_us;
    info.events_by_type = writer_->counts();
    info.disk_bytes = store_->ApproximateDiskBytes();
    return info;
  }

  KvStore* store() { return store_.get(); }
  internal::KeyRegistry& keys() { return keys_; }
  uint64_t size() { return writer_->head().size; }

 private:
  std::unique_ptr<KvStore> store_;
  LedgerOptions options_;
  const std::string dir_;
  Status integrity_at_open_;  // the store against its anchor
  Status derived_at_open_;    // the index counts (CheckIndexCounts)
  // Before writer_: the writer records into it until it is destroyed.
  std::unique_ptr<internal::AnchorWriter> anchor_;
  // A replica (records.h, kMetaReplicaKey) and the first seq whose personal values are kept here.
  bool replica_ = false;
  uint64_t values_from_ = 0;
  LedgerIdentity identity_;
  int64_t created_at_us_ = 0;
  internal::KeyRegistry keys_;
  std::unique_ptr<internal::Vault> vault_;  // before writer_: the writer uses it
  std::unique_ptr<internal::LogWriter> writer_;
  // After writer_: destroyed first, so it never outlives the store (declared after store_).
  std::unique_ptr<internal::ErasurePurger> purger_;
};

namespace {

// Reads entries in batches through a RocksDB iterator, bounded by the size at creation so that
// a scan sees a consistent prefix of the log.
class ScanIterator final : public EntryIterator {
 public:
  ScanIterator(KvStore* store, uint64_t from, uint64_t end, bool decode)
      : it_(store->NewIterator(Column::kEntries)), next_(from), end_(end), decode_(decode) {
    it_->Seek(internal::EncodeBE64(from));
    Load();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    it_->Next();
    Load();
  }
  const Entry& entry() const override { return entry_; }
  Status status() const override { return status_; }

 private:
  void Load() {
    valid_ = false;
    if (!status_.ok() || next_ >= end_) return;
    if (!it_->Valid()) {
      status_ = it_->status();
      if (status_.ok()) {
        status_ = Status::Corruption("entry at seq " + std::to_string(next_) + " is missing");
      }
      return;
    }
    if (it_->key().size() != 8) {
      status_ = Status::Corruption("entries column holds a malformed key near seq " +
                                   std::to_string(next_));
      return;
    }
    uint64_t seq = internal::DecodeBE64(it_->key());
    if (seq != next_) {
      status_ = Status::Corruption("entry at seq " + std::to_string(next_) +
                                   " is missing (next stored is " + std::to_string(seq) + ")");
      return;
    }
    if (decode_) {
      auto e = internal::UnframeEntry(seq, it_->value());
      if (!e.ok()) {
        status_ = e.status();
        return;
      }
      entry_ = std::move(e).value();
    } else {
      auto bytes = internal::CheckEntryFrame(seq, it_->value());
      if (!bytes.ok()) {
        status_ = bytes.status();
        return;
      }
      entry_ = Entry{};
      entry_.seq = seq;
      entry_.bytes = std::string(*bytes);
    }
    ++next_;
    valid_ = true;
  }

  std::unique_ptr<internal::KvIterator> it_;
  uint64_t next_;
  const uint64_t end_;
  const bool decode_;
  Entry entry_;
  bool valid_ = false;
  Status status_;
};

}  // namespace

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::Create(const std::string& dir,
                                               const LedgerIdentity& identity,
                                               const LedgerOptions& options) {
  if (options.read_only) return Status::InvalidArgument("a ledger cannot be created read-only");
  LEDGER_ASSIGN_OR_RETURN(auto store, internal::OpenRocksDbStore(dir, /*create=*/true));
  auto impl = std::make_unique<Impl>(std::move(store), options, dir);
  LEDGER_RETURN_IF_ERROR(impl->Initialize(identity));
  LEDGER_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir, const LedgerOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(auto store,
                          internal::OpenRocksDbStore(dir, /*create=*/false, options.read_only));
  auto impl = std::make_unique<Impl>(std::move(store), options, dir);
  Status loaded = impl->Load();
  if (!loaded.ok()) return loaded.WithContext("open " + dir);
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

namespace internal {

KvStore* StoreOf(Ledger& ledger) { return ledger.impl_->store(); }
Status AnchorAtOpen(Ledger& ledger) { return ledger.impl_->anchor_at_open(); }

Result<std::unique_ptr<Ledger>> OpenLedgerOnStore(std::unique_ptr<KvStore> store,
                                                  const LedgerIdentity* create_with,
                                                  const LedgerOptions& options) {
  auto impl = std::make_unique<Ledger::Impl>(std::move(store), options);
  if (create_with) LEDGER_RETURN_IF_ERROR(impl->Initialize(*create_with));
  LEDGER_RETURN_IF_ERROR(impl->Load());
  return std::make_unique<Ledger>(std::move(impl));
}

}  // namespace internal

Result<std::unique_ptr<Ledger>> Ledger::CreateReplica(const std::string& dir,
                                                      const LedgerIdentity& identity,
                                                      const LedgerOptions& options) {
  if (options.read_only || options.checkpoint_key) {
    return Status::InvalidArgument("a replica is created writable and without the ledger's key");
  }
  std::unique_ptr<KvStore> store;
  if (dir.empty()) {
    store = internal::NewMemoryStore();
  } else {
    LEDGER_ASSIGN_OR_RETURN(store, internal::OpenRocksDbStore(dir, /*create=*/true));
  }
  auto impl = std::make_unique<Impl>(std::move(store), options, dir);
  LEDGER_RETURN_IF_ERROR(impl->Initialize(identity, /*replica=*/true));
  LEDGER_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Result<std::unique_ptr<Ledger>> Ledger::CreateInMemory(const LedgerIdentity& identity,
                                                       const LedgerOptions& options) {
  auto impl = std::make_unique<Impl>(internal::NewMemoryStore(), options);
  LEDGER_RETURN_IF_ERROR(impl->Initialize(identity));
  LEDGER_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Result<AppendResult> Ledger::Append(const SignedEvent& event) {
  return std::move(impl_->Append({event}, /*atomic=*/false).front());
}

std::vector<Result<AppendResult>> Ledger::AppendEach(const std::vector<SignedEvent>& events) {
  return impl_->Append(events, /*atomic=*/false);
}

Result<std::vector<AppendResult>> Ledger::AppendAtomic(const std::vector<SignedEvent>& events) {
  auto results = impl_->Append(events, /*atomic=*/true);
  std::vector<AppendResult> out;
  for (auto& r : results) {
    if (!r.ok()) return r.status();
    out.push_back(*r);
  }
  return out;
}

Result<Entry> Ledger::ReadSeq(uint64_t seq) { return impl_->ReadSeq(seq); }
Result<Entry> Ledger::ReadId(std::string_view id) { return impl_->ReadId(id); }
Result<std::vector<Entry>> Ledger::ReadStream(std::string_view stream, uint64_t from_version,
                                              size_t max_count) {
  return impl_->ReadStream(stream, from_version, max_count);
}
std::unique_ptr<EntryIterator> Ledger::Scan(uint64_t from_seq, bool decode) {
  return std::make_unique<ScanIterator>(impl_->store(), from_seq, impl_->size(), decode);
}
Result<PersonalValues> Ledger::ReadPersonal(uint64_t seq, std::string_view reader_key_id) {
  return impl_->ReadPersonal(seq, reader_key_id);
}
Result<SubjectConsents> Ledger::Consents(std::string_view subject) {
  return impl_->Consents(subject);
}
Result<ConsentDecision> Ledger::DecideConsent(const ConsentQuestion& question) {
  return impl_->Decide(question);
}
LedgerPolicy Ledger::PrivacyPolicy() { return impl_->writer().privacy_policy(); }
Status Ledger::SetPrivacyPolicy(const LedgerPolicy& policy, std::string_view admin_key_id) {
  return impl_->SetPrivacyPolicy(policy, admin_key_id);
}
Result<std::vector<RetentionStanding>> Ledger::RetentionReview(int64_t now_us) {
  return impl_->RetentionReview(now_us);
}
Status Ledger::PurgeErased() { return impl_->PurgeErased(); }
ErasurePurgeState Ledger::ErasurePurge() { return impl_->ErasurePurge(); }
Status Ledger::Compact() { return impl_->Compact(); }
TreeHead Ledger::Head() {
  auto t = impl_->writer().tree();
  return TreeHead{t.size, t.root};
}

Result<tlog::Hash> Ledger::RootAt(uint64_t size) {
  if (size > Size()) {
    return Status::InvalidArgument("the log has only " + std::to_string(Size()) + " entries");
  }
  return tlog::RootAt(size, impl_->NodeReader());
}

Result<std::vector<tlog::Hash>> Ledger::InclusionProof(uint64_t seq, uint64_t size) {
  if (size > Size()) {
    return Status::InvalidArgument("the log has only " + std::to_string(Size()) + " entries");
  }
  return tlog::InclusionProof(seq, size, impl_->NodeReader());
}

Result<std::vector<tlog::Hash>> Ledger::ConsistencyProof(uint64_t old_size, uint64_t new_size) {
  if (new_size > Size()) {
    return Status::InvalidArgument("the log has only " + std::to_string(Size()) + " entries");
  }
  return tlog::ConsistencyProof(old_size, new_size, impl_->NodeReader());
}

Result<tlog::Hash> Ledger::TreeNode(uint8_t level, uint64_t index) {
  // A node exists once the tree has every leaf under it.
  const uint64_t size = Size();
  if (level >= 64 || index >= (size >> level)) {
    return Status::NotFound("no tree node " + std::to_string(level) + "/" + std::to_string(index) +
                            " in a tree of " + std::to_string(size));
  }
  return impl_->NodeReader()(level, index);
}

Result<std::string> Ledger::LatestCheckpoint() {
  auto last = impl_->writer().last_checkpoint();
  if (last.note.empty()) return Status::NotFound("no checkpoint has been signed yet");
  return last.note;
}

Result<std::string> Ledger::CheckpointAt(uint64_t size) {
  auto note = impl_->store()->Get(Column::kCheckpoints, internal::EncodeBE64(size));
  if (!note.ok() && note.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no checkpoint of size " + std::to_string(size));
  }
  return note;
}

Result<std::map<uint64_t, std::string>> Ledger::Checkpoints() { return Checkpoints(0, SIZE_MAX); }

Result<std::map<uint64_t, std::string>> Ledger::Checkpoints(uint64_t from_size, size_t max_count) {
  std::map<uint64_t, std::string> out;
  auto it = impl_->store()->NewIterator(Column::kCheckpoints);
  for (it->Seek(internal::EncodeBE64(from_size)); it->Valid() && out.size() < max_count;
       it->Next()) {
    if (it->key().size() != 8) return Status::Corruption("checkpoint filed under a bad key");
    out.emplace(internal::DecodeBE64(it->key()), std::string(it->value()));
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return out;
}

bool Ledger::IsReplica() { return impl_->replica(); }

Status Ledger::AppendReplicated(const std::vector<std::string>& entries,
                                std::string_view checkpoint) {
  if (impl_->read_only()) return impl_->ReadOnlyRefusal("replicating");
  return impl_->AppendReplicated(entries, checkpoint);
}

Result<std::string> Ledger::SignCheckpoint() {
  if (impl_->read_only()) return impl_->ReadOnlyRefusal("signing a checkpoint");
  LEDGER_ASSIGN_OR_RETURN(auto head, impl_->writer().SignCheckpoint());
  return head.note;
}

Status Ledger::AddCosignatures(uint64_t size, const std::vector<std::string>& signature_lines) {
  if (impl_->read_only()) return impl_->ReadOnlyRefusal("adding cosignatures");
  return impl_->writer().AddCosignatures(size, signature_lines);
}

std::vector<KeyInfo> Ledger::Keys() { return impl_->keys().All(); }
LedgerInfo Ledger::Info() { return impl_->Info(); }
uint64_t Ledger::Size() { return impl_->size(); }
Status Ledger::Flush() {
  if (impl_->read_only()) return impl_->ReadOnlyRefusal("flush");
  return impl_->store()->FlushAll();
}
Status Ledger::IntegrityAtOpen() { return impl_->integrity_at_open(); }

Result<TreeHead> Ledger::Backup(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) return Status::InvalidArgument("backup: no directory given");
  if (impl_->read_only()) return impl_->ReadOnlyRefusal("backup");
  const fs::path target = fs::absolute(fs::path(dir)).lexically_normal();
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) {
      return Status::FailedPrecondition("backup: " + target.string() +
                                        " exists and is not a directory");
    }
    if (!fs::is_empty(target, ec)) {
      return Status::FailedPrecondition("backup: " + target.string() +
                                        " is not empty (give a new or empty directory)");
    }
  } else if (ec) {
    return Status::IOError("backup: " + target.string() + ": " + ec.message());
  }
  // A copy taken while a shredding's purge is pending would hold the erased values in its
  // files: finish the purge first.
  if (impl_->ErasurePurge().pending > 0) {
    Status purged = impl_->PurgeErased();
    if (!purged.ok()) {
      return Status::Unavailable("backup: an erasure purge is pending and could not finish (" +
                                 purged.message() +
                                 "); a copy now would hold erased values: try again");
    }
  }
  // The copy's head is read from the copy itself.
  LEDGER_ASSIGN_OR_RETURN(auto copy, impl_->store()->Checkpoint(target.string()));
  TreeHead head;
  auto range_bytes = copy->Get(Column::kMeta, std::string(internal::kMetaRangeKey));
  if (range_bytes.ok()) {
    LEDGER_ASSIGN_OR_RETURN(auto range, internal::DecodeRange(*range_bytes));
    head.size = range.size();
    head.root = range.Root();
  } else if (range_bytes.status().code() == StatusCode::kNotFound) {
    head.root = tlog::EmptyRoot();
  } else {
    return range_bytes.status().WithContext("backup: reading the copy");
  }
  // The copy gets its own anchor: its head, and the latest checkpoint it holds. (A directory
  // put back from it is then checked against what it held when it was made; one put back under
  // a newer anchor of the original is refused, as it should be.)
  std::string last_note;
  auto last_size = copy->Get(Column::kMeta, std::string(internal::kMetaLastCheckpointKey));
  if (last_size.ok() && last_size->size() == 8) {
    auto note = copy->Get(Column::kCheckpoints, *last_size);
    if (!note.ok()) return note.status().WithContext("backup: reading the copy's checkpoint");
    last_note = std::move(note).value();
  } else if (!last_size.ok() && last_size.status().code() != StatusCode::kNotFound) {
    return last_size.status().WithContext("backup: reading the copy");
  }
  copy.reset();
  LEDGER_ASSIGN_OR_RETURN(auto anchor,
                          internal::AnchorWriter::Open(target.string(), {head.size, head.root}));
  if (!last_note.empty()) LEDGER_RETURN_IF_ERROR(anchor->RecordCheckpoint(last_note));
  return head;
}

}  // namespace ledger
