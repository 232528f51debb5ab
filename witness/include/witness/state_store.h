// Where a witness keeps, for each log, the latest checkpoint it cosigned: the one piece of state
// whose loss would let it cosign a rolled-back or forked log.
//
// The witness calls Save before it hands out a cosignature (c2sp.org/tlog-witness: "The witness
// MUST persist the new checkpoint before responding"), so a store must make Save durable and
// atomic: after a crash, Load returns either the old or the new heads, never a mixture.
#ifndef WITNESS_STATE_STORE_H_
#define WITNESS_STATE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "tlog/merkle.h"

namespace witness {

// The latest (size, root) the witness cosigned for one log. A log it never cosigned has no
// entry; the protocol treats it as size 0 with the empty tree's root.
struct LogHead {
  uint64_t size = 0;
  tlog::Hash root{};

  bool operator==(const LogHead&) const = default;
};

// Heads by origin line.
using LogHeads = std::map<std::string, LogHead, std::less<>>;

// Thread compatibility: the witness calls one method at a time (under its own mutex).
class StateStore {
 public:
  virtual ~StateStore() = default;

  // The heads last saved; empty for a store never saved. Corruption if stored state is damaged.
  virtual ledger::Result<LogHeads> Load() = 0;

  // Replaces the stored heads with `heads` atomically and durably. On error the stored state is
  // the old or the new heads (the witness only assumes the old ones were kept if it must).
  virtual ledger::Status Save(const LogHeads& heads) = 0;
};

// A store in one file at `path`, replaced by writing "<path>.tmp", fsyncing it, renaming it over
// `path` and fsyncing the directory. A missing file loads as empty (a new witness). The
// directory must exist.
// Two writers of one file could each accept a different extension of the same head, so the
// store holds an exclusive flock(2) on "<path>.lock" for its lifetime: FailedPrecondition if
// another store (in any process) holds it, IOError if the lock file cannot be opened.
ledger::Result<std::unique_ptr<StateStore>> OpenFileStateStore(std::string path);

// A store in memory, for tests. `fail_saves`, if set, is read before every Save: while it is
// true Save fails with IOError and keeps the old heads.
std::unique_ptr<StateStore> NewMemoryStateStore(std::function<bool()> fail_saves = nullptr);

}  // namespace witness

#endif  // WITNESS_STATE_STORE_H_
