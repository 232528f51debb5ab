#include "replica_input.h"

#include "entry_codec.h"
#include "parallel.h"
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
  LEDGER_ASSIGN_OR_RETURN(
      auto log_key, tlog::MakeVerifier(identity.origin, tlog::kAlgEd25519, identity.public_key));
  auto opened = tlog::OpenCheckpoint(checkpoint, log_key, nullptr);
  if (!opened.ok()) {
    return opened.status().WithContext("the checkpoint is not one signed by " + identity.origin);
  }
  batch->checkpoint = SignedTreeHead{opened->size, opened->root, std::string(checkpoint)};
  // Decoding and the catalogue's checks are independent per entry: on all cores, then the
  // first failure in seq order is the one reported.
  const size_t n = entries.size();
  std::vector<Result<Entry>> decoded(n, Status::Unavailable("not decoded"));
  std::vector<Result<PreparedEvent>> prepared(n, Status::Unavailable("not prepared"));
  batch->sources.resize(n);
  RunOnAllCores(n, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      decoded[i] = DecodeEntry(entries[i]);
      if (!decoded[i].ok() || decoded[i]->seq != first_seq + i) continue;
      batch->sources[i] =
          SignedEvent{decoded[i]->event, decoded[i]->key_id, decoded[i]->signature, {}};
      prepared[i] = PrepareStoredEvent(batch->sources[i], decoded[i]->recorded_at_us);
    }
  });
  batch->events.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t seq = first_seq + i;
    if (!decoded[i].ok()) return AtSeq(seq, "encoding", decoded[i].status());
    if (decoded[i]->seq != seq) {
      return AtSeq(
          seq, "seq",
          Status::Corruption("the entry says it is seq " + std::to_string(decoded[i]->seq)));
    }
    if (!prepared[i].ok()) return AtSeq(seq, "encoding", prepared[i].status());
    prepared[i]->source = &batch->sources[i];
    prepared[i]->replicated =
        ReplicatedPosition{seq, decoded[i]->version, decoded[i]->recorded_at_us, entries[i]};
    batch->events.push_back(std::move(prepared[i]).value());
  }
  return batch;
}

}  // namespace ledger::internal
