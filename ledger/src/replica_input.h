// What a replica is given to append (EventLog::AppendReplicated), decoded and opened before the
// writer sees it: the stored entries of the ledger it copies, and the checkpoint that covers
// them, verified with that ledger's key. Work that needs no state happens here, on the caller's
// thread; what needs the state (signatures by registered keys, roles, versions, case rules, the
// tree) is the writer's, shared with every append.
#ifndef LEDGER_SRC_REPLICA_INPUT_H_
#define LEDGER_SRC_REPLICA_INPUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "log_writer.h"
#include "prepared_event.h"

namespace ledger::internal {

// A replicated entry's refusal: "seq N (check): message", the code kept.
Status AtSeq(uint64_t seq, std::string_view check, const Status& status);

struct ReplicatedBatch {
  // Invariant: events[i].source points at sources[i] (the batch is not copied or moved).
  std::vector<SignedEvent> sources;
  std::vector<PreparedEvent> events;
  SignedTreeHead checkpoint;
};

// Decodes `entries`, the stored bytes of seq `first_seq` on, and opens `checkpoint` with the key
// of `identity` (signature, origin). Refusals name the seq and the check ("seq 12 (decode): ...")
// or the checkpoint.
Result<std::unique_ptr<ReplicatedBatch>> PrepareReplicated(const std::vector<std::string>& entries,
                                                           uint64_t first_seq,
                                                           std::string_view checkpoint,
                                                           const LedgerIdentity& identity);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_REPLICA_INPUT_H_
