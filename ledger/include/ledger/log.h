// The log of an open ledger (Ledger::log()): appends, reads, the registered keys, and the
// entries a replica takes from its primary.
//
// Appends are checked (canonical encoding, catalogue rules, the author's signature, key and
// role, the stream's expected version, the permanent id index), given gapless positions by a
// single writer, and made durable in one synced atomic write per group of concurrent appends
// (group commit). An append returns only after its group is durable. If a write fails, every
// later append fails with the same error until the ledger is reopened, so that no in-memory
// state can disagree with the disk.
//
// Thread safety: all methods may be called from any thread.
#ifndef LEDGER_LOG_H_
#define LEDGER_LOG_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/types.h"

namespace ledger {

namespace internal {
class LedgerState;
struct ReplicatedBatch;
}  // namespace internal

// Who the ledger is: written once when it is created.
struct LedgerIdentity {
  std::string origin;      // e.g. "drammen.kommune.no/ledger": checkpoint origin and key name
  std::string public_key;  // the ledger's Ed25519 public key (32 bytes), for checkpoints
  // The 4-byte key id of the first admin: the one key whose self-signed key.registered the
  // empty ledger accepts (as entry 0). Fixed at creation, so that a ledger left empty by a crash
  // cannot be claimed by anyone else.
  std::string first_admin_key_id;
  // The case rules' limit on main problems in one cooperation agreement (1..16).
  uint32_t max_agreement_problems = 3;
};

struct LedgerInfo {
  LedgerIdentity identity;
  int64_t created_at_us = 0;
  uint64_t size = 0;  // entries; the next seq
  uint64_t streams = 0;
  int64_t last_recorded_at_us = 0;
  std::map<std::string, uint64_t> events_by_type;
  uint64_t disk_bytes = 0;
};

// Iterates entries in seq order. Errors (a corrupt entry, an I/O error) end the iteration and
// are reported by status(), as RocksDB iterators do.
class EntryIterator {
 public:
  virtual ~EntryIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // REQUIRES: Valid().
  virtual const Entry& entry() const = 0;
  virtual Status status() const = 0;
};

// The log of one open ledger; owned by its Ledger and valid as long as it.
class EventLog {
 public:
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends one event. A repeated id with the same content returns the first position with
  // duplicate = true; with other content it is a Conflict.
  Result<AppendResult> Append(const SignedEvent& event);
  // Appends each event on its own (one refusal does not affect the others), in one group commit.
  std::vector<Result<AppendResult>> AppendEach(const std::vector<SignedEvent>& events);
  // All or nothing: if any event is refused, none is appended and the error names its index.
  Result<std::vector<AppendResult>> AppendAtomic(const std::vector<SignedEvent>& events);

  Result<Entry> ReadSeq(uint64_t seq);
  Result<Entry> ReadId(std::string_view event_id);
  // Entries of one stream from `from_version`, at most `max_count` of them.
  Result<std::vector<Entry>> ReadStream(std::string_view stream, uint64_t from_version,
                                        size_t max_count);
  // All entries from `from_seq` on, as of the moment of the call. With decode = false only
  // `seq` and `bytes` are filled (checksum-checked but not decoded): for readers that decode
  // the bytes themselves, such as the verifier, which does it on all cores.
  std::unique_ptr<EntryIterator> Scan(uint64_t from_seq, bool decode = true);

  // ---- Replication (docs/replication.md) ----
  // Extends this ledger, a replica of another with the same identity, by `entries`: the other's
  // stored entry bytes from seq Size() on, exactly as stored there, and `checkpoint`, that
  // ledger's signed checkpoint of Size() + entries.size() entries. Each entry is checked as
  // `ledger verify` checks it (canonical bytes; seq, version and recorded_at in order; the
  // author's signature, key, role and scope as of that seq; the catalogue and the case rules),
  // and the root of the tree they make must be the checkpoint's. Then all of them and the
  // checkpoint are stored in one synced write; on any failure nothing is, and the error names
  // the seq and the check ("seq 12 (signature): ..."). With no entries, a checkpoint of entries
  // already here is checked against them (Corruption if it disagrees: a signed fork) and stored
  // if it is of the current size. FailedPrecondition read-only or opened with the ledger's key.
  Status AppendReplicated(const std::vector<std::string>& entries, std::string_view checkpoint);

  // AppendReplicated in two halves, so that a follower can prepare the next batch on all cores
  // while the writer commits the previous one. PrepareReplicated does the part that needs no
  // committed state (decoding, the canonical bytes, the checkpoint's signature, the signatures
  // by keys registered so far) for entries that start at `first_seq`, which may lie beyond
  // Size() while an earlier batch is being committed. CommitReplicated does the rest, as
  // AppendReplicated does; calls from several threads are applied in the order they reach the
  // writer, and a batch of entries whose first seq is not the size at that moment (an earlier
  // batch was refused, or has not arrived) is refused naming "seq N (seq)", with nothing stored.
  // A batch with no entries (a checkpoint alone) is judged against the size at commit time.
  // A batch prepared by another EventLog is refused (InvalidArgument).
  class PreparedReplication {
   public:
    PreparedReplication(PreparedReplication&&) noexcept;
    PreparedReplication& operator=(PreparedReplication&&) noexcept;
    ~PreparedReplication();
    uint64_t first_seq() const;
    uint64_t end_seq() const;  // first_seq + the number of entries

   private:
    friend class EventLog;
    PreparedReplication(std::unique_ptr<internal::ReplicatedBatch> batch, uint64_t first_seq,
                        const internal::LedgerState* owner);
    std::unique_ptr<internal::ReplicatedBatch> batch_;
    uint64_t first_seq_ = 0;
    const internal::LedgerState* owner_ = nullptr;  // the ledger whose identity it was opened with
  };
  Result<PreparedReplication> PrepareReplicated(uint64_t first_seq,
                                                const std::vector<std::string>& entries,
                                                std::string_view checkpoint);
  Status CommitReplicated(PreparedReplication prepared);

  // A replica: it takes entries only through AppendReplicated.
  bool IsReplica();

  // The key registry (stream `keys`) as committed.
  std::vector<KeyInfo> Keys();
  LedgerInfo Info();
  uint64_t Size();

  // Flushes memory tables and the WAL into files (for inspection and copying).
  Status Flush();

 private:
  friend class Ledger;
  explicit EventLog(internal::LedgerState* state) : state_(state) {}

  internal::LedgerState* const state_;  // owned by the Ledger
};

}  // namespace ledger

#endif  // LEDGER_LOG_H_
