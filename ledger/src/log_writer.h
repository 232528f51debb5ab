// The single writer: takes prepared events from any number of appender threads, checks what
// needs the ledger's state (id index, stream versions, keys and roles, case stream order),
// assigns gapless seq, per-stream version and non-decreasing recorded_at, and commits each group
// of waiting appends in one synced atomic write (group commit).
//
// Invariants: seq and version are assigned only here, in commit order; the committed state in
// memory (head, counters, key registry) changes only after the group's write succeeded. After a
// failed write every later append fails with that error (the ledger must be reopened, which
// reloads the state from disk).
#ifndef LEDGER_SRC_LOG_WRITER_H_
#define LEDGER_SRC_LOG_WRITER_H_

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "anchor.h"
#include "base/mutex.h"
#include "base/status.h"
#include "case_rules.h"
#include "key_registry.h"
#include "ledger/policy.h"
#include "ledger/signing_key.h"
#include "ledger/types.h"
#include "prepared_event.h"
#include "records.h"
#include "storage/kv_store.h"
#include "tlog/compact_range.h"
#include "tlog/merkle.h"
#include "vault.h"

namespace ledger::internal {

// How the writer signs checkpoints (c2sp.org/tlog-checkpoint) of the tree it extends.
struct CheckpointPolicy {
  std::optional<SigningKey> key;  // the ledger's key; none: this process signs no checkpoints
  std::string origin;
  int64_t interval_us = 1000000;   // at most one checkpoint per interval while appending
  std::string first_admin_key_id;  // the only key whose self-registration may be entry 0
  // LedgerOptions::signed_checkpoint_file: each new checkpoint is written there first.
  std::string signed_checkpoint_file;
};

// The last checkpoint the ledger signed: what every new one must be consistent with.
struct SignedTreeHead {
  uint64_t size = 0;
  tlog::Hash root = tlog::EmptyRoot();
  std::string note;  // the signed checkpoint, empty if none yet
};

// What a writer starts from: the objects it uses (not owned; each must outlive the writer) and
// the committed state opening loaded from the store.
struct LogWriterConfig {
  KvStore* store = nullptr;
  KeyRegistry* keys = nullptr;  // the writer updates it after each commit
  Vault* vault = nullptr;
  // Null for a ledger without a directory (in memory, or on a test's store).
  AnchorWriter* anchor = nullptr;
  // The committed log: its head, the compact range of its tree and the per-type counters.
  LedgerHeadRecord head;
  tlog::CompactRange range;
  std::map<std::string, uint64_t> counts;
  // The ledger clock (LedgerOptions::clock) and the largest group committed in one write.
  std::function<int64_t()> clock;
  size_t max_group_events = 8192;
  CheckpointPolicy checkpoint_policy;
  SignedTreeHead last_checkpoint;
  CaseRulesConfig case_rules;
  LedgerPolicy privacy;
};

class LogWriter {
 public:
  explicit LogWriter(LogWriterConfig config);
  // Finishes the appends already submitted, then stops the thread.
  ~LogWriter();

  // Appends `events` as independent units (atomic = false) or as one all-or-nothing unit, and
  // blocks until their group is durable or refused. One result per event, in order.
  std::vector<Result<AppendResult>> Submit(std::vector<PreparedEvent> events, bool atomic);

  // Appends entries replicated from another ledger with the same identity (each event has
  // `replicated`, in seq order from the head), all or nothing, together with `checkpoint`: the
  // other ledger's signed checkpoint of the tree they extend this one to, whose root the writer
  // compares with the tree it builds. A failure names the seq and the check; nothing is stored.
  Status SubmitReplicated(std::vector<PreparedEvent> events, SignedTreeHead checkpoint);

  // The privacy policy later appends are checked against (archive duty, retention).
  void SetPrivacyPolicy(LedgerPolicy policy) LEDGER_EXCLUDES(mu_);
  LedgerPolicy privacy_policy() const LEDGER_EXCLUDES(mu_);

  LedgerHeadRecord head() const LEDGER_EXCLUDES(mu_);
  std::map<std::string, uint64_t> counts() const LEDGER_EXCLUDES(mu_);
  // The committed tree: size and root.
  SignedTreeHead tree() const LEDGER_EXCLUDES(mu_);
  SignedTreeHead last_checkpoint() const LEDGER_EXCLUDES(mu_);

  // Signs a checkpoint of the committed tree now (after proving it consistent with the last
  // one), unless the last checkpoint already has this size. FailedPrecondition without a key.
  Result<SignedTreeHead> SignCheckpoint() LEDGER_EXCLUDES(checkpoint_mu_, mu_);
  // Adds signature lines to the stored checkpoint of `size` (serialised with signing).
  Status AddCosignatures(uint64_t size, const std::vector<std::string>& signature_lines)
      LEDGER_EXCLUDES(checkpoint_mu_, mu_);

 private:
  struct Job;
  struct Overlay;

  void Run();
  // Queues `job` for the writer thread and waits until it is committed or refused.
  void RunJob(Job& job);
  Result<SignedTreeHead> SignCheckpointLocked() LEDGER_REQUIRES(checkpoint_mu_)
      LEDGER_EXCLUDES(mu_);
  void CommitGroup(std::vector<Job*>& jobs);
  // Applies a replicated job (SubmitReplicated) to `group`, or fills its results with the refusal.
  void ApplyReplicatedJob(Job& job, Overlay& group);
  // Signs a checkpoint if the interval has passed since the last one (writer thread).
  void MaybeCheckpoint() LEDGER_EXCLUDES(checkpoint_mu_, mu_);
  // Judges `p` against the committed state, `group` and `unit`, and records what it changes in
  // `unit`. A stream head the unit already holds is advanced in place (a refused unit is dropped
  // whole); `single`: the unit is this one event (AppendEach), so a head the group already holds
  // is advanced in place there too, once nothing can fail any more, instead of being copied
  // (with its case state) into the unit and merged back.
  Status ApplyEvent(const PreparedEvent& p, Overlay& group, Overlay& unit, AppendResult* result,
                    bool single);
  // ApplyEvent's steps, in order. Each refusal of a replicated entry names its check (AtSeq).
  struct IdLookup;
  struct HeadSlot;
  // The id index: the entry that used p's id first, in the unit, the group or the store.
  Result<IdLookup> LookUpId(const PreparedEvent& p, const Overlay& group,
                            const Overlay& unit) const;
  // A retry of an id already used: the first append's result when the same signer sends the
  // same event (or it again with new salts); Conflict for other content.
  Status AnswerRetry(const PreparedEvent& p, const IdLookup& id, const Overlay& group,
                     const Overlay& unit, AppendResult* result);
  // A key as of this point in the log: the unit's, the group's or the registry's.
  std::optional<KeyInfo> FindKey(const std::string& key_id, const Overlay& group,
                                 const Overlay& unit) const;
  // The author's key (the ledger's first, self-signed admin key for the genesis entry), with
  // the signature checked unless PrepareEvent did.
  Result<KeyInfo> AuthorOf(const PreparedEvent& p, const Overlay& group, const Overlay& unit) const;
  Status FindHead(const std::string& stream, Overlay& group, Overlay& unit, bool single,
                  HeadSlot* slot);
  // The stream and case rules, a replicated entry's version, and the privacy policy.
  Status CheckRules(const PreparedEvent& p, const KeyInfo& author,
                    const StreamHeadRecord& head) const;
  Result<int64_t> RecordedAt(const PreparedEvent& p, const Overlay& unit) const;
  // The key registry change the event makes, if it makes one.
  Result<std::optional<KeyInfo>> KeyUpdateOf(const PreparedEvent& p, const Overlay& group,
                                             const Overlay& unit, uint64_t seq,
                                             int64_t recorded_at) const;
  // The entry's canonical bytes (for a replicated entry: the bytes it came with).
  Result<std::string> EncodeEntryFor(const PreparedEvent& p, uint64_t seq, uint64_t version,
                                     int64_t recorded_at) const;
  // The entry's records in the unit's batch: entry, id, stream index, sealed personal values,
  // a shredding's deletions, the key change.
  Status PutRecords(const PreparedEvent& p, const std::string& entry, const IdRecord& id_record,
                    const std::optional<KeyInfo>& key_update, const Overlay& group, Overlay& unit);
  // The subject's key: created in this unit or group, committed, or new (added to the unit).
  // Whether `p`, whose id was used at `seen` for other bytes, is a retry of that event signed
  // again with new salts (same_event.h). `earlier`: that event's source when it is in the
  // group being committed, else it is read from the store.
  Result<bool> SameEventWithOtherSalts(const PreparedEvent& p, const IdRecord& seen,
                                       const SignedEvent* earlier, bool in_group);
  Result<std::string> SubjectKeyFor(const std::string& subject, const Overlay& group,
                                    Overlay& unit);

  KvStore* const store_;
  // Null for a ledger without a directory (in memory, or on a test's store). Records every
  // committed head and, before it is stored, every signed checkpoint (anchor.h).
  AnchorWriter* const anchor_;
  KeyRegistry* const keys_;
  Vault* const vault_;
  const CaseRulesConfig case_rules_;
  const std::function<int64_t()> clock_;
  const size_t max_group_events_;

  mutable Mutex mu_;
  CondVar work_cv_;
  std::deque<Job*> queue_ LEDGER_GUARDED_BY(mu_);
  bool stopping_ LEDGER_GUARDED_BY(mu_) = false;
  LedgerHeadRecord head_ LEDGER_GUARDED_BY(mu_);
  std::map<std::string, uint64_t> counts_ LEDGER_GUARDED_BY(mu_);
  tlog::CompactRange range_ LEDGER_GUARDED_BY(mu_);
  LedgerPolicy privacy_ LEDGER_GUARDED_BY(mu_);

  // Serialises checkpoint signing (the writer thread's and SignCheckpoint's). Taken before mu_.
  Mutex checkpoint_mu_ LEDGER_ACQUIRED_BEFORE(mu_);
  const CheckpointPolicy policy_;
  // Copied under mu_ (last_checkpoint_copy_) for readers.
  SignedTreeHead last_checkpoint_ LEDGER_GUARDED_BY(checkpoint_mu_);
  SignedTreeHead last_checkpoint_copy_ LEDGER_GUARDED_BY(mu_);
  int64_t last_checkpoint_at_us_ LEDGER_GUARDED_BY(checkpoint_mu_) = 0;
  Status failed_;  // Written only by the writer thread; read there.
  // Committed stream heads recently used, owned by the writer thread. Bounded: cleared when it
  // would exceed kMaxCachedStreamHeads; a miss reads the stream_heads column.
  static constexpr size_t kMaxCachedStreamHeads = 200000;
  std::unordered_map<std::string, StreamHeadRecord> head_cache_;
  std::thread thread_;
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_LOG_WRITER_H_
