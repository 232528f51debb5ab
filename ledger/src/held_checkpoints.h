// Checkpoints an auditor holds (VerifyOptions::held_checkpoints), for both verifiers: the
// ledger's and an export's. Each must carry the log's signature, and the log must extend it.
#ifndef LEDGER_SRC_HELD_CHECKPOINTS_H_
#define LEDGER_SRC_HELD_CHECKPOINTS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "ledger/verify.h"
#include "log_checker.h"
#include "tlog/note.h"

namespace ledger::internal {

// Opens each held checkpoint with `log_key` and has `checker` expect its root at its size.
// False (with the failure in `report`, check "held checkpoint") if one does not open, or if it
// is larger than `covered` (an export of, or a verification up to, `covered` entries cannot
// show that the log extends it).
bool ExpectHeldCheckpoints(const std::vector<HeldCheckpoint>& held,
                           const tlog::NoteVerifier& log_key, LogChecker& checker,
                           VerifyReport* report, std::optional<uint64_t> covered = std::nullopt);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_HELD_CHECKPOINTS_H_
