// The publisher: copies a primary's committed entries and signed checkpoints, in seq order, to
// a NATS JetStream stream (replication/messages.h), and answers replicas that ask for entries
// the stream lacks. docs/replication.md.
//
// Exactly once: each message is published with the stream's expected last sequence, so a
// message can only extend what the publisher last saw; on any doubt (a restart, a lost ack, a
// refused publish, a NATS outage) it reads the stream's last entries and checkpoint messages
// back, compares them with its own log, and continues after what the stream holds. JetStream
// keeping a message is never relied on: whatever the stream lacks at its end is published again
// from the ledger's own log.
//
// It never slows appends: it runs on its own thread behind the commit, reading what is durable.
// How far behind it is shows in stats() and in the metrics.
#ifndef REPLICATION_PUBLISHER_H_
#define REPLICATION_PUBLISHER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"

namespace ledger::replication {

struct PublisherOptions {
  std::string nats_urls;  // comma-separated servers of one cluster
  std::string stream = "LEDGER";
  // Copies JetStream keeps of each message when it creates the stream (1, or 3 in a cluster).
  int stream_replicas = 1;
  // How often the publisher looks for new entries when Notify() is not called.
  std::chrono::milliseconds poll_interval{5};
  // Operator messages (one line each, no newline). Empty: none.
  std::function<void(std::string_view)> log;
};

struct PublisherStats {
  uint64_t committed = 0;             // entries in the ledger when last looked
  uint64_t published = 0;             // entries the stream holds, as far as the publisher knows
  uint64_t published_checkpoint = 0;  // size of the last checkpoint in the stream
  double lag_seconds = 0;             // age of the oldest entry not yet published (0 if none)
  bool connected = false;
  bool synced = false;  // the publisher knows what the stream holds
  uint64_t messages_published = 0;
  uint64_t resyncs = 0;
  uint64_t errors = 0;
  uint64_t fetches_answered = 0;
  std::string last_error;
};

class Publisher {
 public:
  // Starts publishing `ledger` (which must outlive the publisher) to the stream, creating the
  // stream if it does not exist. `ledger_key` signs the identity message. Returns at once; a
  // NATS server that is not reachable yet is retried in the background.
  static Result<std::unique_ptr<Publisher>> Start(Ledger& ledger, const SigningKey& ledger_key,
                                                  PublisherOptions options);
  ~Publisher();  // Stop()s.
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // New entries may be durable: look now rather than at the next poll. Thread-safe, cheap.
  void Notify();
  // Waits until every entry committed and every checkpoint stored so far is in the stream, or
  // `timeout` passes; true if they are.
  bool Drain(std::chrono::milliseconds timeout);
  // Stops the threads (what is published stays published). Idempotent.
  void Stop();

  PublisherStats stats() const;
  // The stats in the Prometheus text format (ledger_replication_publish_*).
  std::string MetricsText() const;

  class Impl;

 private:
  explicit Publisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::replication

#endif  // REPLICATION_PUBLISHER_H_
