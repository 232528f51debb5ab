// The ledger: an append-only log of signed events in a directory.
//
// A Ledger is opened or created by its factories and offers three services, one per concern,
// that share its one writer and its state:
//   log()      EventLog (ledger/log.h): appends, reads, keys, replication.
//   privacy()  PersonalData (ledger/privacy.h): personal values, consent, retention, erasure.
//   audit()    VerifiableHistory (ledger/audit.h): tree, proofs, checkpoints, integrity, backup.
//
// Thread safety: all methods of the ledger and its services may be called from any thread.
#ifndef LEDGER_LEDGER_H_
#define LEDGER_LEDGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "ledger/audit.h"
#include "ledger/log.h"
#include "ledger/master_key.h"
#include "ledger/privacy.h"
#include "ledger/signing_key.h"

namespace ledger {

namespace internal {
class LedgerAccess;
class LedgerState;
}  // namespace internal

struct LedgerOptions {
  // The ledger clock in microseconds since the epoch; recorded_at comes from it and occurred_at
  // may not be more than 5 minutes ahead of it. Tests replace it.
  std::function<int64_t()> clock;
  // At most this many events are committed in one group (one synced write).
  size_t max_group_events = 8192;
  // The ledger's own key (name = origin). With it, the ledger signs a checkpoint of its Merkle
  // tree at most once per checkpoint_interval_us while appending, within about an interval
  // after the last append (so that every entry is soon covered, appends or not), and one when
  // it is closed.
  // Without it, the process appends but signs no checkpoints.
  std::optional<SigningKey> checkpoint_key;
  // A file kept beside the ledger's key, outside the data directory (the CLI uses
  // `<ledger key file>.checkpoint`): the latest checkpoint signed with checkpoint_key, written
  // (synced) before a new checkpoint is stored or served. With it, a writable open refuses a
  // store that does not extend that checkpoint, so that a data directory put back whole from an
  // older backup cannot be appended to and re-signed into a fork by a process holding the key.
  std::string signed_checkpoint_file;
  int64_t checkpoint_interval_us = 1000000;
  // The vault's master key (master_key.h). Without it the ledger opens, but refuses events
  // carrying personal values and cannot show any. A ledger created with one is bound to it;
  // one created without is bound to the first one it is opened with.
  std::optional<MasterKey> master_key;
  // False only to measure what the case rules cost (`ledger bench append`): the writer then
  // skips them, but `ledger verify` still judges every entry by them.
  bool check_case_rules = true;
  // Opens the store read-only: nothing in the directory is written (not even RocksDB's own log
  // or lock file), so it works on a read-only copy, and every method that would write (appends,
  // checkpoints, policy, compaction, backup) is refused with FailedPrecondition. A store that
  // disagrees with its anchor still opens, and IntegrityAtOpen() says how (`ledger verify`
  // reports it). Unavailable while another process has the ledger open for writing.
  bool read_only = false;
  // A subject.shredded leaves its deleted key and values in the storage engine's files until
  // they are rewritten; the ledger rewrites them on a thread of its own this long after a
  // shredding commits (shreddings within the delay share one rewrite), and at once at an open
  // that finds one not done. PurgeErased() does it now.
  int64_t erasure_purge_delay_ms = 1000;
  // Opening a replica (CreateReplica) with checkpoint_key makes it the primary, for good (the
  // failover of docs/replication.md), only with this set; without it such an open is refused,
  // so that no command that merely finds the ledger's key beside the data promotes a replica
  // while the old primary may still be signing.
  bool promote_replica = false;
};

class Ledger {
 public:
  // Creates a new ledger in `dir` (which must not hold one).
  static Result<std::unique_ptr<Ledger>> Create(const std::string& dir,
                                                const LedgerIdentity& identity,
                                                const LedgerOptions& options = {});
  // Opens an existing ledger. Unavailable if another process has it open.
  static Result<std::unique_ptr<Ledger>> Open(const std::string& dir,
                                              const LedgerOptions& options = {});
  // Creates a replica of the ledger `identity` names in `dir` (empty: in memory, for tests): it
  // takes entries only through EventLog::AppendReplicated, and keeps no personal values (they
  // stay with the primary: PersonalData::ReadPersonal is FailedPrecondition). Opened later with
  // the ledger's key (LedgerOptions::checkpoint_key) and LedgerOptions::promote_replica it
  // becomes a primary for good: the failover of docs/replication.md.
  static Result<std::unique_ptr<Ledger>> CreateReplica(const std::string& dir,
                                                       const LedgerIdentity& identity,
                                                       const LedgerOptions& options = {});
  // A ledger that lives in memory only (tests, tools).
  static Result<std::unique_ptr<Ledger>> CreateInMemory(const LedgerIdentity& identity,
                                                        const LedgerOptions& options = {});

  // Stops the writer once the appends already submitted are done, and signs a last checkpoint
  // when the ledger holds its key. REQUIRES: no call on a service is running or will start.
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // The services; each is valid as long as the Ledger.
  EventLog& log() { return log_; }
  PersonalData& privacy() { return privacy_; }
  VerifiableHistory& audit() { return audit_; }

 private:
  friend class internal::LedgerAccess;
  explicit Ledger(std::unique_ptr<internal::LedgerState> state);

  std::unique_ptr<internal::LedgerState> state_;
  EventLog log_;
  PersonalData privacy_;
  VerifiableHistory audit_;
};

}  // namespace ledger

#endif  // LEDGER_LEDGER_H_
