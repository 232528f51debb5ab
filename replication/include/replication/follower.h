// The follower: builds a verified replica of a ledger from its JetStream stream
// (replication/messages.h). docs/replication.md.
//
// Entries are held in memory until a signed checkpoint covers them; then they are checked as
// `ledger verify` checks them and stored with the checkpoint in one synced write
// (EventLog::AppendReplicated), or not at all. A checkpoint's entries are decoded and their
// signatures checked on all cores while the writer commits the batch before them
// (EventLog::PrepareReplicated, CommitReplicated), so that a replica on a machine like the
// primary's keeps up with it. Entries missing from the stream, or failing the
// checks as the stream gave them, are fetched again from the primary (over NATS request and
// reply) and checked again; if the primary's own entries fail, the follower stops, naming the
// entry and the check, with nothing after the last verified checkpoint stored.
#ifndef REPLICATION_FOLLOWER_H_
#define REPLICATION_FOLLOWER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "ledger/ledger.h"

namespace ledger::replication {

struct ReplicaSource {
  std::string nats_urls;  // comma-separated servers of one cluster
  std::string stream = "LEDGER";
  // The ledger's verifier key (`<name>+<id>+<base64>`): the only thing a replica trusts.
  std::string verifier_key;
};

// Opens the replica in `dir`, or creates it there from the stream's identity message (verified
// with the verifier key), waiting up to `wait` for the primary to publish one. An existing
// replica must be of the same ledger.
Result<std::unique_ptr<Ledger>> OpenReplica(const ReplicaSource& source, const std::string& dir,
                                            const LedgerOptions& options,
                                            std::chrono::milliseconds wait);

struct FollowerOptions {
  ReplicaSource source;
  // Where the follower notes the stream sequence to resume from (the file is rewritten after
  // every stored checkpoint; without it the stream is read from its start and what is stored
  // is skipped). Usually <data>/replica-position.
  std::string position_file;
  // How long to wait for the primary's answer when asking for missing entries.
  std::chrono::milliseconds fetch_timeout{2000};
  // Operator messages (one line each, no newline). Empty: none.
  std::function<void(std::string_view)> log;
  // Called after each stored checkpoint with the entries it stored, [first, end) (tests,
  // benchmarks).
  std::function<void(uint64_t first, uint64_t end)> on_stored;
};

struct FollowerStats {
  uint64_t size = 0;             // entries stored, verified
  uint64_t pending = 0;          // entries received, waiting for a checkpoint
  uint64_t checkpoints = 0;      // checkpoints stored by this process
  uint64_t refetched = 0;        // entries fetched from the primary
  uint64_t retried_batches = 0;  // batches that failed as the stream gave them, then passed
  double lag_seconds = 0;        // how long the oldest received entry has waited (0 if none)
  bool connected = false;
  bool stopped = false;
  std::string failure;  // why it stopped (a verification failure), if it did
};

class Follower {
 public:
  // Starts following on a thread. `replica` (from OpenReplica) must outlive the follower.
  static Result<std::unique_ptr<Follower>> Start(Ledger& replica, FollowerOptions options);
  ~Follower();  // Stop()s.
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  void Stop();
  // Waits until the follower stops by itself (a failed verification: its status) or `timeout`
  // passes (OK).
  Status Wait(std::chrono::milliseconds timeout);
  FollowerStats stats() const;
  // The stats in the Prometheus text format (ledger_replication_replica_*).
  std::string MetricsText() const;

  class Impl;

 private:
  explicit Follower(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::replication

#endif  // REPLICATION_FOLLOWER_H_
