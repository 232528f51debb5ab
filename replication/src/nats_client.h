// A small C++ face over the NATS C client (libnats): one connection with JetStream, the calls
// the publisher and the follower make, errors as Status naming the call and the server's
// JetStream error code. Only this file and nats_client.cc include <nats.h>.
//
// Thread safety: as the C client's: a connection and its JetStream context may be used from
// any thread; a subscription from one thread at a time.
#ifndef REPLICATION_SRC_NATS_CLIENT_H_
#define REPLICATION_SRC_NATS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ledger::replication::internal {

// A message as read back from a stream or a subscription.
struct NatsMessage {
  std::string subject;
  std::map<std::string, std::string> headers;
  std::string data;
  uint64_t stream_seq = 0;  // 0 for a core NATS message (a reply)
  std::string reply;        // the subject to answer a request on; empty if none

  // A header's value, or empty.
  std::string Header(const std::string& name) const;
  // A header holding an unsigned decimal (base/decimal.h); InvalidArgument naming the header.
  Result<uint64_t> NumberHeader(std::string_view name) const;
};

// The JetStream error code the server gave (0: none): JSStreamWrongLastSequenceErr is 10071,
// JSNoMessageFoundErr 10037, JSStreamNotFoundErr 10059.
inline constexpr int kWrongLastSequence = 10071;
inline constexpr int kNoMessageFound = 10037;
inline constexpr int kStreamNotFound = 10059;

struct JetStreamError {
  Status status;
  int code = 0;
};

class NatsSubscription;

// How a connection runs the callbacks of its push subscriptions (SubscribeDurablePush).
struct NatsConnectOptions {
  // 0: each push subscription has a delivery thread of its own (the C client's default).
  // N > 0: the C client's delivery pool, one per process and grown to at least N threads, runs
  // the callbacks of every connection that asks for it: a process with a thousand subscriptions
  // runs N threads, not a thousand. A subscription stays on one pool thread, so its messages
  // still arrive one at a time and in order.
  int shared_delivery_threads = 0;
};

class NatsConnection {
 public:
  // Connects to `urls` (comma-separated, e.g. a cluster's nats://127.0.0.1:4222,...). The
  // connection reconnects by itself for ever; calls made while it is away fail with
  // Unavailable. `name` is shown by the server's monitoring.
  static Result<std::unique_ptr<NatsConnection>> Connect(const std::string& urls,
                                                         const std::string& name,
                                                         const NatsConnectOptions& options = {});
  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  bool connected() const;

  struct StreamState {
    uint64_t last_seq = 0;
    uint64_t messages = 0;
  };
  // Creates the stream with these subjects (file storage, `replicas` copies, keeping every
  // message) unless it exists; returns its state.
  Result<StreamState> EnsureStream(const std::string& stream,
                                   const std::vector<std::string>& subjects, int replicas);

  // The stream's state; NotFound if it does not exist (nothing is created).
  Result<StreamState> GetStreamState(const std::string& stream);

  // Publishes to the stream; with `expect_last_seq`, the server refuses it (code
  // kWrongLastSequence) unless the stream's last message is that one. Returns the message's
  // stream sequence. `msg_id` lets the server drop a duplicate within its window.
  Result<uint64_t> Publish(const std::string& subject,
                           const std::map<std::string, std::string>& headers, std::string_view data,
                           const std::string& msg_id, std::optional<uint64_t> expect_last_seq,
                           int* js_error_code);

  // The stream's message `seq`, or the last message on `subject` (NotFound: none).
  Result<NatsMessage> GetMessage(const std::string& stream, uint64_t seq);
  Result<NatsMessage> GetLastMessage(const std::string& stream, const std::string& subject);

  // Removes message `seq` from the stream (tests: a message JetStream lost).
  Status DeleteMessage(const std::string& stream, uint64_t seq);

  // Core NATS request and reply.
  Result<NatsMessage> Request(const std::string& subject, std::string_view data,
                              int64_t timeout_ms);
  Status Respond(const std::string& reply_subject,
                 const std::map<std::string, std::string>& headers, std::string_view data);

  // A core NATS subscription (e.g. to answer requests).
  Result<std::unique_ptr<NatsSubscription>> Subscribe(const std::string& subject);
  // An ordered, unacknowledged JetStream consumer of the stream from `start_seq` on (1: the
  // start); it recreates itself over gaps and reconnections, so messages arrive in order.
  Result<std::unique_ptr<NatsSubscription>> SubscribeOrdered(const std::string& stream,
                                                             const std::string& subject,
                                                             uint64_t start_seq);
  // A durable JetStream push consumer named `durable` of `subject` in `stream`, created by this
  // call: it delivers the messages stored after it was created, unacknowledged (AckNone), to
  // `on_message` on a delivery thread (NatsConnectOptions), one at a time. Destroying the
  // subscription deletes the consumer from the server and returns once `on_message` has
  // returned for the last time. Next() is not for these.
  Result<std::unique_ptr<NatsSubscription>> SubscribeDurablePush(
      const std::string& stream, const std::string& subject, const std::string& durable,
      std::function<void(NatsMessage)> on_message);

 private:
  struct Handles;
  explicit NatsConnection(std::unique_ptr<Handles> handles);
  std::unique_ptr<Handles> h_;
};

class NatsSubscription {
 public:
  ~NatsSubscription();
  NatsSubscription(const NatsSubscription&) = delete;
  NatsSubscription& operator=(const NatsSubscription&) = delete;
  // The next message; NotFound after `timeout_ms` without one.
  Result<NatsMessage> Next(int64_t timeout_ms);

 private:
  friend class NatsConnection;
  struct Handle;
  explicit NatsSubscription(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> h_;
};

}  // namespace ledger::replication::internal

#endif  // REPLICATION_SRC_NATS_CLIENT_H_
