// The ledger: an append-only log of signed events in a directory.
//
// Appends are checked (canonical encoding, catalogue rules, the author's signature, key and
// role, the stream's expected version, the permanent id index), given gapless positions by a
// single writer, and made durable in one synced atomic write per group of concurrent appends
// (group commit). An append returns only after its group is durable. If a write fails, every
// later append fails with the same error until the ledger is reopened, so that no in-memory
// state can disagree with the disk.
//
// Thread safety: all methods may be called from any thread.
#ifndef LEDGER_LEDGER_H_
#define LEDGER_LEDGER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/consent.h"
#include "ledger/master_key.h"
#include "ledger/policy.h"
#include "ledger/signing_key.h"
#include "ledger/types.h"
#include "tlog/merkle.h"

namespace ledger {

class Ledger;
namespace internal {
class KvStore;
// The store under a ledger, for the verifier and repair (ledger/src only).
KvStore* StoreOf(Ledger& ledger);
// What opening found when it compared the store with its anchor only (IntegrityAtOpen also
// reports the index counts).
Status AnchorAtOpen(Ledger& ledger);
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

// What erasure still has to do in the files (docs/privacy.md, "What erasure does").
struct ErasurePurgeState {
  // Shreddings whose deleted records may still be in the data directory's files.
  uint64_t pending = 0;
  // Purges this process has run.
  uint64_t passes = 0;
  // Of the last purge: OK if it finished (or none ran); else why not (it is retried).
  Status last_error;
};

// The personal values of one event, as a reader allowed to see them gets them.
struct PersonalValues {
  enum class State {
    kNone,     // the event carries no personal values
    kPresent,  // `values` holds them
    kErased,   // the subject was shredded: the values and their key are gone
  };
  State state = State::kNone;
  std::vector<Disclosure> values;
};

// What the ledger keeps about one subject's consents (consent.h), for decisions and display.
struct SubjectConsents {
  std::string subject;
  bool shredded = false;
  bool closed = false;
  std::vector<ConsentFacts> consents;
  std::vector<RestrictionPeriod> restrictions;
};

// A closed case's standing under the retention policy (LedgerPolicy) at some moment.
struct RetentionStanding {
  std::string subject;
  int64_t closed_at_us = 0;
  std::string archive_rule;  // non-empty: the archive duty keeps it
  std::string due_rule;      // non-empty: this retention rule allows shredding it now
  std::string reason;        // why not, when neither
};

// The Merkle tree over the entries (RFC 6962), as committed.
struct TreeHead {
  uint64_t size = 0;
  tlog::Hash root{};
};

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
  // takes entries only through AppendReplicated, and keeps no personal values (they stay with
  // the primary: ReadPersonal is FailedPrecondition). Opened later with the ledger's key
  // (LedgerOptions::checkpoint_key) and LedgerOptions::promote_replica it becomes a primary for
  // good: the failover of docs/replication.md.
  static Result<std::unique_ptr<Ledger>> CreateReplica(const std::string& dir,
                                                       const LedgerIdentity& identity,
                                                       const LedgerOptions& options = {});
  // A ledger that lives in memory only (tests, tools).
  static Result<std::unique_ptr<Ledger>> CreateInMemory(const LedgerIdentity& identity,
                                                        const LedgerOptions& options = {});

  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

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

  // ---- Personal values, consent and retention (docs/privacy.md) ----
  // The personal values of the event at `seq`, for the reader holding the registered key
  // `reader_key_id` (4 bytes): a dpo, or a caseworker whose scope covers the stream. Any other
  // reader gets PermissionDenied (auditors and services see the digests only). Needs the
  // master key (FailedPrecondition without it).
  Result<PersonalValues> ReadPersonal(uint64_t seq, std::string_view reader_key_id);
  // The consent facts and restrictions the ledger keeps for `subject` (NotFound: no case).
  Result<SubjectConsents> Consents(std::string_view subject);
  // "May R receive D about S for purpose P at T?" from the kept state.
  Result<ConsentDecision> DecideConsent(const ConsentQuestion& question);
  // The policy later erasure decisions and shreddings are checked against.
  LedgerPolicy PrivacyPolicy();
  // Replaces the policy (durably). Only an admin may: `admin_key_id` must be a registered,
  // unrevoked admin key.
  Status SetPrivacyPolicy(const LedgerPolicy& policy, std::string_view admin_key_id);
  // Every closed, unshredded case and whether the policy lets it be shredded at `now_us`.
  Result<std::vector<RetentionStanding>> RetentionReview(int64_t now_us);
  // Flushes, then compacts every file, so that what was deleted (shredded subjects' keys and
  // values) is physically gone from the data directory.
  Status Compact();
  // Makes every shredding committed so far physically reach the files now, and waits: OK once
  // no deleted key or value of a shredded subject is left in any file of the data directory
  // (nor in a write-ahead log). The ledger also does this by itself after every shredding
  // (LedgerOptions::erasure_purge_delay_ms), whatever path appended it. Unavailable when a
  // reader still holds a replaced file (the purge is retried); FailedPrecondition read-only.
  Status PurgeErased();
  ErasurePurgeState ErasurePurge();

  // ---- Verifiable history (docs/auditor-guide.md) ----
  TreeHead Head();
  // The root of the first `size` entries, from stored nodes.
  Result<tlog::Hash> RootAt(uint64_t size);
  // RFC 9162 inclusion proof of entry `seq` in the tree of `size` entries.
  Result<std::vector<tlog::Hash>> InclusionProof(uint64_t seq, uint64_t size);
  // RFC 9162 consistency proof between trees of `old_size` and `new_size` entries.
  Result<std::vector<tlog::Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size);
  // A stored perfect-subtree hash: level L, index N covers entries [N*2^L, (N+1)*2^L).
  Result<tlog::Hash> TreeNode(uint8_t level, uint64_t index);
  // The latest signed checkpoint (a c2sp.org/tlog-checkpoint note); NotFound if none yet.
  Result<std::string> LatestCheckpoint();
  // The stored checkpoint of exactly `size` entries.
  Result<std::string> CheckpointAt(uint64_t size);
  // Every stored checkpoint, by size.
  Result<std::map<uint64_t, std::string>> Checkpoints();
  // The stored checkpoints of `from_size` entries or more, at most `max_count` of them, by size.
  Result<std::map<uint64_t, std::string>> Checkpoints(uint64_t from_size, size_t max_count);
  // Signs a checkpoint of the current tree now (needs LedgerOptions::checkpoint_key).
  Result<std::string> SignCheckpoint();
  // Keeps witnesses' cosignatures (c2sp.org/tlog-cosignature signature lines, "— name base64")
  // with the stored checkpoint of `size`; the served note then carries them. Lines already
  // present are skipped. The caller has verified them against the witnesses' keys.
  Status AddCosignatures(uint64_t size, const std::vector<std::string>& signature_lines);

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

  // A replica: it takes entries only through AppendReplicated.
  bool IsReplica();

  std::vector<KeyInfo> Keys();
  LedgerInfo Info();
  uint64_t Size();

  // Flushes memory tables and the WAL into files (for inspection and copying).
  Status Flush();

  // What opening found when it compared the store with its anchor (the committed head and the
  // latest signed checkpoint kept outside the store, docs/formats.md "Anchor files") and the
  // indexes an append relies on with the entries' count: OK, or Corruption naming the sizes and
  // roots (or the column) that disagree. A writable open fails with that error instead, so this
  // is not OK only for a read-only one.
  Status IntegrityAtOpen();

  // Writes a consistent copy of the ledger into `dir` while it stays open and appends go on: a
  // RocksDB checkpoint, whose files are hard links where `dir` is on the same filesystem and
  // copies otherwise. The copy holds whole groups only: every append acknowledged before the
  // call, and perhaps some acknowledged during it. `dir` must not exist or be an empty directory
  // (FailedPrecondition otherwise); missing parents are created. FailedPrecondition for an
  // in-memory ledger. The copy opens with Ledger::Open and verifies with `ledger verify`.
  // Returns the copy's head (read back from the copy).
  Result<TreeHead> Backup(const std::string& dir);

  // Internal: the factories above are the way to make a Ledger.
  class Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);

 private:
  friend internal::KvStore* internal::StoreOf(Ledger& ledger);
  friend Status internal::AnchorAtOpen(Ledger& ledger);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger

#endif  // LEDGER_LEDGER_H_
