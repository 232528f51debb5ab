// The verification engine behind ledger/verify.h: fed entries in seq order from any source (the
// ledger's RocksDB, an auditor's exported tiles), it checks each one against the state of the
// log before it. Work that needs no state (decoding, signatures, leaf hashes) runs on all cores
// a batch at a time; the rest runs in order. Two batches are in flight: while one is checked in
// order (on a worker thread), the next is decoded and its signatures checked (on all cores).
#ifndef LEDGER_SRC_LOG_CHECKER_H_
#define LEDGER_SRC_LOG_CHECKER_H_

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/mutex.h"
#include "base/status.h"
#include "case_rules.h"
#include "ledger/types.h"
#include "ledger/verify.h"
#include "prepared_event.h"
#include "records.h"
#include "tlog/compact_range.h"

namespace ledger::internal {

class LogChecker {
 public:
  // `check_from`: entries before it are replayed only. `threads` 0 = all cores.
  LogChecker(uint64_t check_from, unsigned threads);
  ~LogChecker();

  // A root the tree must have at `size` (from a signed checkpoint); checked when the log
  // reaches that size. `source` names the checkpoint in a failure ("the signed checkpoint",
  // "the held checkpoint cp.txt").
  void ExpectRoot(uint64_t size, const tlog::Hash& root,
                  std::string source = "the signed checkpoint");
  // Called for every tree node the rebuilt tree completes; a non-OK status fails verification
  // (the source compares it with its stored node). A thread-safe check runs on all cores.
  void SetNodeCheck(std::function<Status(uint8_t, uint64_t, const tlog::Hash&)> check,
                    bool thread_safe);

  // Called on all cores for every fully checked entry that decoded, with its prepared event;
  // a non-OK status fails verification at that entry with check `column` taken from the
  // status's context (the source compares the entry with its derived records: verify.cc).
  // Must be thread-safe, also against the EntryVisitor and the node check, which run at the
  // same time for the batch before. Failures are reported in seq order, after the entry's own
  // checks.
  using EntryCheck = std::function<Status(uint64_t seq, const Entry& entry,
                                          const PreparedEvent& event, std::string* check)>;
  void SetEntryCheck(EntryCheck check) { entry_check_ = std::move(check); }
  // Called in seq order for every entry that passed (fully checked or replayed).
  using EntryVisitor =
      std::function<void(uint64_t seq, const Entry& entry, const PreparedEvent& event)>;
  void SetEntryVisitor(EntryVisitor visitor) { entry_visitor_ = std::move(visitor); }

  // The state rebuilt from the entries so far (valid after Flush).
  const std::unordered_map<std::string, StreamHeadRecord>& streams() const { return streams_; }
  const std::map<std::string, KeyInfo>& keys() const { return keys_; }
  const std::map<std::string, uint64_t>& type_counts() const { return type_counts_; }
  int64_t last_recorded_at_us() const { return last_recorded_at_us_; }

  // Checks the case rules too (the writer's, less its policy checks), with this configuration.
  void SetCaseRules(const CaseRulesConfig& config) { case_rules_ = config; }

  // Feeds entry `seq` (canonical entry bytes). Returns the first failure once it is known (may
  // be reported at a later Add or at Finish, as entries are checked a batch at a time); after a
  // failure every call returns it.
  Status Add(uint64_t seq, std::string entry_bytes);
  // Checks every entry fed so far. Returns the first failure, if any.
  Status Flush();
  // Flush, then: every expected root must have been reached (a checkpoint beyond the end of the
  // log means entries were removed after it was signed).
  Status Finish();

  // Fills the counters and the failure of `report`.
  void Report(VerifyReport* report) const;
  uint64_t size() const { return range_.size(); }

 private:
  struct Item;
  // The authors' public keys known before a batch, by key id: a key id names one public key for
  // good (ApplyKeyChange refuses to register one twice), so a signature checked against it
  // before the batch's keys are resolved in order is the check the ordered phase would make.
  using PublicKeys = std::unordered_map<std::string, std::string>;
  // Phase 1, on all cores: decodes each entry and checks what needs no state, the signatures of
  // entries whose author is in `known` included.
  void CheckAlone(std::vector<Item>& items, const PublicKeys& known);
  // Phases 2-4, in order (on a worker thread while the caller decodes the next batch):
  // ResolveKeys, CheckNewSignatures and PublishKnownKeys, CheckEntry for each entry until one
  // fails, then CheckNodes.
  Status CheckInOrder(std::vector<Item> items);
  struct EntryFailure;
  struct CompletedNode;
  // Phase 2, in order: the key registry as of each entry (its author, and its key change).
  void ResolveKeys(std::vector<Item>& items);
  void ResolveAuthor(Item& item) const;
  void ApplyEntryKeyChange(Item& item);
  // Phase 3, on all cores: the signatures CheckAlone could not check, against the author's key
  // as of the entry; then keys_' public keys are published for CheckAlone of a later batch.
  void CheckNewSignatures(std::vector<Item>& items);
  void PublishKnownKeys();
  // Phase 4, in order: one entry against the state before it, which it then advances (stream
  // head, tree, counters) unless it fails. Completed tree nodes to check go to `nodes`.
  std::optional<EntryFailure> CheckEntry(Item& item, std::vector<CompletedNode>* nodes);
  // Its steps: its position and decoding; its key, signature and time (fully checked entries);
  // its stream's version and rules, and its derived records; the expected roots at its size.
  std::optional<EntryFailure> CheckPosition(const Item& item) const;
  std::optional<EntryFailure> CheckSigner(const Item& item) const;
  std::optional<EntryFailure> CheckStream(const Item& item, const StreamHeadRecord& head) const;
  std::optional<EntryFailure> CheckRoots(uint64_t seq);
  // The tree nodes completed by the batch, against what the source stored (on all cores when
  // the check is thread-safe); a failing node replaces `failed` when it is not later.
  void CheckNodes(const std::vector<CompletedNode>& nodes, std::optional<EntryFailure>* failed);
  // Waits for the batch in flight.
  void Drain();
  Status Fail(uint64_t seq, std::string check, Status status);
  std::optional<CaseRulesConfig> case_rules_;

  const uint64_t check_from_;
  const unsigned threads_;
  std::vector<Item> batch_;
  // The batch being checked. Invariant: while it runs, only it touches the state below.
  std::future<void> inflight_;
  tlog::CompactRange range_;
  std::map<std::string, KeyInfo> keys_;  // by 4-byte key id
  // keys_' public keys as of the end of the last batch checked in order, for CheckAlone of a
  // later one: published by the batch in flight, taken by the caller meanwhile.
  std::shared_ptr<const PublicKeys> KnownKeys() const LEDGER_EXCLUDES(known_keys_mu_);
  mutable Mutex known_keys_mu_;
  std::shared_ptr<const PublicKeys> known_keys_ LEDGER_GUARDED_BY(known_keys_mu_) =
      std::make_shared<PublicKeys>();
  std::unordered_map<std::string, StreamHeadRecord> streams_;
  struct ExpectedRoot {
    tlog::Hash root;
    std::string source;
  };
  std::multimap<uint64_t, ExpectedRoot> expected_roots_;
  std::function<Status(uint8_t, uint64_t, const tlog::Hash&)> node_check_;
  EntryCheck entry_check_;
  EntryVisitor entry_visitor_;
  std::map<std::string, uint64_t> type_counts_;
  bool node_check_thread_safe_ = false;
  int64_t last_recorded_at_us_ = INT64_MIN;
  uint64_t checked_ = 0, replayed_ = 0, roots_checked_ = 0, nodes_checked_ = 0;
  std::optional<uint64_t> failed_seq_;
  std::string failed_check_;
  Status failure_;
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_LOG_CHECKER_H_
