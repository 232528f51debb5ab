// EventLog: appends (prepared on the caller's threads, committed by the one writer), reads,
// replication into a replica, and what the log holds.
#include "ledger/log.h"

#include <optional>
#include <utility>

#include "crypto.h"
#include "ledger/event_codec.h"
#include "ledger_state.h"
#include "parallel.h"
#include "prepared_event.h"
#include "records.h"
#include "replica_input.h"
#include "stage_timer.h"
#include "storage/kv_store.h"
#include "tlog/base64.h"
#include "tlog/proof.h"

namespace ledger {

using internal::Column;
using internal::KvStore;

namespace {

// Reads entries in batches through a RocksDB iterator, bounded by the size at creation so that
// a scan sees a consistent prefix of the log.
class ScanIterator final : public EntryIterator {
 public:
  ScanIterator(KvStore* store, uint64_t from, uint64_t end, bool decode)
      : it_(store->NewIterator(Column::kEntries)), next_(from), end_(end), decode_(decode) {
    it_->Seek(internal::EncodeBE64(from));
    Load();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    it_->Next();
    Load();
  }
  const Entry& entry() const override { return entry_; }
  Status status() const override { return status_; }

 private:
  void Load() {
    valid_ = false;
    if (!status_.ok() || next_ >= end_) return;
    if (!it_->Valid()) {
      status_ = it_->status();
      if (status_.ok()) {
        status_ = Status::Corruption("entry at seq " + std::to_string(next_) + " is missing");
      }
      return;
    }
    if (it_->key().size() != 8) {
      status_ = Status::Corruption("entries column holds a malformed key near seq " +
                                   std::to_string(next_));
      return;
    }
    uint64_t seq = internal::DecodeBE64(it_->key());
    if (seq != next_) {
      status_ = Status::Corruption("entry at seq " + std::to_string(next_) +
                                   " is missing (next stored is " + std::to_string(seq) + ")");
      return;
    }
    if (decode_) {
      auto e = internal::UnframeEntry(seq, it_->value());
      if (!e.ok()) {
        status_ = e.status();
        return;
      }
      entry_ = std::move(e).value();
    } else {
      auto bytes = internal::CheckEntryFrame(seq, it_->value());
      if (!bytes.ok()) {
        status_ = bytes.status();
        return;
      }
      entry_ = Entry{};
      entry_.seq = seq;
      entry_.bytes = std::string(*bytes);
    }
    ++next_;
    valid_ = true;
  }

  std::unique_ptr<internal::KvIterator> it_;
  uint64_t next_;
  const uint64_t end_;
  const bool decode_;
  Entry entry_;
  bool valid_ = false;
  Status status_;
};

// The signatures of replicated events whose authors' keys are already registered, checked on
// all cores before the writer sees them, as appends are (PrepareAll): a key id names one public
// key for good, so the check does not depend on the log's state. The writer still judges the
// key (revoked? role? scope?) as of the entry's seq, and checks the signatures left unchecked
// (keys registered in the same batch, or a signature that failed here: it names the seq).
void VerifyKnownSignatures(const internal::KeyRegistry& keys,
                           std::vector<internal::PreparedEvent>& events) {
  auto work = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      auto& p = events[i];
      auto key = keys.Find(p.source->key_id);
      p.signature_checked = key && internal::VerifyEventSignature(*p.source, key->public_key).ok();
    }
  };
  internal::RunOnAllCores(events.size(), work);
}

// Decoding and signature checks are independent per event: a large batch spreads them over
// the cores, so that one appender can use the whole machine while commit order stays the
// batch's order.
void PrepareAll(const internal::KeyRegistry& keys, const std::vector<SignedEvent>& events,
                int64_t now, std::vector<std::optional<Result<internal::PreparedEvent>>>& out) {
  auto& stages = internal::Stages().appenders;
  internal::RunOnAllCores(events.size(), [&](size_t begin, size_t end) {
    uint64_t decode_ns = 0, verify_ns = 0;
    internal::StageTimer timer;
    for (size_t i = begin; i < end; ++i) {
      out[i] = internal::PrepareEvent(events[i], now);
      timer.Lap(decode_ns);
      auto& p = *out[i];
      if (!p.ok()) continue;
      // A key registered in this same batch is unknown here: the writer checks that one.
      if (auto key = keys.Find(events[i].key_id)) {
        Status valid = internal::VerifyEventSignature(events[i], key->public_key);
        if (valid.ok())
          p->signature_checked = true;
        else
          out[i] = std::move(valid);
      }
      timer.Lap(verify_ns);
    }
    if (timer.on()) {
      stages.decode_ns.fetch_add(decode_ns, std::memory_order_relaxed);
      stages.verify_ns.fetch_add(verify_ns, std::memory_order_relaxed);
    }
  });
}

// Prepares `events` on the caller's threads and hands them to the writer as independent units
// or as one atomic unit (EventLog::Append, AppendEach, AppendAtomic).
std::vector<Result<AppendResult>> AppendUnits(internal::LedgerState& state,
                                              const std::vector<SignedEvent>& events, bool atomic) {
  if (state.read_only()) {
    return std::vector<Result<AppendResult>>(events.size(), state.ReadOnlyRefusal("append"));
  }
  if (state.replica()) {
    return std::vector<Result<AppendResult>>(
        events.size(),
        Status::FailedPrecondition(
            "this ledger is a replica: it takes entries only from its primary (`ledger "
            "follow`); opened with the ledger's key it becomes the primary "
            "(docs/replication.md, \"Failover\")"));
  }
  const int64_t now = state.options().clock();
  std::vector<std::optional<Result<internal::PreparedEvent>>> prepared(events.size());
  PrepareAll(state.keys(), events, now, prepared);
  std::vector<Result<AppendResult>> results(events.size(), Status::Unavailable("not processed"));
  std::vector<internal::PreparedEvent> accepted;
  std::vector<size_t> index;
  accepted.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    auto& p = *prepared[i];
    if (!p.ok()) {
      if (atomic) {
        Status whole =
            p.status().WithContext("event " + std::to_string(i) + " of the atomic batch");
        return std::vector<Result<AppendResult>>(events.size(), whole);
      }
      results[i] = p.status();
      continue;
    }
    accepted.push_back(std::move(p).value());
    index.push_back(i);
  }
  std::vector<bool> shreds(accepted.size());
  for (size_t k = 0; k < accepted.size(); ++k) shreds[k] = accepted[k].type == "subject.shredded";
  auto committed = state.writer().Submit(std::move(accepted), atomic);
  bool shredded = false;
  for (size_t k = 0; k < committed.size(); ++k) {
    shredded = shredded || (shreds[k] && committed[k].ok() && !committed[k]->duplicate);
    results[index[k]] = std::move(committed[k]);
  }
  // The shredding is durable with its to-do record; the purge makes it reach the files.
  if (shredded && state.purger()) state.purger()->Notify();
  return results;
}

}  // namespace

Result<AppendResult> EventLog::Append(const SignedEvent& event) {
  return std::move(AppendUnits(*state_, {event}, /*atomic=*/false).front());
}

std::vector<Result<AppendResult>> EventLog::AppendEach(const std::vector<SignedEvent>& events) {
  return AppendUnits(*state_, events, /*atomic=*/false);
}

Result<std::vector<AppendResult>> EventLog::AppendAtomic(const std::vector<SignedEvent>& events) {
  auto results = AppendUnits(*state_, events, /*atomic=*/true);
  std::vector<AppendResult> out;
  for (auto& r : results) {
    if (!r.ok()) return r.status();
    out.push_back(*r);
  }
  return out;
}

Result<Entry> EventLog::ReadSeq(uint64_t seq) { return state_->ReadSeq(seq); }

Result<Entry> EventLog::ReadId(std::string_view id) {
  auto value = state_->store()->Get(Column::kIds, id);
  if (!value.ok()) {
    if (value.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no event with id " + std::string(id));
    }
    return value.status();
  }
  LEDGER_ASSIGN_OR_RETURN(auto record, internal::DecodeIdRecord(*value));
  LEDGER_ASSIGN_OR_RETURN(auto entry, state_->ReadSeq(record.seq));
  // The id index is derived state: never hand out another event than the one asked for.
  auto summary = SummarizeEvent(entry.event);
  if (!summary.ok() || summary->id != id) {
    return Status::Corruption("id index points " + std::string(id) + " at seq " +
                              std::to_string(record.seq) + ", which holds another event");
  }
  return entry;
}

Result<std::vector<Entry>> EventLog::ReadStream(std::string_view stream, uint64_t from_version,
                                                size_t max_count) {
  std::vector<Entry> out;
  std::string prefix(stream);
  prefix.push_back('\0');
  auto it = state_->store()->NewIterator(Column::kStreams);
  for (it->Seek(internal::StreamIndexKey(stream, from_version));
       it->Valid() && it->key().starts_with(prefix) && out.size() < max_count; it->Next()) {
    if (it->value().size() != 8) return Status::Corruption("stream index: malformed value");
    LEDGER_ASSIGN_OR_RETURN(auto entry, state_->ReadSeq(internal::DecodeBE64(it->value())));
    out.push_back(std::move(entry));
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return out;
}

std::unique_ptr<EntryIterator> EventLog::Scan(uint64_t from_seq, bool decode) {
  return std::make_unique<ScanIterator>(state_->store(), from_seq, state_->size(), decode);
}

EventLog::PreparedReplication::PreparedReplication(std::unique_ptr<internal::ReplicatedBatch> batch,
                                                   uint64_t first_seq,
                                                   const internal::LedgerState* owner)
    : batch_(std::move(batch)), first_seq_(first_seq), owner_(owner) {}
EventLog::PreparedReplication::PreparedReplication(PreparedReplication&&) noexcept = default;
EventLog::PreparedReplication& EventLog::PreparedReplication::operator=(
    PreparedReplication&&) noexcept = default;
EventLog::PreparedReplication::~PreparedReplication() = default;
uint64_t EventLog::PreparedReplication::first_seq() const { return first_seq_; }
uint64_t EventLog::PreparedReplication::end_seq() const {
  return first_seq_ + (batch_ ? batch_->events.size() : 0);
}

Status EventLog::AppendReplicated(const std::vector<std::string>& entries,
                                  std::string_view checkpoint) {
  LEDGER_ASSIGN_OR_RETURN(auto prepared, PrepareReplicated(state_->size(), entries, checkpoint));
  return CommitReplicated(std::move(prepared));
}

Result<EventLog::PreparedReplication> EventLog::PrepareReplicated(
    uint64_t first_seq, const std::vector<std::string>& entries, std::string_view checkpoint) {
  if (state_->read_only()) return state_->ReadOnlyRefusal("replicating");
  if (!state_->replica()) {
    return Status::FailedPrecondition(
        "this ledger is not a replica: only one created as a replica (`ledger follow`) takes "
        "another ledger's entries");
  }
  LEDGER_ASSIGN_OR_RETURN(
      auto batch, internal::PrepareReplicated(entries, first_seq, checkpoint, state_->identity()));
  // Keys registered by a batch still being committed are unknown here: the writer checks
  // those signatures itself.
  VerifyKnownSignatures(state_->keys(), batch->events);
  return PreparedReplication(std::move(batch), first_seq, state_);
}

Status EventLog::CommitReplicated(PreparedReplication prepared) {
  if (!prepared.batch_) return Status::InvalidArgument("an empty prepared replication");
  if (prepared.owner_ != state_) {
    return Status::InvalidArgument("a replication prepared by another ledger");
  }
  internal::ReplicatedBatch& batch = *prepared.batch_;
  const internal::SignedTreeHead& signed_head = batch.checkpoint;
  // Read once: another thread's commit may move it.
  const uint64_t size = state_->size();
  if (batch.events.empty() && signed_head.size <= size) {
    // A checkpoint of entries already here: it must agree with them (one that does not is a
    // signed fork). Only one of the current size that is not stored yet is stored.
    LEDGER_ASSIGN_OR_RETURN(auto root, tlog::RootAt(signed_head.size, state_->NodeReader()));
    if (root != signed_head.root) {
      return Status::Corruption(
          "the checkpoint of size " + std::to_string(signed_head.size) + " has root " +
          tlog::HashToBase64(signed_head.root) + ", but the entries replicated so far give " +
          tlog::HashToBase64(root) + ": the ledger signed two different histories");
    }
    if (signed_head.size < size || state_->writer().last_checkpoint().size == size) {
      return Status::Ok();
    }
  }
  bool shreds = false;
  for (const auto& p : batch.events) shreds = shreds || p.type == "subject.shredded";
  Status stored = state_->writer().SubmitReplicated(std::move(batch.events), signed_head);
  if (stored.ok() && shreds && state_->purger()) state_->purger()->Notify();
  return stored;
}

bool EventLog::IsReplica() { return state_->replica(); }

std::vector<KeyInfo> EventLog::Keys() { return state_->keys().All(); }

LedgerInfo EventLog::Info() {
  LedgerInfo info;
  info.identity = state_->identity();
  info.created_at_us = state_->created_at_us();
  auto head = state_->writer().head();
  info.size = head.size;
  info.streams = head.streams;
  info.last_recorded_at_us = head.last_recorded_at_us;
  info.events_by_type = state_->writer().counts();
  info.disk_bytes = state_->store()->ApproximateDiskBytes();
  return info;
}

uint64_t EventLog::Size() { return state_->size(); }

Status EventLog::Flush() {
  if (state_->read_only()) return state_->ReadOnlyRefusal("flush");
  return state_->store()->FlushAll();
}

}  // namespace ledger
