#include "held_checkpoints.h"

#include "tlog/checkpoint.h"

namespace ledger::internal {

bool ExpectHeldCheckpoints(const std::vector<HeldCheckpoint>& held,
                           const tlog::NoteVerifier& log_key, LogChecker& checker,
                           VerifyReport* report, std::optional<uint64_t> covered) {
  for (const HeldCheckpoint& h : held) {
    auto checkpoint = tlog::OpenCheckpoint(h.note, log_key, nullptr);
    if (!checkpoint.ok()) {
      report->ok = false;
      report->failed_check = "held checkpoint";
      report->failure = Status::Corruption(
          "the held checkpoint " + h.name +
          " is not a checkpoint of this log signed by its key: " + checkpoint.status().message());
      return false;
    }
    if (covered && checkpoint->size > *covered) {
      report->ok = false;
      report->failed_check = "held checkpoint";
      report->failure = Status::Corruption(
          "the held checkpoint " + h.name + " covers " + std::to_string(checkpoint->size) +
          " entries, more than the " + std::to_string(*covered) +
          " being verified: it cannot be shown that they extend it (verify to its size, or "
          "export a newer copy)");
      return false;
    }
    checker.ExpectRoot(checkpoint->size, checkpoint->root, "the held checkpoint " + h.name);
    ++report->held_checkpoints_checked;
  }
  return true;
}

}  // namespace ledger::internal
