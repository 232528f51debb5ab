#include "log_checker.h"

#include <algorithm>
#include <thread>

#include "append_rules.h"
#include "crypto.h"
#include "entry_codec.h"
#include "ledger/time_format.h"
#include "prepared_event.h"
#include "stage_timer.h"
#include "tlog/merkle.h"

namespace ledger::internal {
namespace {
constexpr size_t kBatchSize = 4096;

std::string HashHex(const tlog::Hash& h) { return HexEncode(h); }

// Runs fn(i) for i in [0, n) on up to `threads` threads.
template <typename Fn>
void ParallelFor(size_t n, unsigned threads, Fn&& fn) {
  size_t workers = std::min<size_t>(threads, std::max<size_t>(1, n / 64));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = t; i < n; i += workers) fn(i);
    });
  }
  for (size_t i = 0; i < n; i += workers) fn(i);
  for (auto& th : pool) th.join();
}
}  // namespace

struct LogChecker::Item {
  uint64_t seq = 0;
  std::string bytes;
  Status decode_status;  // entry or event failed to decode or validate
  Entry entry;
  SignedEvent event;
  std::optional<PreparedEvent> prepared;
  tlog::Hash leaf{};
  // Resolved in order (phase 2): the author's key as of this entry, or why there is none.
  std::optional<KeyInfo> author;
  Status author_status;
  std::optional<KeyInfo> key_update;
  Status key_change_status;
  Status signature_status;
  bool signature_checked = false;  // in CheckAlone, against a key known before the batch
  Status derived_status;           // the entry against its derived records (SetEntryCheck)
  std::string derived_check;
};

LogChecker::LogChecker(uint64_t check_from, unsigned threads)
    : check_from_(check_from),
      threads_(threads ? threads : std::max(1u, std::thread::hardware_concurrency())) {
  batch_.reserve(kBatchSize);
}

LogChecker::~LogChecker() { Drain(); }

void LogChecker::Drain() {
  if (inflight_.valid()) inflight_.get();
}

void LogChecker::ExpectRoot(uint64_t size, const tlog::Hash& root, std::string source) {
  expected_roots_.emplace(size, ExpectedRoot{root, std::move(source)});
}

void LogChecker::SetNodeCheck(std::function<Status(uint8_t, uint64_t, const tlog::Hash&)> check,
                              bool thread_safe) {
  node_check_ = std::move(check);
  node_check_thread_safe_ = thread_safe;
}

Status LogChecker::Fail(uint64_t seq, std::string check, Status status) {
  if (failure_.ok()) {
    failed_seq_ = seq;
    failed_check_ = std::move(check);
    failure_ = std::move(status);
  }
  return failure_;
}

Status LogChecker::Add(uint64_t seq, std::string entry_bytes) {
  Item item;
  item.seq = seq;
  item.bytes = std::move(entry_bytes);
  batch_.push_back(std::move(item));
  if (batch_.size() < kBatchSize) return Status::Ok();
  std::vector<Item> items;
  items.swap(batch_);
  batch_.reserve(kBatchSize);
  // While the batch in flight is checked in order, this one is decoded on all cores, with the
  // keys known before the batch in flight (a key it registers is checked in order, phase 3).
  CheckAlone(items, *KnownKeys());
  // failure_ may only be read once the batch in flight has finished.
  Drain();
  if (!failure_.ok()) return failure_;
  inflight_ = std::async(std::launch::async, [this, items = std::move(items)]() mutable {
    CheckInOrder(std::move(items)).IgnoreError();
  });
  return Status::Ok();
}

Status LogChecker::Flush() {
  Drain();
  if (failure_.ok() && !batch_.empty()) {
    std::vector<Item> items;
    items.swap(batch_);
    CheckAlone(items, *KnownKeys());
    CheckInOrder(std::move(items)).IgnoreError();
  }
  return failure_;
}

Status LogChecker::Finish() {
  LEDGER_RETURN_IF_ERROR(Flush());
  for (const auto& [size, expected] : expected_roots_) {
    if (size > range_.size()) {
      return Fail(range_.size(), "checkpoint",
                  Status::Corruption(expected.source + " covers " + std::to_string(size) +
                                     " entries (root " + HashHex(expected.root) +
                                     ") but the log has only " + std::to_string(range_.size()) +
                                     ": entries were removed after it was signed"));
    }
  }
  return Status::Ok();
}

std::shared_ptr<const LogChecker::PublicKeys> LogChecker::KnownKeys() const {
  MutexLock lock(known_keys_mu_);
  return known_keys_;
}

void LogChecker::CheckAlone(std::vector<Item>& items, const PublicKeys& known) {
  auto& stages = Stages().verifier;
  ParallelFor(items.size(), threads_, [&](size_t i) {
    Item& it = items[i];
    StageTimer timer;
    it.leaf = tlog::HashLeaf(it.bytes);
    timer.Lap(stages.leaf_hash_ns);
    auto entry = DecodeEntry(it.bytes);
    timer.Lap(stages.decode_ns);
    if (!entry.ok()) {
      it.decode_status = entry.status();
      return;
    }
    it.entry = std::move(entry).value();
    it.event = SignedEvent{it.entry.event, it.entry.key_id, it.entry.signature, {}};
    auto prepared = PrepareStoredEvent(it.event, it.entry.recorded_at_us);
    timer.Lap(stages.prepare_ns);
    if (!prepared.ok()) {
      it.decode_status = prepared.status();
      return;
    }
    it.prepared = std::move(prepared).value();
    if (it.seq < check_from_) return;
    if (auto key = known.find(it.entry.key_id); key != known.end()) {
      it.signature_status = VerifyEventSignature(it.event, key->second);
      it.signature_checked = true;
    }
    timer.Lap(stages.signature_ns);
    if (entry_check_) {
      it.derived_status = entry_check_(it.seq, it.entry, *it.prepared, &it.derived_check);
      timer.Lap(stages.derived_ns);
    }
  });
}

// A failure found while checking a batch in order: the entry, the check that failed (as
// VerifyReport::failed_check names it) and why.
struct LogChecker::EntryFailure {
  uint64_t seq = 0;
  std::string check;
  Status status;
};

// A tree node completed by entry `seq`, to compare with the node the source stored.
struct LogChecker::CompletedNode {
  uint64_t seq;
  uint8_t level;
  uint64_t index;
  tlog::Hash hash;
};

void LogChecker::ResolveAuthor(Item& it) const {
  const PreparedEvent& p = *it.prepared;
  auto found = keys_.find(it.entry.key_id);
  if (found != keys_.end()) {
    it.author = found->second;
  } else if (it.seq == 0 && keys_.empty() && p.key_change && !p.key_change->revoke &&
             p.key_change->info.role == "admin" && p.key_change->key_id == it.entry.key_id) {
    it.author = p.key_change->info;  // the ledger's first, self-signed admin key
  } else {
    it.author_status = Status::PermissionDenied("signed by key " + HexEncode(it.entry.key_id) +
                                                ", which was not registered before this entry");
  }
}

void LogChecker::ApplyEntryKeyChange(Item& it) {
  const KeyChange& change = *it.prepared->key_change;
  std::optional<KeyInfo> current;
  if (auto k = keys_.find(change.key_id); k != keys_.end()) current = k->second;
  bool key_in_use = false;
  for (const auto& [id, k] : keys_) {
    key_in_use = key_in_use || k.public_key == change.info.public_key;
  }
  auto updated = ApplyKeyChange(change, current, !change.revoke && key_in_use, it.entry.seq,
                                it.entry.recorded_at_us);
  if (updated.ok()) {
    keys_[change.key_id] = *updated;
  } else {
    it.key_change_status = updated.status();
  }
}

void LogChecker::ResolveKeys(std::vector<Item>& items) {
  for (Item& it : items) {
    if (!it.decode_status.ok()) break;  // nothing after an undecodable entry can be judged
    ResolveAuthor(it);
    if (it.prepared->key_change) ApplyEntryKeyChange(it);
  }
}

void LogChecker::CheckNewSignatures(std::vector<Item>& items) {
  std::vector<size_t> unchecked;
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    if (it.decode_status.ok() && it.author && it.seq >= check_from_ && !it.signature_checked) {
      unchecked.push_back(i);
    }
  }
  ParallelFor(unchecked.size(), threads_, [&](size_t k) {
    Item& it = items[unchecked[k]];
    it.signature_status = VerifyEventSignature(it.event, it.author->public_key);
  });
}

void LogChecker::PublishKnownKeys() {
  auto known = std::make_shared<PublicKeys>();
  for (const auto& [id, key] : keys_) known->emplace(id, key.public_key);
  MutexLock lock(known_keys_mu_);
  known_keys_ = std::move(known);
}

std::optional<LogChecker::EntryFailure> LogChecker::CheckPosition(const Item& it) const {
  const uint64_t expected_seq = range_.size();
  if (it.seq != expected_seq) {
    return EntryFailure{
        expected_seq, "seq",
        Status::Corruption("entry " + std::to_string(expected_seq) + " is missing")};
  }
  if (!it.decode_status.ok()) return EntryFailure{it.seq, "encoding", it.decode_status};
  if (it.entry.seq != it.seq) {
    return EntryFailure{
        it.seq, "seq",
        Status::Corruption("entry stored at position " + std::to_string(it.seq) + " says seq " +
                           std::to_string(it.entry.seq) + " (entries were moved or swapped)")};
  }
  return std::nullopt;
}

std::optional<LogChecker::EntryFailure> LogChecker::CheckSigner(const Item& it) const {
  if (!it.author_status.ok()) return EntryFailure{it.seq, "key", it.author_status};
  if (!it.signature_status.ok()) return EntryFailure{it.seq, "signature", it.signature_status};
  if (it.entry.recorded_at_us < last_recorded_at_us_) {
    return EntryFailure{
        it.seq, "recorded_at",
        Status::Corruption("recorded_at " + FormatInstantMicros(it.entry.recorded_at_us) +
                           " is before the previous entry's " +
                           FormatInstantMicros(last_recorded_at_us_))};
  }
  return std::nullopt;
}

std::optional<LogChecker::EntryFailure> LogChecker::CheckStream(
    const Item& it, const StreamHeadRecord& head) const {
  const PreparedEvent& p = *it.prepared;
  if (it.entry.version != head.next_version) {
    return EntryFailure{
        it.seq, "version",
        Status::Corruption("stream " + p.stream + " version " + std::to_string(it.entry.version) +
                           " where " + std::to_string(head.next_version) + " was next")};
  }
  Status rule = CheckExpectedVersion(p, head);
  if (rule.ok()) rule = CheckStreamOrder(p, head);
  if (rule.ok() && it.author) rule = CheckAuthor(*it.author, p, head);
  if (rule.ok() && case_rules_) rule = CheckCaseRules(p, head, *case_rules_);
  if (rule.ok()) rule = it.key_change_status;
  if (!rule.ok()) return EntryFailure{it.seq, "rules", std::move(rule)};
  if (!it.derived_status.ok()) return EntryFailure{it.seq, it.derived_check, it.derived_status};
  return std::nullopt;
}

std::optional<LogChecker::EntryFailure> LogChecker::CheckRoots(uint64_t seq) {
  auto [first, last] = expected_roots_.equal_range(range_.size());
  if (first == last) return std::nullopt;
  const tlog::Hash actual = range_.Root();
  for (auto root = first; root != last; ++root) {
    ++roots_checked_;
    if (actual != root->second.root) {
      return EntryFailure{
          seq, "checkpoint",
          Status::Corruption(root->second.source + " of size " + std::to_string(root->first) +
                             " has root " + HashHex(root->second.root) + " but the entries give " +
                             HashHex(actual) + ": the history was changed after it was signed")};
    }
  }
  return std::nullopt;
}

std::optional<LogChecker::EntryFailure> LogChecker::CheckEntry(Item& it,
                                                               std::vector<CompletedNode>* nodes) {
  const bool check = it.seq >= check_from_;
  if (auto failed = CheckPosition(it)) return failed;
  if (check) {
    if (auto failed = CheckSigner(it)) return failed;
  }
  const PreparedEvent& p = *it.prepared;
  StreamHeadRecord& head = streams_[p.stream];
  if (check) {
    if (auto failed = CheckStream(it, head)) return failed;
  }
  AdvanceStreamHead(head, p, it.seq);
  last_recorded_at_us_ = std::max(last_recorded_at_us_, it.entry.recorded_at_us);
  range_.Append(it.leaf, [&](uint8_t level, uint64_t index, const tlog::Hash& hash) {
    if (check && node_check_) nodes->push_back({it.seq, level, index, hash});
  });
  if (auto failed = CheckRoots(it.seq)) return failed;
  ++type_counts_[p.type];
  if (entry_visitor_) entry_visitor_(it.seq, it.entry, p);
  check ? ++checked_ : ++replayed_;
  return std::nullopt;
}

void LogChecker::CheckNodes(const std::vector<CompletedNode>& nodes,
                            std::optional<EntryFailure>* failed) {
  std::vector<Status> node_status(nodes.size());
  auto check_node = [&](size_t i) {
    node_status[i] = node_check_(nodes[i].level, nodes[i].index, nodes[i].hash);
  };
  if (node_check_thread_safe_) {
    ParallelFor(nodes.size(), threads_, check_node);
  } else {
    for (size_t i = 0; i < nodes.size(); ++i) check_node(i);
  }
  nodes_checked_ += nodes.size();
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (node_status[i].ok()) continue;
    if (!*failed || nodes[i].seq <= (*failed)->seq) {
      *failed = EntryFailure{nodes[i].seq, "tree", node_status[i]};
    }
    break;  // nodes are in seq order: the first failing one is the earliest
  }
}

Status LogChecker::CheckInOrder(std::vector<Item> items) {
  auto& stages = Stages().verifier;
  StageTimer timer;
  ResolveKeys(items);
  // The signatures CheckAlone could not check (their key was registered in this batch or the
  // one before), against the author's key as of the entry.
  CheckNewSignatures(items);
  PublishKnownKeys();
  timer.Lap(stages.keys_ns);
  // The first failure is kept, not returned at once, because a tree node of an earlier entry
  // (checked afterwards, on all cores) may fail too, and the earliest failure is the one to
  // report.
  std::optional<EntryFailure> failed;
  std::vector<CompletedNode> nodes;
  for (Item& it : items) {
    failed = CheckEntry(it, &nodes);
    if (failed) break;
  }
  timer.Lap(stages.in_order_ns);
  CheckNodes(nodes, &failed);
  timer.Lap(stages.nodes_ns);
  if (timer.on()) stages.entries.fetch_add(items.size(), std::memory_order_relaxed);
  if (failed) return Fail(failed->seq, std::move(failed->check), std::move(failed->status));
  return Status::Ok();
}

void LogChecker::Report(VerifyReport* report) const {
  report->ok = failure_.ok();
  report->failed_seq = failed_seq_;
  report->failed_check = failed_check_;
  report->failure = failure_;
  report->entries_checked = checked_;
  report->entries_replayed = replayed_;
  report->streams = streams_.size();
  report->keys = keys_.size();
  report->checkpoints_checked = roots_checked_;
  report->tree_nodes_checked = nodes_checked_;
  report->size = range_.size();
  report->root = range_.Root();
}

}  // namespace ledger::internal
