#include "replica_input.h"

#include "entry_codec.h"
#include "records.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace ledger::internal {

Status AtSeq(uint64_t seq, std::string_view check, const Status& status) {
  return Status(status.code(), "seq " + std::to_string(seq) + " (" + std::string(check) +
                                   "): " + status.message());
}

Result<std::unique_ptr<ReplicatedBatch>> PrepareReplicated(const std::vector<std::string>& entries,
                                                           uint64_t first_seq,
                                                           std::string_view checkpoint,
                                                           const LedgerIdentity& identity) {
  auto batch = std::make_unique<ReplicatedBatch>();
  LEDGER_ASSIGN_OR_RETURN(auto log_key, tlog::MakeVerifier(identity.origin, tlog::kAlgEd25519,
                                                           identity.public_key));
  auto opened = tlog::OpenCheckpoint(checkpoint, log_key, nullptr);
  if (!opened.ok()) {
    return opened.status().WithContext("the checkpoint is not one signed by " + identity.origin);
  }
  batch->checkpoint = SignedTreeHead{opened->size, opened->root, std::string(checkpoint)};
  batch->sources.reserve(entries.size());
  batch->events.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const uint64_t seq = first_seq + i;
    auto entry = DecodeEntry(entries[i]);
    if (!entry.ok()) return AtSeq(seq, "encoding", entry.status());
    if (entry->seq != seq) {
      return AtSeq(seq, "seq", Status::Corruption("the entry says it is seq " +
                                                  std::to_string(entry->seq)));
    }
    batch->sources.push_back(SignedEvent{entry->event, entry->key_id, entry->signature, {}});
    auto prepared = PrepareStoredEvent(batch->sources.back(), entry->recorded_at_us);
    if (!prepared.ok()) return AtSeq(seq, "encoding", prepared.status());
    prepared->source = &batch->sources.back();
    prepared->replicated =
        ReplicatedPosition{seq, entry->version, entry->recorded_at_us, entries[i]};
    batch->events.push_back(std::move(prepared).value());
  }
  return batch;
}

}  // namespace ledger::internal
