// VerifiableHistory: the tree, proofs and roots from stored nodes, checkpoints, the integrity
// found at open, and backups through the store's checkpoint.
#include "ledger/audit.h"

#include <filesystem>
#include <utility>

#include "anchor.h"
#include "ledger_state.h"
#include "records.h"
#include "storage/kv_store.h"
#include "tlog/proof.h"

namespace ledger {

using internal::Column;

TreeHead VerifiableHistory::Head() {
  auto t = state_->writer().tree();
  return TreeHead{t.size, t.root};
}

Result<tlog::Hash> VerifiableHistory::RootAt(uint64_t size) {
  if (size > state_->size()) {
    return Status::InvalidArgument("the log has only " + std::to_string(state_->size()) +
                                   " entries");
  }
  return tlog::RootAt(size, state_->NodeReader());
}

Result<std::vector<tlog::Hash>> VerifiableHistory::InclusionProof(uint64_t seq, uint64_t size) {
  if (size > state_->size()) {
    return Status::InvalidArgument("the log has only " + std::to_string(state_->size()) +
                                   " entries");
  }
  return tlog::InclusionProof(seq, size, state_->NodeReader());
}

Result<std::vector<tlog::Hash>> VerifiableHistory::ConsistencyProof(uint64_t old_size,
                                                                    uint64_t new_size) {
  if (new_size > state_->size()) {
    return Status::InvalidArgument("the log has only " + std::to_string(state_->size()) +
                                   " entries");
  }
  return tlog::ConsistencyProof(old_size, new_size, state_->NodeReader());
}

Result<tlog::Hash> VerifiableHistory::TreeNode(uint8_t level, uint64_t index) {
  // A node exists once the tree has every leaf under it.
  const uint64_t size = state_->size();
  if (level >= 64 || index >= (size >> level)) {
    return Status::NotFound("no tree node " + std::to_string(level) + "/" + std::to_string(index) +
                            " in a tree of " + std::to_string(size));
  }
  return state_->NodeReader()(level, index);
}

Result<std::string> VerifiableHistory::LatestCheckpoint() {
  auto last = state_->writer().last_checkpoint();
  if (last.note.empty()) return Status::NotFound("no checkpoint has been signed yet");
  return last.note;
}

Result<std::string> VerifiableHistory::CheckpointAt(uint64_t size) {
  auto note = state_->store()->Get(Column::kCheckpoints, internal::EncodeBE64(size));
  if (!note.ok() && note.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no checkpoint of size " + std::to_string(size));
  }
  return note;
}

Result<std::map<uint64_t, std::string>> VerifiableHistory::Checkpoints() {
  return Checkpoints(0, SIZE_MAX);
}

Result<std::map<uint64_t, std::string>> VerifiableHistory::Checkpoints(uint64_t from_size,
                                                                       size_t max_count) {
  std::map<uint64_t, std::string> out;
  auto it = state_->store()->NewIterator(Column::kCheckpoints);
  for (it->Seek(internal::EncodeBE64(from_size)); it->Valid() && out.size() < max_count;
       it->Next()) {
    if (it->key().size() != 8) return Status::Corruption("checkpoint filed under a bad key");
    out.emplace(internal::DecodeBE64(it->key()), std::string(it->value()));
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return out;
}

Result<std::string> VerifiableHistory::SignCheckpoint() {
  if (state_->read_only()) return state_->ReadOnlyRefusal("signing a checkpoint");
  LEDGER_ASSIGN_OR_RETURN(auto head, state_->writer().SignCheckpoint());
  return head.note;
}

Status VerifiableHistory::AddCosignatures(uint64_t size,
                                          const std::vector<std::string>& signature_lines) {
  if (state_->read_only()) return state_->ReadOnlyRefusal("adding cosignatures");
  return state_->writer().AddCosignatures(size, signature_lines);
}

Status VerifiableHistory::IntegrityAtOpen() { return state_->integrity_at_open(); }

Result<TreeHead> VerifiableHistory::Backup(const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) return Status::InvalidArgument("backup: no directory given");
  if (state_->read_only()) return state_->ReadOnlyRefusal("backup");
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
  // files: finish the purge first. (Writable, so the purger runs.)
  if (state_->purger()->State().pending > 0) {
    Status purged = state_->purger()->PurgeNow();
    if (!purged.ok()) {
      return Status::Unavailable("backup: an erasure purge is pending and could not finish (" +
                                 purged.message() +
                                 "); a copy now would hold erased values: try again");
    }
  }
  // The copy's head is read from the copy itself.
  LEDGER_ASSIGN_OR_RETURN(auto copy, state_->store()->Checkpoint(target.string()));
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
