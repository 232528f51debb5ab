#include "stage_timer.h"

namespace ledger::internal {

// In ledger_verify, with verification's own stages: the writer's (ledger_core) use it too.
StageCounters& Stages() {
  static StageCounters counters;
  return counters;
}

}  // namespace ledger::internal
