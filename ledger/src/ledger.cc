// Opening and creating a ledger: loading its state from the store, checking the store against
// its anchor, and starting the writer (ledger_state.h). The services are in log.cc, privacy.cc
// and audit.cc.
#include "ledger/ledger.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>

#include "base/file.h"
#include "case_rules.h"
#include "key_registry_store.h"
#include "ledger/time_format.h"
#include "ledger_on_store.h"
#include "ledger_state.h"
#include "records.h"
#include "storage/kv_store.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/proof.h"

namespace ledger::internal {

LedgerState::LedgerState(std::unique_ptr<KvStore> store, LedgerOptions options, std::string dir)
    : store_(std::move(store)), options_(std::move(options)), dir_(std::move(dir)) {
  if (!options_.clock) options_.clock = NowMicros;
  if (options_.read_only) options_.checkpoint_key.reset();
}

LedgerState::~LedgerState() = default;

Status LedgerState::Load() {
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
Status LedgerState::CheckIndexCounts(uint64_t size) {
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
          std::to_string(counts.puts) + " records written and " + std::to_string(counts.deletions) +
          " deleted for " + std::to_string(size) +
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
Status LedgerState::LoadAnchor(uint64_t store_size, const tlog::CompactRange& range,
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
      found = Status::Corruption(
          std::string(internal::kAnchorCheckpointFile) +
          " does not hold a checkpoint signed by this ledger's key: " + opened.status().message());
    } else {
      checkpoint = internal::AnchoredHead{opened->size, opened->root};
    }
  }
  if (found.ok()) {
    found = internal::CheckStoreAgainstAnchor(store_size, root_at, contents.committed, checkpoint);
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
      LEDGER_ASSIGN_OR_RETURN(auto verifier, tlog::MakeVerifier(identity_.origin, tlog::kAlgEd25519,
                                                                identity_.public_key));
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
  LEDGER_ASSIGN_OR_RETURN(anchor_, internal::AnchorWriter::Open(dir_, {store_size, range.Root()}));
  if (!last->note.empty() && (!anchored_checkpoint || anchored_checkpoint_size < last->size)) {
    LEDGER_RETURN_IF_ERROR(anchor_->RecordCheckpoint(last->note));
  }
  LEDGER_RETURN_IF_ERROR(anchor_->RecordCommitted({store_size, range.Root()}));
  if (!batch.empty()) LEDGER_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
  return Status::Ok();
}

// A ledger is bound to the first master key it is given; any other is refused, so that no
// value is ever sealed under a key that cannot open the others.
Status LedgerState::BindMasterKey() {
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

Result<internal::SignedTreeHead> LedgerState::LoadLastCheckpoint() {
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

tlog::NodeReader LedgerState::NodeReader() {
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

// The head is written in the same atomic batch as the entries; a disagreement means the
// files were altered or mixed from different copies.
Status LedgerState::CheckHead(const internal::LedgerHeadRecord& head) {
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
Status LedgerState::Initialize(const LedgerIdentity& identity, bool replica) {
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

Result<Entry> LedgerState::ReadSeq(uint64_t seq) {
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

}  // namespace ledger::internal

namespace ledger {

using internal::KvStore;
using internal::LedgerState;

Ledger::Ledger(std::unique_ptr<LedgerState> state)
    : state_(std::move(state)), log_(state_.get()), privacy_(state_.get()), audit_(state_.get()) {}
Ledger::~Ledger() = default;

Result<std::unique_ptr<Ledger>> Ledger::Create(const std::string& dir,
                                               const LedgerIdentity& identity,
                                               const LedgerOptions& options) {
  if (options.read_only) return Status::InvalidArgument("a ledger cannot be created read-only");
  LEDGER_ASSIGN_OR_RETURN(auto store, internal::OpenRocksDbStore(dir, /*create=*/true));
  auto state = std::make_unique<LedgerState>(std::move(store), options, dir);
  LEDGER_RETURN_IF_ERROR(state->Initialize(identity));
  LEDGER_RETURN_IF_ERROR(state->Load());
  return std::unique_ptr<Ledger>(new Ledger(std::move(state)));
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir, const LedgerOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(auto store,
                          internal::OpenRocksDbStore(dir, /*create=*/false, options.read_only));
  auto state = std::make_unique<LedgerState>(std::move(store), options, dir);
  Status loaded = state->Load();
  if (!loaded.ok()) return loaded.WithContext("open " + dir);
  return std::unique_ptr<Ledger>(new Ledger(std::move(state)));
}

namespace internal {

Result<std::unique_ptr<Ledger>> OpenLedgerOnStore(std::unique_ptr<KvStore> store,
                                                  const LedgerIdentity* create_with,
                                                  const LedgerOptions& options) {
  auto state = std::make_unique<LedgerState>(std::move(store), options);
  if (create_with) LEDGER_RETURN_IF_ERROR(state->Initialize(*create_with));
  LEDGER_RETURN_IF_ERROR(state->Load());
  return LedgerAccess::Wrap(std::move(state));
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
  auto state = std::make_unique<LedgerState>(std::move(store), options, dir);
  LEDGER_RETURN_IF_ERROR(state->Initialize(identity, /*replica=*/true));
  LEDGER_RETURN_IF_ERROR(state->Load());
  return std::unique_ptr<Ledger>(new Ledger(std::move(state)));
}

Result<std::unique_ptr<Ledger>> Ledger::CreateInMemory(const LedgerIdentity& identity,
                                                       const LedgerOptions& options) {
  auto state = std::make_unique<LedgerState>(internal::NewMemoryStore(), options);
  LEDGER_RETURN_IF_ERROR(state->Initialize(identity));
  LEDGER_RETURN_IF_ERROR(state->Load());
  return std::unique_ptr<Ledger>(new Ledger(std::move(state)));
}

}  // namespace ledger
