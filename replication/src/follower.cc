#include "replication/follower.h"

#include <pthread.h>

#include <deque>
#include <filesystem>
#include <future>
#include <optional>
#include <thread>

#include "base/decimal.h"
#include "base/file.h"
#include "base/mutex.h"
#include "metrics_text.h"
#include "nats_client.h"
#include "replication/messages.h"
#include "stop_signal.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace ledger::replication {

using internal::NatsConnection;
using internal::NatsMessage;

namespace {

// Whether a refusal of AppendReplicated names an entry and the check it failed ("seq 12
// (signature): ...", "seq 3 to 9 (checkpoint): ..."): the entries are at fault, not the message
// that carried the checkpoint (unsigned, or of another size than its header says).
bool EntriesFailed(const Status& s) { return s.message().starts_with("seq "); }

// The size of a checkpoint note as its signed text says (the header is not signed).
std::optional<uint64_t> NoteSize(std::string_view text) {
  auto note = tlog::ParseNote(text);
  if (!note.ok()) return std::nullopt;
  auto checkpoint = tlog::ParseCheckpointBody(note->text);
  if (!checkpoint.ok()) return std::nullopt;
  return checkpoint->size;
}

}  // namespace

Result<std::unique_ptr<Ledger>> OpenReplica(const ReplicaSource& source, const std::string& dir,
                                            const LedgerOptions& options,
                                            std::chrono::milliseconds wait) {
  LEDGER_RETURN_IF_ERROR(ValidateStreamName(source.stream));
  LEDGER_ASSIGN_OR_RETURN(auto verifier, tlog::ParseVerifierKey(source.verifier_key));
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    LEDGER_ASSIGN_OR_RETURN(auto ledger, Ledger::Open(dir, options));
    if (!ledger->log().IsReplica()) {
      return Status::FailedPrecondition(
          dir +
          " holds a ledger that is not a replica (a primary, or a promoted replica): "
          "`ledger follow` only extends a replica");
    }
    const LedgerIdentity identity = ledger->log().Info().identity;
    if (identity.origin != verifier.name || identity.public_key != verifier.public_key) {
      return Status::FailedPrecondition(dir + " holds a copy of " + identity.origin +
                                        ", not of the ledger of the verifier key " + verifier.name);
    }
    return ledger;
  }
  const StreamSubjects subjects(source.stream);
  LEDGER_ASSIGN_OR_RETURN(auto conn, NatsConnection::Connect(source.nats_urls, "ledger replica"));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  Status last = Status::Unavailable("no answer from NATS yet");
  for (;;) {
    // Only once the stream exists and holds messages: Debian's nats-server 2.9.10 panics on a
    // message read that races with the stream's creation.
    auto state = conn->GetStreamState(subjects.stream);
    Result<NatsMessage> message =
        !state.ok() ? Result<NatsMessage>(state.status())
        : state->messages == 0
            ? Result<NatsMessage>(Status::NotFound("stream " + subjects.stream + " is empty"))
            : conn->GetLastMessage(subjects.stream, subjects.identity());
    if (message.ok()) {
      LEDGER_ASSIGN_OR_RETURN(auto identity, OpenIdentity(message->data, source.verifier_key));
      return Ledger::CreateReplica(dir, identity, options);
    }
    last = message.status();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("no ledger identity in stream " + subjects.stream + " after " +
                                 std::to_string(wait.count()) + " ms (" + last.ToString() +
                                 "): is the primary publishing to it?");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

class Follower::Impl {
 public:
  Impl(Ledger& ledger, FollowerOptions options)
      : ledger_(ledger),
        identity_(ledger.log().Info().identity),
        options_(std::move(options)),
        subjects_(options_.source.stream) {}

  Status Start() {
    LEDGER_RETURN_IF_ERROR(ValidateStreamName(options_.source.stream));
    LEDGER_ASSIGN_OR_RETURN(conn_, NatsConnection::Connect(options_.source.nats_urls,
                                                           "ledger replica " + identity_.origin));
    if (!options_.position_file.empty()) {
      auto text = ReadFile(options_.position_file);
      if (text.ok()) {
        while (!text->empty() && text->back() == '\n') text->pop_back();
        auto seq = ParseDecimal(*text);
        if (seq.ok()) resume_seq_ = *seq;
      }
    }
    stored_ = ledger_.log().Size();
    {
      MutexLock lock(mu_);
      stats_.size = stored_;
    }
    thread_ = std::thread([this] {
      ::pthread_setname_np(::pthread_self(), "ledger-follow");
      Run();
    });
    return Status::Ok();
  }

  void Stop() {
    if (!signal_.Stop()) return;
    if (thread_.joinable()) thread_.join();
    // conn_ stays until destruction: stats() may still read it.
  }

  Status Wait(std::chrono::milliseconds timeout) {
    MutexLock lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!stats_.stopped && cv_.WaitUntil(mu_, deadline)) {
    }
    return stats_.stopped ? failure_ : Status::Ok();
  }

  FollowerStats stats() const {
    MutexLock lock(mu_);
    FollowerStats s = stats_;
    s.connected = conn_ && conn_->connected();
    if (!pending_since_.empty()) {
      s.lag_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - pending_since_.front())
              .count();
    }
    return s;
  }

 private:
  bool stopping() const { return signal_.stopped(); }
  void Pause(std::chrono::milliseconds wait) { signal_.Pause(wait); }
  void Log(const std::string& line) {
    if (options_.log) options_.log("replica: " + line);
  }

  void Run() {
    std::unique_ptr<internal::NatsSubscription> sub;
    while (!stopping()) {
      if (!sub) {
        auto made =
            conn_->SubscribeOrdered(subjects_.stream, subjects_.log_wildcard(), resume_seq_);
        if (!made.ok()) {
          Log(made.status().ToString() + " (retrying)");
          Pause(std::chrono::milliseconds(500));
          continue;
        }
        sub = std::move(made).value();
      }
      // While a batch is in flight, look often whether it is done: the replica's size (and
      // the lag) moves when it is noted.
      auto message = sub->Next(inflight_ ? 2 : 250);
      if (InFlightDone()) {
        Status finished = Finish();
        if (!finished.ok()) {
          StopWith(finished);
          return;
        }
      }
      if (!message.ok()) {
        if (message.status().code() != StatusCode::kNotFound) {
          Log(message.status().ToString() + " (subscribing again)");
          sub.reset();
          Pause(std::chrono::milliseconds(250));
        }
        continue;
      }
      Status handled = Handle(*message);
      if (!handled.ok()) {
        StopWith(handled);
        return;
      }
    }
    // Stopped from outside: what is in flight is committed (or refused) before the thread ends.
    if (inflight_) NoteLastInFlight();
  }

  // Waits for the batch in flight when the follower stops, and notes what it stored (the writer
  // is done with it before the thread ends).
  void NoteLastInFlight() {
    Status committed = inflight_->result.get();
    if (committed.ok()) {
      Status noted = Stored(inflight_->end, inflight_->stream_seq);
      if (!noted.ok()) Log(noted.ToString());
    } else {
      Log("the batch being stored as the follower stopped was refused: " + committed.ToString());
    }
    inflight_.reset();
  }

  void StopWith(const Status& failure) {
    if (inflight_) NoteLastInFlight();
    Log("stopped: " + failure.ToString() + "; the replica holds seq 0 to " +
        std::to_string(ledger_.log().Size()) + " (exclusive), all verified");
    MutexLock lock(mu_);
    failure_ = failure;
    stats_.stopped = true;
    stats_.failure = failure.ToString();
    cv_.SignalAll();
  }

  // A non-OK status stops the follower: the entries cannot be verified, even as the primary
  // gives them, or the replica's disk failed.
  Status Handle(const NatsMessage& message) {
    if (message.subject == subjects_.identity()) {
      auto theirs = OpenIdentity(message.data, options_.source.verifier_key);
      if (!theirs.ok()) {
        Log("ignored an identity message not signed by the ledger: " + theirs.status().ToString());
      } else if (theirs->first_admin_key_id != identity_.first_admin_key_id ||
                 theirs->max_agreement_problems != identity_.max_agreement_problems) {
        return Status::FailedPrecondition("the stream's identity is not this replica's");
      }
      return Status::Ok();
    }
    if (message.subject == subjects_.entries()) return HandleEntries(message);
    if (message.subject == subjects_.checkpoint()) return HandleCheckpoint(message);
    return Status::Ok();  // another kind, from a later version: not needed to verify
  }

  uint64_t next() const { return stored_ + pending_.size(); }

  Status HandleEntries(const NatsMessage& message) {
    auto first = message.NumberHeader(kFirstSeqHeader);
    auto count = message.NumberHeader(kCountHeader);
    if (!first.ok() || !count.ok()) {
      Log("ignored an entries message with malformed headers (stream seq " +
          std::to_string(message.stream_seq) + ")");
      return Status::Ok();
    }
    if (*first + *count <= next()) return Status::Ok();  // already here
    auto entries = DecodeEntries(message.data, *count);
    if (!entries.ok()) {
      Log("ignored a malformed entries message (stream seq " + std::to_string(message.stream_seq) +
          "): " + entries.status().ToString());
      return Status::Ok();
    }
    if (*first > next()) {
      // The stream lacks entries before these (a message lost or removed): ask the primary.
      Status fetched = FetchInto(*first, message.stream_seq);
      if (!fetched.ok()) {
        Log("entries from seq " + std::to_string(next()) + " are missing from the stream and " +
            "the primary did not give them: " + fetched.ToString() + " (asking again later)");
        return Status::Ok();
      }
    }
    for (uint64_t i = next() - *first; i < *count; ++i) {
      AddPending(std::move((*entries)[i]), message.stream_seq);
    }
    return Status::Ok();
  }

  void AddPending(std::string entry, uint64_t stream_seq) {
    pending_.push_back(std::move(entry));
    pending_stream_seq_.push_back(stream_seq);
    MutexLock lock(mu_);
    pending_since_.push_back(std::chrono::steady_clock::now());
    stats_.pending = pending_.size();
  }

  // Requires n <= pending_.size(); Stored checks it.
  void DropPending(size_t n) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(n));
    pending_stream_seq_.erase(pending_stream_seq_.begin(),
                              pending_stream_seq_.begin() + static_cast<ptrdiff_t>(n));
    MutexLock lock(mu_);
    pending_since_.erase(pending_since_.begin(),
                         pending_since_.begin() + static_cast<ptrdiff_t>(n));
    stats_.pending = pending_.size();
  }

  // Fetches entries [next(), end) from the primary into the pending ones.
  Status FetchInto(uint64_t end, uint64_t stream_seq) {
    while (next() < end) {
      LEDGER_ASSIGN_OR_RETURN(auto got, Fetch(next(), end - next()));
      for (auto& e : got) AddPending(std::move(e), stream_seq);
    }
    return Status::Ok();
  }

  // Up to `count` entries from `first`, from the primary's own log.
  Result<std::vector<std::string>> Fetch(uint64_t first, uint64_t count) {
    LEDGER_ASSIGN_OR_RETURN(
        auto reply,
        conn_->Request(subjects_.fetch(), std::to_string(first) + " " + std::to_string(count),
                       options_.fetch_timeout.count()));
    if (!reply.Header("Ledger-Error").empty()) {
      return Status::Unavailable("the primary: " + reply.Header("Ledger-Error"));
    }
    auto got_first = reply.NumberHeader(kFirstSeqHeader);
    auto got_count = reply.NumberHeader(kCountHeader);
    if (!got_first.ok() || !got_count.ok() || *got_first != first) {
      return Status::Unavailable("the primary's answer has malformed headers");
    }
    if (*got_count == 0) {
      return Status::Unavailable("the primary has no entry at seq " + std::to_string(first));
    }
    LEDGER_ASSIGN_OR_RETURN(auto entries, DecodeEntries(reply.data, *got_count));
    if (entries.size() > count) entries.resize(count);
    MutexLock lock(mu_);
    stats_.refetched += entries.size();
    return entries;
  }

  // A checkpoint's entries are prepared (decoded, signatures checked, on all cores) on this
  // thread while the writer commits the batch before them (`inflight_`): the replica keeps
  // both cores busy, as the primary's appenders and writer do. A refusal of the batch in flight
  // is handled as before, on this thread, before anything after it is committed.
  Status HandleCheckpoint(const NatsMessage& message) {
    const std::optional<uint64_t> size = NoteSize(message.data);
    if (!size) {
      Log("ignored a checkpoint message that is not a checkpoint note (stream seq " +
          std::to_string(message.stream_seq) + ")");
      return Status::Ok();
    }
    const uint64_t submitted = inflight_ ? inflight_->end : stored_;
    if (*size <= submitted) {
      LEDGER_RETURN_IF_ERROR(Finish());
      if (*size > stored_) return Commit(message.data, *size, message.stream_seq);
      Status agrees = ledger_.log().AppendReplicated({}, message.data);
      // A validly signed checkpoint that disagrees with verified entries is a signed fork.
      if (!agrees.ok() && agrees.code() == StatusCode::kCorruption &&
          agrees.message().find("two different histories") != std::string::npos) {
        return agrees;
      }
      if (!agrees.ok()) Log("ignored a checkpoint message: " + agrees.ToString());
      return Status::Ok();
    }
    Status complete = FetchInto(*size, message.stream_seq);
    if (!complete.ok()) {
      Log("cannot verify the checkpoint of size " + std::to_string(*size) +
          ": entries are missing and the primary did not give them: " + complete.ToString());
      return Status::Ok();
    }
    const auto from = pending_.begin() + static_cast<ptrdiff_t>(submitted - stored_);
    std::vector<std::string> batch(from, from + static_cast<ptrdiff_t>(*size - submitted));
    auto prepared = ledger_.log().PrepareReplicated(submitted, batch, message.data);
    LEDGER_RETURN_IF_ERROR(Finish());
    // Committed as prepared only if the batch before it was stored as it came and these
    // entries are still the pending ones: a refusal before it drops what is pending and fetches
    // from the primary only up to the refused checkpoint.
    if (!prepared.ok() || stored_ != submitted || next() < *size) {
      // Refused as prepared, or the batch before it was: the checks and the retries below.
      return Commit(message.data, *size, message.stream_seq);
    }
    // The future first: if starting the thread throws, nothing is marked in flight.
    auto result = std::async(std::launch::async, [this, p = std::move(*prepared)]() mutable {
      return ledger_.log().CommitReplicated(std::move(p));
    });
    inflight_ = InFlight{*size, message.stream_seq, message.data, std::move(result)};
    return Status::Ok();
  }

  bool InFlightDone() const {
    return inflight_ &&
           inflight_->result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }

  // Waits for the batch in flight, if any. Stored: noted. Refused: handled by Commit, which
  // checks it again and fetches from the primary what fails.
  Status Finish() {
    if (!inflight_) return Status::Ok();
    Status committed = inflight_->result.get();
    InFlight done = std::move(*inflight_);
    inflight_.reset();
    if (committed.ok()) return Stored(done.end, done.stream_seq);
    if (committed.code() == StatusCode::kIOError) return committed;
    return Commit(done.checkpoint, done.end, done.stream_seq);
  }

  // Stores entries [stored_, size) with `checkpoint` on this thread, with nothing in flight:
  // entries that fail as the stream gave them are fetched from the primary and checked again.
  Status Commit(std::string_view checkpoint, uint64_t size, uint64_t stream_seq) {
    Status complete = FetchInto(size, stream_seq);
    if (!complete.ok()) {
      Log("cannot verify the checkpoint of size " + std::to_string(size) +
          ": entries are missing and the primary did not give them: " + complete.ToString());
      return Status::Ok();
    }
    const size_t n = static_cast<size_t>(size - stored_);
    std::vector<std::string> batch(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(n));
    Status stored = ledger_.log().AppendReplicated(batch, checkpoint);
    if (!stored.ok() && stored.code() == StatusCode::kIOError) return stored;
    if (!stored.ok() && !EntriesFailed(stored)) {
      Log("ignored a checkpoint message (stream seq " + std::to_string(stream_seq) +
          "): " + stored.ToString());
      return Status::Ok();
    }
    if (!stored.ok()) {
      // As the stream gave them, the entries fail: altered or reordered in transit or in the
      // stream. The primary's own copy decides.
      Log("entries " + std::to_string(stored_) + " to " + std::to_string(size - 1) +
          " from the stream failed: " + stored.ToString() + "; fetching them from the primary");
      DropPending(pending_.size());
      Status again = FetchInto(size, stream_seq);
      if (!again.ok()) {
        Log("the primary did not give them: " + again.ToString() + " (asking again later)");
        return Status::Ok();
      }
      batch.assign(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(n));
      stored = ledger_.log().AppendReplicated(batch, checkpoint);
      if (!stored.ok() && EntriesFailed(stored) && stored.code() != StatusCode::kIOError) {
        return stored;  // the primary's own entries fail: stop here
      }
      if (!stored.ok()) {
        if (stored.code() == StatusCode::kIOError) return stored;
        Log("the checkpoint could not be stored: " + stored.ToString());
        DropPending(pending_.size());
        return Status::Ok();
      }
      MutexLock lock(mu_);
      ++stats_.retried_batches;
    }
    return Stored(size, stream_seq);
  }

  // Entries [stored_, end) and the checkpoint that came in stream message `stream_seq` are
  // stored.
  Status Stored(uint64_t end, uint64_t stream_seq) {
    const uint64_t first = stored_;
    if (end - first > pending_.size()) {
      // Invariant: what is stored was pending. Not so, the follower's count of what it holds
      // is wrong: stop rather than guess (the replica holds verified entries only).
      return Status::FailedPrecondition("internal: the follower stored seq " +
                                        std::to_string(first) + " to " + std::to_string(end - 1) +
                                        " but held only " + std::to_string(pending_.size()) +
                                        " pending entries");
    }
    stored_ = end;
    DropPending(static_cast<size_t>(end - first));
    resume_seq_ = pending_.empty() ? stream_seq + 1 : pending_stream_seq_.front();
    if (!options_.position_file.empty()) {
      // Losing it only means reading more of the stream again; written whole or not at all
      // (WriteFileAtomic syncs: one sync per stored checkpoint, on this thread).
      Status saved = WriteFileAtomic(options_.position_file, std::to_string(resume_seq_) + "\n");
      if (!saved.ok()) Log("cannot note the position: " + saved.ToString());
    }
    {
      MutexLock lock(mu_);
      stats_.size = stored_;
      ++stats_.checkpoints;
    }
    if (options_.on_stored) options_.on_stored(first, stored_);
    return Status::Ok();
  }

  // A batch handed to the writer: entries [stored_, end), prepared; its checkpoint is kept for
  // handling a refusal.
  struct InFlight {
    uint64_t end = 0;
    uint64_t stream_seq = 0;
    std::string checkpoint;
    std::future<Status> result;
  };

  Ledger& ledger_;
  const LedgerIdentity identity_;
  const FollowerOptions options_;
  const StreamSubjects subjects_;
  std::unique_ptr<NatsConnection> conn_;

  // Owned by the follower thread.
  uint64_t stored_ = 0;                      // entries stored in the replica
  uint64_t resume_seq_ = 1;                  // the stream sequence to subscribe from
  std::deque<std::string> pending_;          // entries stored_, stored_ + 1, ...
  std::deque<uint64_t> pending_stream_seq_;  // the message each came in
  std::optional<InFlight> inflight_;         // a batch the writer is committing

  mutable Mutex mu_;
  CondVar cv_;  // stats_.stopped became true (Wait)
  internal::StopSignal signal_;
  std::deque<std::chrono::steady_clock::time_point> pending_since_ LEDGER_GUARDED_BY(mu_);
  FollowerStats stats_ LEDGER_GUARDED_BY(mu_);
  Status failure_ LEDGER_GUARDED_BY(mu_);
  std::thread thread_;
};

Follower::Follower(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Follower::~Follower() { Stop(); }

Result<std::unique_ptr<Follower>> Follower::Start(Ledger& replica, FollowerOptions options) {
  auto impl = std::make_unique<Impl>(replica, std::move(options));
  LEDGER_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<Follower>(new Follower(std::move(impl)));
}

void Follower::Stop() { impl_->Stop(); }
Status Follower::Wait(std::chrono::milliseconds timeout) { return impl_->Wait(timeout); }
FollowerStats Follower::stats() const { return impl_->stats(); }

std::string Follower::MetricsText() const {
  const FollowerStats s = stats();
  internal::MetricsText m;
  m.Gauge("ledger_replication_replica_entries", "Entries the replica holds, verified",
          static_cast<double>(s.size));
  m.Gauge("ledger_replication_replica_pending_entries",
          "Entries received from the stream, waiting for a signed checkpoint",
          static_cast<double>(s.pending));
  m.Gauge("ledger_replication_replica_lag_seconds",
          "How long the oldest received entry has waited to be verified and stored (0: none)",
          s.lag_seconds);
  m.Gauge("ledger_replication_replica_stopped",
          "1 if the replica stopped on an entry that failed verification", s.stopped ? 1 : 0);
  m.Gauge("ledger_replication_nats_connected", "1 while connected to NATS", s.connected ? 1 : 0);
  m.Counter("ledger_replication_replica_refetched_entries_total",
            "Entries fetched from the primary because the stream lacked them or they failed",
            static_cast<double>(s.refetched));
  return m.text();
}

}  // namespace ledger::replication
