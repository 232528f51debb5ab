#include "replication/publisher.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "base/decimal.h"
#include "base/mutex.h"
#include "base/sha256.h"
#include "ledger/time_format.h"
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

// A message id that names the content: a retry of the same message is dropped by JetStream's
// duplicate window, while a message with other bytes under the same seqs is not.
std::string MessageId(std::string_view kind, uint64_t first, uint64_t count,
                      std::string_view body) {
  return std::string(kind) + "-" + std::to_string(first) + "-" + std::to_string(count) + "-" +
         Sha256Hex(body).substr(0, 16);
}

// The size a signed checkpoint note is of (0 if it does not parse: it was stored by the ledger).
uint64_t CheckpointSize(std::string_view note_text) {
  auto note = tlog::ParseNote(note_text);
  if (!note.ok()) return 0;
  auto checkpoint = tlog::ParseCheckpointBody(note->text);
  return checkpoint.ok() ? checkpoint->size : 0;
}

}  // namespace

class Publisher::Impl {
 public:
  Impl(Ledger& ledger, const SigningKey& ledger_key, PublisherOptions options)
      : ledger_(ledger),
        identity_(ledger.log().Info().identity),
        identity_note_(SignIdentity(identity_, ledger_key)),
        verifier_key_(ledger_key.verifier().ToString()),
        options_(std::move(options)),
        subjects_(options_.stream) {}

  Status Start() {
    LEDGER_RETURN_IF_ERROR(ValidateStreamName(options_.stream));
    LEDGER_ASSIGN_OR_RETURN(
        conn_, NatsConnection::Connect(options_.nats_urls, "ledger publisher " + identity_.origin));
    publish_thread_ = std::thread([this] {
      ::pthread_setname_np(::pthread_self(), "ledger-publish");
      Run();
    });
    fetch_thread_ = std::thread([this] {
      ::pthread_setname_np(::pthread_self(), "ledger-fetch");
      AnswerFetches();
    });
    return Status::Ok();
  }

  void Notify() { signal_.Wake(); }

  void Stop() {
    if (!signal_.Stop()) return;
    if (publish_thread_.joinable()) publish_thread_.join();
    if (fetch_thread_.joinable()) fetch_thread_.join();
    // conn_ stays until destruction: stats() may still read it.
  }

  bool Drain(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const uint64_t size = ledger_.log().Size();
      uint64_t checkpoint = 0;
      if (auto note = ledger_.audit().LatestCheckpoint(); note.ok())
        checkpoint = CheckpointSize(*note);
      const PublisherStats s = stats();
      if (s.synced && s.published >= size && s.published_checkpoint >= checkpoint) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      Notify();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  PublisherStats stats() const {
    PublisherStats s;
    {
      MutexLock lock(mu_);
      s = stats_;
    }
    s.connected = conn_ && conn_->connected();
    // From the ledger now, not from the publishing thread, which may be waiting on NATS.
    s.committed = ledger_.log().Size();
    if (s.published < s.committed) {
      auto oldest = ledger_.log().ReadSeq(s.published);
      if (oldest.ok()) {
        s.lag_seconds =
            std::max(0.0, static_cast<double>(NowMicros() - oldest->recorded_at_us) / 1e6);
      }
    }
    return s;
  }

 private:
  bool stopping() const { return signal_.stopped(); }
  // Sleeps `wait` or until Notify/Stop.
  void Pause(std::chrono::milliseconds wait) { signal_.Pause(wait); }

  void NoteError(const Status& s) {
    MutexLock lock(mu_);
    ++stats_.errors;
    stats_.synced = false;
    if (s.ToString() != stats_.last_error && options_.log) {
      options_.log("replication: " + s.ToString() + " (retrying)");
    }
    stats_.last_error = s.ToString();
  }

  void Run() {
    auto backoff = std::chrono::milliseconds(100);
    while (!stopping()) {
      Status s = synced_ ? Status::Ok() : Sync();
      if (s.ok()) s = PublishPending();
      if (!s.ok()) {
        synced_ = false;
        NoteError(s);
        Pause(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
        continue;
      }
      backoff = std::chrono::milliseconds(100);
      if (ledger_.log().Size() == next_entry_) Pause(options_.poll_interval);
    }
  }

  // Learns what the stream holds: its identity (which must be this ledger's), the end of its
  // entries (which must be this ledger's bytes) and its last checkpoint.
  Status Sync() {
    LEDGER_ASSIGN_OR_RETURN(auto state,
                            conn_->EnsureStream(subjects_.stream, {subjects_.log_wildcard()},
                                                options_.stream_replicas));
    auto identity = conn_->GetLastMessage(subjects_.stream, subjects_.identity());
    if (!identity.ok() && identity.status().code() != StatusCode::kNotFound) {
      return identity.status();
    }
    // The identity must be this ledger's. One missing (removed by the stream's limits) or not
    // signed by the ledger (junk someone put there) is published again: replicas ignore
    // unsigned ones. One signed by this key for another identity means another ledger.
    bool publish_identity = !identity.ok();
    if (identity.ok()) {
      auto theirs = OpenIdentity(identity->data, verifier_key_);
      if (theirs.ok() && (theirs->first_admin_key_id != identity_.first_admin_key_id ||
                          theirs->max_agreement_problems != identity_.max_agreement_problems)) {
        return Status::FailedPrecondition("stream " + subjects_.stream +
                                          " belongs to another ledger of the key " +
                                          identity_.origin);
      }
      publish_identity = !theirs.ok();
    }
    if (publish_identity) {
      int code = 0;
      auto published = conn_->Publish(
          subjects_.identity(), {}, identity_note_, MessageId("identity", 0, 0, identity_note_),
          state.last_seq == 0 ? std::nullopt : std::optional(state.last_seq), &code);
      if (!published.ok()) return published.status();
    }
    LEDGER_ASSIGN_OR_RETURN(const uint64_t entries_end, PublishedEnd());
    uint64_t checkpoint_end = 0;
    auto last_checkpoint = conn_->GetLastMessage(subjects_.stream, subjects_.checkpoint());
    if (last_checkpoint.ok()) {
      // The size its signed text says, if it is one of this ledger's stored checkpoints (the
      // header is not signed): otherwise every checkpoint is published again.
      const uint64_t size = CheckpointSize(last_checkpoint->data);
      auto stored = ledger_.audit().CheckpointAt(size);
      if (size > 0 && stored.ok() && tlog::ParseNote(*stored).ok() &&
          tlog::ParseNote(*stored)->text == tlog::ParseNote(last_checkpoint->data)->text) {
        checkpoint_end = std::min(size, entries_end);
      }
    } else if (last_checkpoint.status().code() != StatusCode::kNotFound) {
      return last_checkpoint.status();
    }
    // Read the state again: the stream's last message is what the next publish must follow.
    LEDGER_ASSIGN_OR_RETURN(state, conn_->EnsureStream(subjects_.stream, {subjects_.log_wildcard()},
                                                       options_.stream_replicas));
    expected_last_ = state.last_seq;
    next_entry_ = entries_end;
    next_checkpoint_ = checkpoint_end + 1;
    synced_ = true;
    MutexLock lock(mu_);
    ++stats_.resyncs;
    stats_.synced = true;
    stats_.published = next_entry_;
    stats_.published_checkpoint = checkpoint_end;
    if (options_.log) {
      options_.log("replication: stream " + subjects_.stream + " holds entries up to seq " +
                   std::to_string(entries_end) + " (exclusive) and checkpoints up to size " +
                   std::to_string(checkpoint_end) + "; publishing from there");
    }
    return Status::Ok();
  }

  // Where the stream's entries end: after its last entries message that holds this ledger's
  // bytes. Entries messages after it that are not this ledger's (altered, or put there by
  // someone else) are passed over, and what follows the genuine ones is published again.
  Result<uint64_t> PublishedEnd() {
    auto last = conn_->GetLastMessage(subjects_.stream, subjects_.entries());
    if (!last.ok()) {
      if (last.status().code() == StatusCode::kNotFound) return uint64_t{0};
      return last.status();
    }
    constexpr int kMaxLookBack = 10000;
    uint64_t seq = last->stream_seq;
    for (int looked = 0; seq >= 1 && looked < kMaxLookBack; ++looked, --seq) {
      Result<NatsMessage> message =
          looked == 0 ? std::move(last) : conn_->GetMessage(subjects_.stream, seq);
      if (!message.ok()) {
        if (message.status().code() == StatusCode::kNotFound) continue;  // deleted
        return message.status();
      }
      if (message->subject != subjects_.entries()) continue;
      if (auto end = OursEnd(*message)) {
        if (looked > 0 && options_.log) {
          options_.log(
              "replication: passed over entries messages at the end of the stream that "
              "are not this ledger's; publishing again from seq " +
              std::to_string(*end));
        }
        return *end;
      }
    }
    if (options_.log) {
      options_.log(
          "replication: no entries message of this ledger at the end of the stream; "
          "publishing from seq 0");
    }
    return uint64_t{0};
  }

  // first + count of an entries message that holds exactly this ledger's entries; nullopt for
  // one that is malformed or holds other bytes.
  std::optional<uint64_t> OursEnd(const NatsMessage& message) {
    auto first = message.NumberHeader(kFirstSeqHeader);
    auto count = message.NumberHeader(kCountHeader);
    if (!first.ok() || !count.ok() || *count == 0) return std::nullopt;
    if (*first + *count > ledger_.log().Size()) return std::nullopt;
    auto entries = DecodeEntries(message.data, *count);
    if (!entries.ok()) return std::nullopt;
    for (uint64_t i = 0; i < *count; ++i) {
      auto mine = ledger_.log().ReadSeq(*first + i);
      if (!mine.ok() || mine->bytes != (*entries)[i]) return std::nullopt;
    }
    return *first + *count;
  }

  // Publishes one message after the stream's last one; a refusal means the stream moved (or
  // another writer published): resync.
  Status PublishAfterLast(const std::string& subject,
                          const std::map<std::string, std::string>& headers,
                          const std::string& body, const std::string& id) {
    int code = 0;
    auto seq = conn_->Publish(subject, headers, body, id, expected_last_, &code);
    if (!seq.ok()) {
      if (code == internal::kWrongLastSequence) {
        return Status::Unavailable(
            "the stream's last message is not the one this publisher "
            "published last: reading the stream again");
      }
      return seq.status();
    }
    if (*seq != expected_last_ + 1) {
      // A duplicate within JetStream's window (its ack was lost): the stream already holds it.
      return Status::Unavailable("publish acknowledged as sequence " + std::to_string(*seq) +
                                 ", not " + std::to_string(expected_last_ + 1) +
                                 ": reading the stream again");
    }
    expected_last_ = *seq;
    MutexLock lock(mu_);
    ++stats_.messages_published;
    return Status::Ok();
  }

  Status PublishPending() {
    const uint64_t size = ledger_.log().Size();
    {
      MutexLock lock(mu_);
      stats_.committed = size;
    }
    while (next_entry_ < size && !stopping()) {
      std::vector<std::string> batch;
      size_t bytes = 0;
      for (auto it = ledger_.log().Scan(next_entry_, /*decode=*/false);
           it->Valid() && it->entry().seq < size; it->Next()) {
        if (!batch.empty() && bytes + it->entry().bytes.size() + 4 > kMaxEntriesPayload) break;
        bytes += it->entry().bytes.size() + 4;
        batch.push_back(it->entry().bytes);
        if (batch.size() >= 4096) break;
      }
      if (batch.empty())
        return Status::Corruption("cannot read entry " + std::to_string(next_entry_));
      const std::string body = EncodeEntries(batch);
      LEDGER_RETURN_IF_ERROR(
          PublishAfterLast(subjects_.entries(),
                           {{std::string(kFirstSeqHeader), std::to_string(next_entry_)},
                            {std::string(kCountHeader), std::to_string(batch.size())}},
                           body, MessageId("entries", next_entry_, batch.size(), body)));
      next_entry_ += batch.size();
      {
        MutexLock lock(mu_);
        stats_.published = next_entry_;
      }
      LEDGER_RETURN_IF_ERROR(PublishCheckpoints());
    }
    return PublishCheckpoints();
  }

  // Every stored checkpoint the stream lacks whose entries it holds, by size.
  Status PublishCheckpoints() {
    while (next_checkpoint_ <= next_entry_) {
      LEDGER_ASSIGN_OR_RETURN(auto notes, ledger_.audit().Checkpoints(next_checkpoint_, 64));
      bool any = false;
      for (const auto& [size, note] : notes) {
        if (size > next_entry_) return Status::Ok();
        LEDGER_RETURN_IF_ERROR(PublishAfterLast(subjects_.checkpoint(),
                                                {{std::string(kSizeHeader), std::to_string(size)}},
                                                note, MessageId("checkpoint", size, 0, note)));
        next_checkpoint_ = size + 1;
        any = true;
        MutexLock lock(mu_);
        stats_.published_checkpoint = size;
      }
      if (!any) return Status::Ok();
    }
    return Status::Ok();
  }

  // Replicas ask for entries the stream lacks (a message lost, or altered in transit): the
  // answer comes from this ledger's own log, in the same grammar as an entries message.
  void AnswerFetches() {
    std::unique_ptr<internal::NatsSubscription> sub;
    while (!stopping()) {
      if (!sub) {
        auto made = conn_->Subscribe(subjects_.fetch());
        if (!made.ok()) {
          Pause(std::chrono::milliseconds(500));
          continue;
        }
        sub = std::move(made).value();
      }
      auto request = sub->Next(200);
      if (!request.ok()) {
        if (request.status().code() != StatusCode::kNotFound) sub.reset();
        continue;
      }
      if (request->reply.empty()) continue;
      Answer(*request);
    }
  }

  void Answer(const NatsMessage& request) {
    const size_t space = request.data.find(' ');
    auto first = ParseDecimal(request.data.substr(0, space));
    auto count = space == std::string::npos ? Result<uint64_t>(Status::InvalidArgument("no count"))
                                            : ParseDecimal(request.data.substr(space + 1));
    if (!first.ok() || !count.ok()) {
      conn_->Respond(request.reply, {{"Ledger-Error", "expected \"<first seq> <count>\""}}, "")
          .IgnoreError();
      return;
    }
    const uint64_t size = ledger_.log().Size();
    std::vector<std::string> entries;
    size_t bytes = 0;
    const uint64_t end = std::min(size, *first + std::min<uint64_t>(*count, 4096));
    for (auto it = ledger_.log().Scan(*first, /*decode=*/false);
         it->Valid() && it->entry().seq < end; it->Next()) {
      if (!entries.empty() && bytes + it->entry().bytes.size() + 4 > kMaxEntriesPayload) break;
      bytes += it->entry().bytes.size() + 4;
      entries.push_back(it->entry().bytes);
    }
    conn_
        ->Respond(request.reply,
                  {{std::string(kFirstSeqHeader), std::to_string(*first)},
                   {std::string(kCountHeader), std::to_string(entries.size())}},
                  EncodeEntries(entries))
        .IgnoreError();
    MutexLock lock(mu_);
    ++stats_.fetches_answered;
  }

  Ledger& ledger_;
  const LedgerIdentity identity_;
  const std::string identity_note_;
  const std::string verifier_key_;
  const PublisherOptions options_;
  const StreamSubjects subjects_;
  std::unique_ptr<NatsConnection> conn_;

  // Owned by the publishing thread.
  bool synced_ = false;
  uint64_t expected_last_ = 0;    // the stream's last message sequence
  uint64_t next_entry_ = 0;       // the first entry the stream lacks
  uint64_t next_checkpoint_ = 1;  // the smallest checkpoint size not yet published

  mutable Mutex mu_;
  internal::StopSignal signal_;
  PublisherStats stats_ LEDGER_GUARDED_BY(mu_);
  std::thread publish_thread_, fetch_thread_;
};

Publisher::Publisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Publisher::~Publisher() { Stop(); }

Result<std::unique_ptr<Publisher>> Publisher::Start(Ledger& ledger, const SigningKey& ledger_key,
                                                    PublisherOptions options) {
  auto impl = std::make_unique<Impl>(ledger, ledger_key, std::move(options));
  LEDGER_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<Publisher>(new Publisher(std::move(impl)));
}

void Publisher::Notify() { impl_->Notify(); }

bool Publisher::Drain(std::chrono::milliseconds timeout) { return impl_->Drain(timeout); }
void Publisher::Stop() { impl_->Stop(); }
PublisherStats Publisher::stats() const { return impl_->stats(); }

std::string Publisher::MetricsText() const {
  const PublisherStats s = stats();
  internal::MetricsText m;
  m.Gauge("ledger_replication_publish_lag_entries",
          "Committed entries not yet in the JetStream stream",
          static_cast<double>(s.committed - std::min(s.committed, s.published)));
  m.Gauge("ledger_replication_publish_lag_seconds",
          "Age of the oldest committed entry not yet in the stream (0: none)", s.lag_seconds);
  m.Gauge("ledger_replication_published_entries", "Entries the stream holds",
          static_cast<double>(s.published));
  m.Gauge("ledger_replication_published_checkpoint_size",
          "Size of the last checkpoint published to the stream",
          static_cast<double>(s.published_checkpoint));
  m.Gauge("ledger_replication_nats_connected", "1 while connected to NATS", s.connected ? 1 : 0);
  m.Counter("ledger_replication_publish_errors_total",
            "Failed publishes and stream reads (each is retried)", static_cast<double>(s.errors));
  m.Counter("ledger_replication_fetches_answered_total",
            "Replicas' requests for entries the stream lacked",
            static_cast<double>(s.fetches_answered));
  return m.text();
}

}  // namespace ledger::replication
