#include "log_writer.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <unordered_map>

#include "access_policy.h"
#include "append_rules.h"
#include "base/file.h"
#include "base/mutex.h"
#include "crypto.h"
#include "entry_codec.h"
#include "erasure_purge.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "replica_input.h"
#include "same_event.h"
#include "stage_timer.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/proof.h"
#include "tlog/verify.h"

namespace ledger::internal {
namespace {
constexpr int64_t kMaxFutureMicros = 5 * 60 * 1000000LL;
}  // namespace

struct LogWriter::Job {
  std::vector<PreparedEvent> events;
  bool atomic = false;
  std::vector<Result<AppendResult>> results;
  std::promise<void> done;
  // Set for a replicated job (SubmitReplicated): the checkpoint its entries must reach.
  std::optional<SignedTreeHead> checkpoint;
};

// State changed by a group (or by one unit inside it) but not yet committed.
struct LogWriter::Overlay {
  std::unordered_map<std::string, IdRecord> ids;
  std::unordered_map<std::string, StreamHeadRecord> heads;
  std::map<std::string, KeyInfo> keys;  // by 4-byte key id
  std::map<std::string, uint64_t> count_deltas;
  LedgerHeadRecord head;
  tlog::CompactRange range;
  KvWriteBatch batch;
  std::map<std::string, std::string> subject_keys;  // created, not yet durable
  std::vector<std::string> shredded;                // subjects shredded
  // The sources of events with personal values, by id, for recognising a retry (same_event.h).
  std::unordered_map<std::string, const SignedEvent*> sources;
  // A replicated checkpoint stored with the group (SubmitReplicated).
  std::optional<SignedTreeHead> checkpoint;

  void MergeFrom(Overlay&& unit) {
    for (auto& [k, v] : unit.subject_keys) subject_keys[k] = std::move(v);
    for (auto& s : unit.shredded) {
      subject_keys.erase(s);
      shredded.push_back(std::move(s));
    }
    for (auto& [k, v] : unit.ids) ids[k] = std::move(v);
    for (auto& [k, v] : unit.sources) sources[k] = v;
    for (auto& [k, v] : unit.heads) heads[k] = std::move(v);
    for (auto& [k, v] : unit.keys) keys[k] = std::move(v);
    for (auto& [k, v] : unit.count_deltas) count_deltas[k] += v;
    head = unit.head;
    range = std::move(unit.range);
    if (unit.checkpoint) checkpoint = std::move(unit.checkpoint);
    auto& ops = batch.mutable_ops();
    for (auto& op : unit.batch.mutable_ops()) ops.push_back(std::move(op));
  }
};

LogWriter::LogWriter(LogWriterConfig config)
    : store_(config.store),
      anchor_(config.anchor),
      keys_(config.keys),
      vault_(config.vault),
      case_rules_(config.case_rules),
      clock_(std::move(config.clock)),
      max_group_events_(config.max_group_events),
      head_(config.head),
      counts_(std::move(config.counts)),
      range_(std::move(config.range)),
      privacy_(std::move(config.privacy)),
      policy_(std::move(config.checkpoint_policy)),
      last_checkpoint_(config.last_checkpoint),
      last_checkpoint_copy_(std::move(config.last_checkpoint)) {
  thread_ = std::thread([this] {
    // Named for top -H and perf (at most 15 characters).
    ::pthread_setname_np(::pthread_self(), "ledger-writer");
    Run();
  });
}

LogWriter::~LogWriter() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  work_cv_.SignalAll();
  thread_.join();
  // A last checkpoint for what this process appended, so that nothing it acknowledged is left
  // uncovered by a signed tree head.
  if (failed_.ok() && policy_.key) SignCheckpoint().status().IgnoreError();
}

SignedTreeHead LogWriter::tree() const {
  MutexLock lock(mu_);
  return SignedTreeHead{range_.size(), range_.Root(), {}};
}

SignedTreeHead LogWriter::last_checkpoint() const {
  MutexLock lock(mu_);
  return last_checkpoint_copy_;
}

Result<SignedTreeHead> LogWriter::SignCheckpoint() {
  MutexLock lock(checkpoint_mu_);
  return SignCheckpointLocked();
}

Status LogWriter::AddCosignatures(uint64_t size, const std::vector<std::string>& signature_lines) {
  MutexLock lock(checkpoint_mu_);
  auto stored = store_->Get(Column::kCheckpoints, EncodeBE64(size));
  if (!stored.ok()) {
    if (stored.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no checkpoint of size " + std::to_string(size));
    }
    return stored.status();
  }
  LEDGER_ASSIGN_OR_RETURN(auto note, tlog::ParseNote(*stored));
  for (const auto& line : signature_lines) {
    // Parse each line as the signature block of a note over the same text, so that only
    // well-formed signature lines are ever stored.
    std::string one = note.text + "\n" + line + (line.ends_with("\n") ? "" : "\n");
    auto parsed = tlog::ParseNote(one);
    if (!parsed.ok() || parsed->signatures.size() != 1) {
      return Status::InvalidArgument("not a note signature line: " + line.substr(0, 80));
    }
    if (parsed->signatures[0].name == policy_.origin) {
      return Status::InvalidArgument("a cosignature may not carry the log's own name (" +
                                     policy_.origin + ")");
    }
    bool present = false;
    for (const auto& s : note.signatures) present = present || s == parsed->signatures[0];
    if (!present) note.signatures.push_back(parsed->signatures[0]);
  }
  std::string updated = tlog::FormatNote(note);
  KvWriteBatch batch;
  batch.Put(Column::kCheckpoints, EncodeBE64(size), updated);
  LEDGER_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
  if (last_checkpoint_.size == size) {
    last_checkpoint_.note = updated;
    MutexLock data_lock(mu_);
    last_checkpoint_copy_.note = updated;
  }
  return Status::Ok();
}

Result<SignedTreeHead> LogWriter::SignCheckpointLocked() {
  if (!policy_.key) {
    return Status::FailedPrecondition("no ledger key: this process cannot sign checkpoints");
  }
  SignedTreeHead next = tree();
  if (next.size == last_checkpoint_.size && !last_checkpoint_.note.empty()) {
    return last_checkpoint_;
  }
  // Never sign a tree head inconsistent with the last one signed: prove it from stored nodes.
  if (last_checkpoint_.size > 0) {
    tlog::NodeReader read = [this](uint8_t level, uint64_t index) -> Result<tlog::Hash> {
      auto got = store_->Get(Column::kTree, TreeNodeKey(level, index));
      if (!got.ok() && got.status().code() == StatusCode::kNotFound) {
        return Status::Corruption("tree node " + std::to_string(level) + "/" +
                                  std::to_string(index) + " is missing");
      }
      LEDGER_ASSIGN_OR_RETURN(auto bytes, std::move(got));
      if (bytes.size() != 32) return Status::Corruption("tree node of the wrong size");
      tlog::Hash h;
      std::memcpy(h.data(), bytes.data(), 32);
      return h;
    };
    LEDGER_ASSIGN_OR_RETURN(auto proof,
                            tlog::ConsistencyProof(last_checkpoint_.size, next.size, read));
    Status consistent = tlog::VerifyConsistency(last_checkpoint_.size, next.size, proof,
                                                last_checkpoint_.root, next.root);
    if (!consistent.ok()) {
      return Status::Corruption(
          "refusing to sign a checkpoint of size " + std::to_string(next.size) +
          " that is not consistent with the last signed one (size " +
          std::to_string(last_checkpoint_.size) + "): " + consistent.message());
    }
  }
  tlog::Checkpoint checkpoint{policy_.origin, next.size, next.root, {}};
  tlog::Note note;
  note.text = tlog::FormatCheckpointBody(checkpoint);
  const std::string& id = policy_.key->key_id();
  uint32_t key_id = 0;
  for (char c : id) key_id = (key_id << 8) | static_cast<unsigned char>(c);
  note.signatures.push_back({policy_.origin, key_id, policy_.key->Sign(note.text)});
  next.note = tlog::FormatNote(note);
  // The anchor learns of the checkpoint before anyone else can: after a crash or a damaged
  // store, the next process still knows what was signed.
  if (!policy_.signed_checkpoint_file.empty()) {
    LEDGER_RETURN_IF_ERROR(WriteFileAtomic(policy_.signed_checkpoint_file, next.note));
  }
  if (anchor_) LEDGER_RETURN_IF_ERROR(anchor_->RecordCheckpoint(next.note));
  KvWriteBatch batch;
  batch.Put(Column::kCheckpoints, EncodeBE64(next.size), next.note);
  batch.Put(Column::kMeta, std::string(kMetaLastCheckpointKey), EncodeBE64(next.size));
  LEDGER_RETURN_IF_ERROR(store_->Write(batch, /*sync=*/true));
  last_checkpoint_ = next;
  last_checkpoint_at_us_ = clock_();
  MutexLock lock(mu_);
  last_checkpoint_copy_ = next;
  return next;
}

void LogWriter::SetPrivacyPolicy(LedgerPolicy policy) {
  MutexLock lock(mu_);
  privacy_ = std::move(policy);
}

LedgerPolicy LogWriter::privacy_policy() const {
  MutexLock lock(mu_);
  return privacy_;
}

LedgerHeadRecord LogWriter::head() const {
  MutexLock lock(mu_);
  return head_;
}

std::map<std::string, uint64_t> LogWriter::counts() const {
  MutexLock lock(mu_);
  return counts_;
}

std::vector<Result<AppendResult>> LogWriter::Submit(std::vector<PreparedEvent> events,
                                                    bool atomic) {
  if (events.empty()) return {};
  Job job;
  job.events = std::move(events);
  job.atomic = atomic;
  RunJob(job);
  return std::move(job.results);
}

Status LogWriter::SubmitReplicated(std::vector<PreparedEvent> events, SignedTreeHead checkpoint) {
  Job job;
  job.events = std::move(events);
  job.atomic = true;
  job.checkpoint = std::move(checkpoint);
  RunJob(job);
  return job.results.empty() ? Status::Unavailable("the writer stopped")
                             : job.results.front().status();
}

void LogWriter::RunJob(Job& job) {
  auto done = job.done.get_future();
  {
    MutexLock lock(mu_);
    queue_.push_back(&job);
  }
  work_cv_.Signal();
  done.wait();
}

namespace {

// How long the writer waits for work while entries are uncovered: the checkpoint interval, at
// most an hour (an "interval" of years, as tests set to sign only on demand, would overflow the
// clock's time point and turn the wait into a spin).
std::chrono::microseconds TrailingCheckpointWait(int64_t interval_us) {
  constexpr int64_t kHourUs = int64_t{3600} * 1000000;
  return std::chrono::microseconds(std::clamp<int64_t>(interval_us, 1000, kHourUs));
}

}  // namespace

void LogWriter::Run() {
  for (;;) {
    std::vector<Job*> group;
    bool checkpoint_due = false;
    {
      MutexLock lock(mu_);
      // Entries committed since the last checkpoint get one within about an interval even when
      // no append follows: otherwise they stay unproven (an inclusion proof of them is 409)
      // until the next append or the close.
      const bool uncovered = policy_.key && failed_.ok() && head_.size > last_checkpoint_copy_.size;
      if (!uncovered) {
        while (!stopping_ && queue_.empty()) work_cv_.Wait(mu_);
      } else {
        const auto deadline =
            std::chrono::steady_clock::now() + TrailingCheckpointWait(policy_.interval_us);
        while (!stopping_ && queue_.empty() && work_cv_.WaitUntil(mu_, deadline)) {
        }
        checkpoint_due = !stopping_ && queue_.empty();  // the wait timed out
      }
      if (queue_.empty() && !checkpoint_due) return;  // stopping, and nothing is left to commit
      size_t events = 0;
      while (!queue_.empty() && (group.empty() || events < max_group_events_)) {
        events += queue_.front()->events.size();
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    if (checkpoint_due) {
      MaybeCheckpoint();
      continue;
    }
    CommitGroup(group);
  }
}

void LogWriter::MaybeCheckpoint() {
  if (!policy_.key || !failed_.ok()) return;
  MutexLock lock(checkpoint_mu_);
  if (clock_() - last_checkpoint_at_us_ < policy_.interval_us) return;
  auto signed_head = SignCheckpointLocked();
  // A checkpoint that cannot be proven consistent means the stored tree is damaged, and one
  // that cannot be written means the disk failed: either way stop appending rather than
  // acknowledge entries no checkpoint will cover.
  if (!signed_head.ok()) failed_ = signed_head.status().WithContext("signing a checkpoint");
}

void LogWriter::CommitGroup(std::vector<Job*>& jobs) {
  auto& stages = Stages().writer;
  StageTimer timer;
  Overlay group;
  {
    MutexLock lock(mu_);
    group.head = head_;
    group.range = range_;
  }
  for (Job* job : jobs) {
    job->results.clear();
    if (job->checkpoint) {
      ApplyReplicatedJob(*job, group);
    } else if (job->atomic) {
      Overlay unit;
      unit.head = group.head;
      unit.range = group.range;
      std::vector<Result<AppendResult>> results;
      for (size_t i = 0; i < job->events.size(); ++i) {
        AppendResult r;
        Status s = ApplyEvent(job->events[i], group, unit, &r, /*single=*/false);
        if (!s.ok()) {
          results.clear();
          Status whole = s.WithContext("event " + std::to_string(i) + " of the atomic batch");
          for (size_t j = 0; j < job->events.size(); ++j) results.push_back(whole);
          break;
        }
        results.push_back(r);
      }
      if (results.size() == job->events.size() && results.front().ok()) {
        group.MergeFrom(std::move(unit));
      }
      job->results = std::move(results);
    } else {
      for (const auto& event : job->events) {
        Overlay unit;
        unit.head = group.head;
        unit.range = group.range;
        AppendResult r;
        Status s = ApplyEvent(event, group, unit, &r, /*single=*/true);
        if (s.ok()) {
          group.MergeFrom(std::move(unit));
          job->results.push_back(r);
        } else {
          job->results.push_back(s);
        }
      }
    }
  }
  if (timer.on()) {
    uint64_t events = 0;
    for (const Job* job : jobs) events += job->events.size();
    stages.events.fetch_add(events, std::memory_order_relaxed);
    stages.groups.fetch_add(1, std::memory_order_relaxed);
  }
  if (!group.batch.empty()) {
    for (const auto& [stream, head] : group.heads) {
      group.batch.Put(Column::kStreamHeads, stream, EncodeStreamHead(head));
    }
    group.batch.Put(Column::kMeta, std::string(kMetaHeadKey), EncodeLedgerHead(group.head));
    group.batch.Put(Column::kMeta, std::string(kMetaRangeKey), EncodeRange(group.range));
    std::map<std::string, uint64_t> new_counts;
    {
      MutexLock lock(mu_);
      for (const auto& [type, delta] : group.count_deltas) {
        new_counts[type] = counts_[type] + delta;
      }
    }
    for (const auto& [type, count] : new_counts) {
      group.batch.Put(Column::kMeta, std::string(kMetaCountPrefix) + type, EncodeBE64(count));
    }
    timer.Lap(stages.apply_ns);
    const uint64_t wall_before = timer.on() ? MonotonicNs() : 0;
    Status written = store_->Write(group.batch, /*sync=*/true);
    timer.Lap(stages.write_cpu_ns);
    if (timer.on()) {
      stages.write_ns.fetch_add(MonotonicNs() - wall_before, std::memory_order_relaxed);
    }
    if (!written.ok()) {
      failed_ = written.WithContext("ledger write failed; reopen the ledger");
      const uint64_t committed_size = head().size;
      for (Job* job : jobs) {
        for (auto& r : job->results) {
          // A duplicate of an event from this same group was not committed either.
          if (r.ok() && (!r->duplicate || r->seq >= committed_size)) r = failed_;
        }
      }
    } else {
      for (const auto& [key_id, key] : group.keys) keys_->Put(key_id, key);
      for (const auto& [subject, key] : group.subject_keys) vault_->Remember(subject, key);
      for (const auto& subject : group.shredded) vault_->Forget(subject);
      if (head_cache_.size() + group.heads.size() > kMaxCachedStreamHeads) head_cache_.clear();
      for (auto& [stream, head] : group.heads) head_cache_[stream] = std::move(head);
      {
        MutexLock lock(mu_);
        head_ = group.head;
        range_ = group.range;
        for (const auto& [type, count] : new_counts) counts_[type] = count;
      }
      if (group.checkpoint) {
        MutexLock checkpoint_lock(checkpoint_mu_);
        last_checkpoint_ = *group.checkpoint;
        last_checkpoint_at_us_ = clock_();
        MutexLock lock(mu_);
        last_checkpoint_copy_ = *group.checkpoint;
      }
      if (anchor_) {
        // The group is durable and acknowledged below; if its head cannot be anchored, later
        // appends are refused rather than left unprotected.
        Status anchored = anchor_->RecordCommitted({group.range.size(), group.range.Root()});
        // A replicated checkpoint is anchored once stored: it was signed (and published) by
        // the ledger it came from, so an anchor that lags the store is the only risk left, and
        // a writable open brings the anchor up to the store.
        if (anchored.ok() && group.checkpoint) {
          anchored = anchor_->RecordCheckpoint(group.checkpoint->note);
        }
        if (!anchored.ok()) {
          failed_ = anchored.WithContext("recording the committed head; reopen the ledger");
        }
      }
    }
  }
  timer.Lap(group.batch.empty() ? stages.apply_ns : stages.publish_ns);
  for (Job* job : jobs) job->done.set_value();
  MaybeCheckpoint();
  timer.Lap(stages.checkpoint_ns);
}

void LogWriter::ApplyReplicatedJob(Job& job, Overlay& group) {
  Overlay unit;
  unit.head = group.head;
  unit.range = group.range;
  Status refused;
  for (const PreparedEvent& p : job.events) {
    AppendResult ignored;
    refused = ApplyEvent(p, group, unit, &ignored, /*single=*/false);
    if (!refused.ok()) break;
  }
  const SignedTreeHead& checkpoint = *job.checkpoint;
  if (refused.ok() && unit.range.size() != checkpoint.size) {
    refused = Status::InvalidArgument("the checkpoint is of " + std::to_string(checkpoint.size) +
                                      " entries, but the log " + "would have " +
                                      std::to_string(unit.range.size()));
  }
  if (refused.ok() && unit.range.Root() != checkpoint.root) {
    const uint64_t first = group.range.size();
    refused = Status::Corruption(
        "seq " + std::to_string(first) + " to " + std::to_string(checkpoint.size - 1) +
        " (checkpoint): the root of the first " + std::to_string(checkpoint.size) + " entries is " +
        tlog::HashToBase64(unit.range.Root()) + ", but the signed checkpoint of that size says " +
        tlog::HashToBase64(checkpoint.root) +
        ": an entry was altered, or the checkpoint was signed for another history");
  }
  if (!refused.ok()) {
    job.results.push_back(refused);
    return;
  }
  unit.batch.Put(Column::kCheckpoints, EncodeBE64(checkpoint.size), checkpoint.note);
  unit.batch.Put(Column::kMeta, std::string(kMetaLastCheckpointKey), EncodeBE64(checkpoint.size));
  unit.checkpoint = checkpoint;
  group.MergeFrom(std::move(unit));
  job.results.push_back(AppendResult{});
}

namespace {

// A replicated entry's refusal names the check, as `ledger verify` does; an append's is as is.
Status Named(const PreparedEvent& p, std::string_view check, Status status) {
  return p.replicated && !status.ok() ? AtSeq(p.replicated->seq, check, status) : status;
}

}  // namespace

// What the id index holds for an event's id: the entry that used it first, if any.
struct LogWriter::IdLookup {
  std::optional<IdRecord> seen;          // nullopt: the id is new
  bool in_group = false;                 // seen in the unit or the group being committed
  const SignedEvent* earlier = nullptr;  // the source of that event, when the group has it
};

// The head of an event's stream: the unit's own, or (for a unit of one event) the group's,
// advanced in place at the end; else a copy, advanced and put in the unit.
struct LogWriter::HeadSlot {
  StreamHeadRecord copy;
  StreamHeadRecord* own = nullptr;
  bool new_stream = true;
  StreamHeadRecord& head() { return own != nullptr ? *own : copy; }
};

Result<LogWriter::IdLookup> LogWriter::LookUpId(const PreparedEvent& p, const Overlay& group,
                                                const Overlay& unit) const {
  IdLookup out;
  for (const Overlay* o : {&unit, &group}) {
    if (auto it = o->ids.find(p.id); it != o->ids.end()) {
      out.seen = it->second;
      out.in_group = true;
      if (auto src = o->sources.find(p.id); src != o->sources.end()) out.earlier = src->second;
      return out;
    }
  }
  auto got = store_->Get(Column::kIds, p.id);
  if (got.ok()) {
    LEDGER_ASSIGN_OR_RETURN(out.seen, DecodeIdRecord(*got));
  } else if (got.status().code() != StatusCode::kNotFound) {
    return got.status();
  }
  return out;
}

std::optional<KeyInfo> LogWriter::FindKey(const std::string& key_id, const Overlay& group,
                                          const Overlay& unit) const {
  if (auto it = unit.keys.find(key_id); it != unit.keys.end()) return it->second;
  if (auto it = group.keys.find(key_id); it != group.keys.end()) return it->second;
  return keys_->Find(key_id);
}

Status LogWriter::AnswerRetry(const PreparedEvent& p, const IdLookup& id, const Overlay& group,
                              const Overlay& unit, AppendResult* result) {
  const IdRecord& seen = *id.seen;
  // Answer only someone who can sign it: a valid signature by a key the ledger knows (even one
  // since revoked, so that a retry after revocation still learns its position).
  if (!p.signature_checked) {
    std::optional<KeyInfo> key = FindKey(p.source->key_id, group, unit);
    if (!key) {
      return Status::PermissionDenied("unknown key " + HexEncode(p.source->key_id) +
                                      ": it is not registered in this ledger");
    }
    LEDGER_RETURN_IF_ERROR(VerifyEventSignature(*p.source, key->public_key));
  }
  bool same = seen.content_digest == p.content_digest;
  if (!same) {
    LEDGER_ASSIGN_OR_RETURN(same, SameEventWithOtherSalts(p, seen, id.earlier, id.in_group));
  }
  if (!same) {
    return Status::Conflict("id " + p.id + " was already used at seq " + std::to_string(seen.seq) +
                            " for other content");
  }
  *result = AppendResult{seen.seq, seen.version, seen.recorded_at_us, true};
  return Status::Ok();
}

Result<KeyInfo> LogWriter::AuthorOf(const PreparedEvent& p, const Overlay& group,
                                    const Overlay& unit) const {
  const SignedEvent& source = *p.source;
  std::optional<KeyInfo> author = FindKey(source.key_id, group, unit);
  if (author) {
    if (!p.signature_checked) {
      LEDGER_RETURN_IF_ERROR(
          Named(p, "signature", VerifyEventSignature(source, author->public_key)));
    }
    return *std::move(author);
  }
  const bool genesis =
      unit.head.size == 0 && keys_->empty() && group.keys.empty() && unit.keys.empty() &&
      p.key_change && !p.key_change->revoke && p.key_change->info.role == "admin" &&
      p.key_change->key_id == source.key_id && source.key_id == policy_.first_admin_key_id;
  if (!genesis) {
    return Named(p, "key",
                 Status::PermissionDenied("unknown key " + HexEncode(source.key_id) +
                                          ": it is not registered in this ledger"));
  }
  LEDGER_RETURN_IF_ERROR(
      Named(p, "signature", VerifyEventSignature(source, p.key_change->info.public_key)));
  return p.key_change->info;
}

Status LogWriter::FindHead(const std::string& stream, Overlay& group, Overlay& unit, bool single,
                           HeadSlot* slot) {
  if (auto it = unit.heads.find(stream); it != unit.heads.end()) {
    slot->own = &it->second;
    slot->new_stream = false;
  } else if (auto git = group.heads.find(stream); git != group.heads.end()) {
    if (single)
      slot->own = &git->second;
    else
      slot->copy = git->second;
    slot->new_stream = false;
  } else if (auto cached = head_cache_.find(stream); cached != head_cache_.end()) {
    slot->copy = cached->second;
    slot->new_stream = false;
  } else {
    auto got = store_->Get(Column::kStreamHeads, stream);
    if (got.ok()) {
      LEDGER_ASSIGN_OR_RETURN(slot->copy, DecodeStreamHead(*got));
      slot->new_stream = false;
    } else if (got.status().code() != StatusCode::kNotFound) {
      return got.status();
    }
  }
  return Status::Ok();
}

Status LogWriter::CheckRules(const PreparedEvent& p, const KeyInfo& author,
                             const StreamHeadRecord& head) const {
  LEDGER_RETURN_IF_ERROR(Named(p, "rules", CheckExpectedVersion(p, head)));
  LEDGER_RETURN_IF_ERROR(Named(p, "rules", CheckStreamOrder(p, head)));
  LEDGER_RETURN_IF_ERROR(Named(p, "rules", CheckAuthor(author, p, head)));
  LEDGER_RETURN_IF_ERROR(Named(p, "rules", CheckCaseRules(p, head, case_rules_)));
  const ReplicatedPosition* replicated = p.replicated ? &*p.replicated : nullptr;
  if (replicated && replicated->version != head.next_version) {
    return Named(
        p, "version",
        Status::Corruption("version " + std::to_string(replicated->version) +
                           " but the stream's next is " + std::to_string(head.next_version)));
  }
  // The privacy policy is the primary's configuration, not part of the log: a replica judges
  // what the log holds, as `ledger verify` does.
  if (!replicated && case_rules_.enforce &&
      (p.case_facts.op == CaseOp::kErasureDecided || p.case_facts.op == CaseOp::kSubjectShredded)) {
    LEDGER_RETURN_IF_ERROR(CheckCasePolicy(p.case_facts, p.stream, p.occurred_at_us,
                                           head.case_state, privacy_policy()));
  }
  return Status::Ok();
}

Result<int64_t> LogWriter::RecordedAt(const PreparedEvent& p, const Overlay& unit) const {
  const int64_t recorded_at = p.replicated ? p.replicated->recorded_at_us
                                           : std::max(clock_(), unit.head.last_recorded_at_us);
  if (recorded_at < unit.head.last_recorded_at_us) {
    return Named(p, "recorded_at", Status::Corruption("recorded_at goes back in time"));
  }
  // The bound is checked again against the time actually recorded, which the verifier uses.
  if (p.occurred_at_us > recorded_at + kMaxFutureMicros) {
    return Named(
        p, "encoding",
        Status::InvalidArgument("occurred_at is more than 5 minutes ahead of the ledger clock"));
  }
  return recorded_at;
}

Result<std::optional<KeyInfo>> LogWriter::KeyUpdateOf(const PreparedEvent& p, const Overlay& group,
                                                      const Overlay& unit, uint64_t seq,
                                                      int64_t recorded_at) const {
  if (!p.key_change) return std::optional<KeyInfo>();
  bool key_in_use = false;
  if (!p.key_change->revoke) {
    auto same_key = [&](const KeyInfo& k) { return k.public_key == p.key_change->info.public_key; };
    for (const auto& k : keys_->All()) key_in_use = key_in_use || same_key(k);
    for (const auto& [id, k] : group.keys) key_in_use = key_in_use || same_key(k);
    for (const auto& [id, k] : unit.keys) key_in_use = key_in_use || same_key(k);
  }
  auto changed = ApplyKeyChange(*p.key_change, FindKey(p.key_change->key_id, group, unit),
                                key_in_use, seq, recorded_at);
  if (!changed.ok()) return Named(p, "rules", changed.status());
  return std::optional<KeyInfo>(std::move(changed).value());
}

Result<std::string> LogWriter::EncodeEntryFor(const PreparedEvent& p, uint64_t seq,
                                              uint64_t version, int64_t recorded_at) const {
  const SignedEvent& source = *p.source;
  std::string entry =
      EncodeEntry(source.event, source.key_id, source.signature, seq, version, recorded_at);
  if (entry.size() > kMaxEntryBytes) {
    return Named(p, "encoding",
                 Status::InvalidArgument("entry would be " + std::to_string(entry.size()) +
                                         " bytes: at most 65535 are allowed"));
  }
  if (p.replicated && entry != p.replicated->entry_bytes) {
    return Named(p, "encoding",
                 Status::Corruption("the entry's bytes are not the canonical "
                                    "encoding of its fields"));
  }
  return entry;
}

Status LogWriter::PutRecords(const PreparedEvent& p, const std::string& entry,
                             const IdRecord& id_record, const std::optional<KeyInfo>& key_update,
                             const Overlay& group, Overlay& unit) {
  const uint64_t seq = id_record.seq;
  unit.batch.Put(Column::kEntries, EncodeBE64(seq), FrameEntry(entry));
  unit.batch.Put(Column::kIds, p.id, EncodeIdRecord(id_record));
  unit.batch.Put(Column::kStreams, StreamIndexKey(p.stream, id_record.version), EncodeBE64(seq));
  if (!p.source->disclosures.empty()) {
    if (p.subject.empty()) {
      return Status::InvalidArgument(
          "personal: values were sent with an event that names no subject");
    }
    LEDGER_ASSIGN_OR_RETURN(std::string subject_key, SubjectKeyFor(p.subject, group, unit));
    unit.batch.Put(Column::kPersonal, PersonalValueKey(p.subject, seq),
                   vault_->Seal(subject_key, p.subject, seq, p.source->disclosures));
    unit.sources[p.id] = p.source;
  }
  if (p.type == "subject.shredded" && !p.subject.empty()) {
    // The key and every sealed value of the subject go in the same batch as the entry.
    unit.batch.Delete(Column::kPersonal, SubjectKeyKey(p.subject));
    auto [begin, end] = PersonalValueRange(p.subject);
    unit.batch.DeleteRange(Column::kPersonal, std::move(begin), std::move(end));
    // Until the purger has rewritten the files the deleted records are in (erasure_purge.h).
    unit.batch.Put(Column::kMeta, PurgeKey(seq), "");
    unit.subject_keys.erase(p.subject);
    unit.shredded.push_back(p.subject);
  }
  if (key_update) {
    unit.batch.Put(Column::kKeys, p.key_change->key_id, EncodeKeyState(*key_update));
    unit.keys[p.key_change->key_id] = *key_update;
  }
  return Status::Ok();
}

Status LogWriter::ApplyEvent(const PreparedEvent& p, Overlay& group, Overlay& unit,
                             AppendResult* result, bool single) {
  if (!failed_.ok()) return failed_;
  auto& stages = Stages().writer;
  StageTimer timer;
  if (p.replicated && p.replicated->seq != unit.head.size) {
    return AtSeq(p.replicated->seq, "seq",
                 Status::InvalidArgument("out of order: the next entry is seq " +
                                         std::to_string(unit.head.size)));
  }
  // The permanent id index: the same id with the same content is the first append's result.
  LEDGER_ASSIGN_OR_RETURN(IdLookup id, LookUpId(p, group, unit));
  if (id.seen && p.replicated) {
    return Named(p, "ids",
                 Status::Corruption("id " + p.id + " was already used at seq " +
                                    std::to_string(id.seen->seq)));
  }
  if (id.seen) {
    LEDGER_RETURN_IF_ERROR(AnswerRetry(p, id, group, unit, result));
    timer.Lap(stages.id_index_ns);
    return Status::Ok();
  }
  timer.Lap(stages.id_index_ns);

  LEDGER_ASSIGN_OR_RETURN(const KeyInfo author, AuthorOf(p, group, unit));
  HeadSlot slot;
  LEDGER_RETURN_IF_ERROR(FindHead(p.stream, group, unit, single, &slot));
  StreamHeadRecord& head = slot.head();
  LEDGER_RETURN_IF_ERROR(CheckRules(p, author, head));
  LEDGER_ASSIGN_OR_RETURN(const int64_t recorded_at, RecordedAt(p, unit));
  const uint64_t seq = unit.head.size;
  LEDGER_ASSIGN_OR_RETURN(const std::optional<KeyInfo> key_update,
                          KeyUpdateOf(p, group, unit, seq, recorded_at));
  timer.Lap(stages.rules_ns);

  LEDGER_ASSIGN_OR_RETURN(const std::string entry,
                          EncodeEntryFor(p, seq, head.next_version, recorded_at));
  unit.range.Append(
      tlog::HashLeaf(entry), [&](uint8_t level, uint64_t index, const tlog::Hash& hash) {
        unit.batch.Put(Column::kTree, TreeNodeKey(level, index),
                       std::string(reinterpret_cast<const char*>(hash.data()), hash.size()));
      });
  timer.Lap(stages.tree_ns);
  const IdRecord id_record{seq, head.next_version, recorded_at, p.content_digest};
  LEDGER_RETURN_IF_ERROR(PutRecords(p, entry, id_record, key_update, group, unit));
  *result = AppendResult{seq, head.next_version, recorded_at, false};

  // The case state is kept even when the rules are not enforced (bench append measures the
  // checks alone), so that stream heads always equal what verify rebuilds.
  // Nothing below can fail: a head of the unit's or the group's own may be advanced now.
  AdvanceStreamHead(head, p, seq, /*keep_case_state=*/true);
  if (slot.own == nullptr) unit.heads[p.stream] = std::move(slot.copy);  // merged into the group
  // (Heads are written once per group, in CommitGroup.)
  unit.ids[p.id] = id_record;
  unit.count_deltas[p.type]++;
  unit.head.size = seq + 1;
  unit.head.last_recorded_at_us = recorded_at;
  if (slot.new_stream) unit.head.streams++;
  timer.Lap(stages.records_ns);
  return Status::Ok();
}

Result<bool> LogWriter::SameEventWithOtherSalts(const PreparedEvent& p, const IdRecord& seen,
                                                const SignedEvent* earlier, bool in_group) {
  if (!p.has_personal) return false;
  std::string earlier_event, earlier_key_id;
  if (earlier != nullptr) {
    earlier_event = earlier->event;
    earlier_key_id = earlier->key_id;
  } else if (in_group) {
    return false;  // the earlier event of the group disclosed nothing
  } else {
    LEDGER_ASSIGN_OR_RETURN(auto framed, store_->Get(Column::kEntries, EncodeBE64(seen.seq)));
    LEDGER_ASSIGN_OR_RETURN(auto entry, UnframeEntry(seen.seq, framed));
    earlier_event = std::move(entry.event);
    earlier_key_id = std::move(entry.key_id);
  }
  // Only the author may retry with other salts. Anyone else re-signing a stored event with
  // guessed values would otherwise learn from "duplicate" or "conflict" whether they guessed
  // right: an oracle on personal values for keys that may not read them.
  if (p.source->key_id != earlier_key_id) return false;
  LEDGER_ASSIGN_OR_RETURN(auto retried, CanonicalWithoutPersonal(p.source->event));
  LEDGER_ASSIGN_OR_RETURN(auto stored, CanonicalWithoutPersonal(earlier_event));
  if (retried != stored) return false;
  if (stored == earlier_event) return false;  // the stored event carried no personal values
  if (earlier != nullptr) return SameDisclosedValues(p.source->disclosures, earlier->disclosures);
  // The stored values, opened: the subject is the same (it is part of the bytes compared).
  auto key = vault_->SubjectKey(p.subject);
  if (!key.ok()) {
    if (key.status().code() != StatusCode::kNotFound) return key.status();
    // Shredded since: the values are gone, there is nothing left to compare, and a retry of an
    // event that was recorded appends nothing. A key missing otherwise is for `ledger verify`
    // to name; the retry is simply not the same event.
    auto head = store_->Get(Column::kStreamHeads, p.stream);
    if (!head.ok()) return false;
    LEDGER_ASSIGN_OR_RETURN(auto record, DecodeStreamHead(*head));
    return record.shredded;
  }
  auto sealed = store_->Get(Column::kPersonal, PersonalValueKey(p.subject, seen.seq));
  if (!sealed.ok()) {
    if (sealed.status().code() == StatusCode::kNotFound) return false;  // it disclosed nothing
    return sealed.status();
  }
  LEDGER_ASSIGN_OR_RETURN(auto values, vault_->Open(*key, p.subject, seen.seq, *sealed));
  return SameDisclosedValues(p.source->disclosures, values);
}

Result<std::string> LogWriter::SubjectKeyFor(const std::string& subject, const Overlay& group,
                                             Overlay& unit) {
  if (auto it = unit.subject_keys.find(subject); it != unit.subject_keys.end()) return it->second;
  if (auto it = group.subject_keys.find(subject); it != group.subject_keys.end()) {
    return it->second;
  }
  auto committed = vault_->SubjectKey(subject);
  if (committed.ok() || committed.status().code() != StatusCode::kNotFound) return committed;
  LEDGER_ASSIGN_OR_RETURN(auto created, vault_->CreateSubjectKey(subject));
  unit.batch.Put(Column::kPersonal, SubjectKeyKey(subject), std::move(created.sealed));
  unit.subject_keys[subject] = created.key;
  return created.key;
}

}  // namespace ledger::internal
