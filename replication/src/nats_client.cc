#include "nats_client.h"

#include <nats/nats.h>

#include <chrono>
#include <cstring>

#include "base/decimal.h"
#include "base/mutex.h"

namespace ledger::replication::internal {
namespace {

// The C client's status as ours: Unavailable for what a reconnection may cure.
Status FromNats(natsStatus s, std::string_view call, int js_code = 0) {
  if (s == NATS_OK) return Status::Ok();
  std::string message = std::string(call) + ": " + natsStatus_GetText(s);
  if (js_code != 0) message += " (JetStream error " + std::to_string(js_code) + ")";
  const char* detail = nats_GetLastError(nullptr);
  if (detail != nullptr && *detail != '\0' && std::strstr(message.c_str(), detail) == nullptr) {
    message += ": ";
    message += detail;
  }
  switch (s) {
    case NATS_NOT_FOUND:
      return Status::NotFound(message);
    case NATS_TIMEOUT:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_SERVER:
    case NATS_NO_RESPONDERS:
    case NATS_STALE_CONNECTION:
    case NATS_IO_ERROR:
      return Status::Unavailable(message);
    default:
      return js_code != 0 ? Status::FailedPrecondition(message) : Status::Unavailable(message);
  }
}

NatsMessage Copy(natsMsg* msg, uint64_t stream_seq) {
  NatsMessage out;
  if (const char* subject = natsMsg_GetSubject(msg)) out.subject = subject;
  if (const char* reply = natsMsg_GetReply(msg)) out.reply = reply;
  out.data.assign(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) == NATS_OK) {
    for (int i = 0; i < count; ++i) {
      const char* value = nullptr;
      if (natsMsgHeader_Get(msg, keys[i], &value) == NATS_OK && value != nullptr) {
        out.headers[keys[i]] = value;
      }
    }
    free(const_cast<char**>(keys));  // the C client hands over the array, not the strings
  }
  out.stream_seq = stream_seq;
  return out;
}

// A message with its stream sequence when it came from a JetStream consumer.
NatsMessage ReadMessage(natsMsg* msg) {
  uint64_t stream_seq = 0;
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
    stream_seq = meta->Sequence.Stream;
    jsMsgMetaData_Destroy(meta);
  }
  return Copy(msg, stream_seq);
}

struct MsgDeleter {
  void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
using MsgPtr = std::unique_ptr<natsMsg, MsgDeleter>;

Result<MsgPtr> NewMessage(const std::string& subject,
                          const std::map<std::string, std::string>& headers,
                          std::string_view data) {
  natsMsg* raw = nullptr;
  LEDGER_RETURN_IF_ERROR(FromNats(
      natsMsg_Create(&raw, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size())),
      "natsMsg_Create"));
  MsgPtr msg(raw);
  for (const auto& [k, v] : headers) {
    LEDGER_RETURN_IF_ERROR(
        FromNats(natsMsgHeader_Set(msg.get(), k.c_str(), v.c_str()), "natsMsgHeader_Set"));
  }
  return msg;
}

// What a push subscription's callbacks use. Invariant: it outlives every call the C client
// makes with it, the last being OnPushFinished.
struct PushDelivery {
  std::function<void(NatsMessage)> on_message;
  Mutex mu;
  CondVar finished_cv;
  bool finished LEDGER_GUARDED_BY(mu) = false;

  // True once the C client has closed the subscription and no callback runs any more.
  bool AwaitFinished(std::chrono::milliseconds timeout) LEDGER_EXCLUDES(mu) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(mu);
    while (!finished) {
      if (!finished_cv.WaitUntil(mu, deadline)) return finished;
    }
    return true;
  }
};

void OnPushMessage(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
  MsgPtr msg(raw);
  static_cast<PushDelivery*>(closure)->on_message(ReadMessage(msg.get()));
}

void OnPushFinished(void* closure) {
  auto* delivery = static_cast<PushDelivery*>(closure);
  // Signalled under the lock: the waiter frees `delivery` as soon as it sees `finished`.
  MutexLock lock(delivery->mu);
  delivery->finished = true;
  delivery->finished_cv.SignalAll();
}

}  // namespace

std::string NatsMessage::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

Result<uint64_t> NatsMessage::NumberHeader(std::string_view name) const {
  auto value = ParseDecimal(Header(std::string(name)));
  if (!value.ok()) return value.status().WithContext(name);
  return value;
}

struct NatsConnection::Handles {
  natsOptions* options = nullptr;
  natsConnection* conn = nullptr;
  jsCtx* js = nullptr;
  ~Handles() {
    if (js) jsCtx_Destroy(js);
    if (conn) {
      natsConnection_Close(conn);
      natsConnection_Destroy(conn);
    }
    if (options) natsOptions_Destroy(options);
  }
};

struct NatsSubscription::Handle {
  natsSubscription* sub = nullptr;
  std::unique_ptr<PushDelivery> push;  // push subscriptions only
  ~Handle() {
    if (!sub) return;
    natsSubscription_Unsubscribe(sub);
    // A callback still running (or a C client that never says it is done) must not find its
    // closure freed: after the wait, it is left to the process instead.
    if (push && !push->AwaitFinished(std::chrono::seconds(10))) (void)push.release();
    natsSubscription_Destroy(sub);
  }
};

NatsConnection::NatsConnection(std::unique_ptr<Handles> handles) : h_(std::move(handles)) {}
NatsConnection::~NatsConnection() = default;
NatsSubscription::NatsSubscription(std::unique_ptr<Handle> handle) : h_(std::move(handle)) {}
NatsSubscription::~NatsSubscription() = default;

Result<std::unique_ptr<NatsConnection>> NatsConnection::Connect(const std::string& urls,
                                                                const std::string& name,
                                                                const NatsConnectOptions& options) {
  auto h = std::make_unique<Handles>();
  LEDGER_RETURN_IF_ERROR(FromNats(natsOptions_Create(&h->options), "natsOptions_Create"));
  if (options.shared_delivery_threads > 0) {
    LEDGER_RETURN_IF_ERROR(
        FromNats(nats_SetMessageDeliveryPoolSize(options.shared_delivery_threads),
                 "nats_SetMessageDeliveryPoolSize"));
    LEDGER_RETURN_IF_ERROR(FromNats(natsOptions_UseGlobalMessageDelivery(h->options, true),
                                    "natsOptions_UseGlobalMessageDelivery"));
  }
  // Split the comma-separated list: each is a server of the same cluster.
  std::vector<std::string> list;
  size_t start = 0;
  while (start <= urls.size()) {
    size_t comma = urls.find(',', start);
    if (comma == std::string::npos) comma = urls.size();
    if (comma > start) list.push_back(urls.substr(start, comma - start));
    start = comma + 1;
  }
  if (list.empty()) return Status::InvalidArgument("no NATS server URL given");
  std::vector<const char*> servers;
  for (const auto& s : list) servers.push_back(s.c_str());
  LEDGER_RETURN_IF_ERROR(
      FromNats(natsOptions_SetServers(h->options, servers.data(), static_cast<int>(servers.size())),
               "natsOptions_SetServers " + urls));
  natsOptions_SetName(h->options, name.c_str());
  natsOptions_SetMaxReconnect(h->options, -1);  // for ever: the ledger outlives NATS outages
  natsOptions_SetReconnectWait(h->options, 250);
  natsOptions_SetTimeout(h->options, 2000);
  // Start even if no server is up yet; the client keeps trying in the background.
  natsOptions_SetRetryOnFailedConnect(h->options, true, nullptr, nullptr);
  natsStatus s = natsConnection_Connect(&h->conn, h->options);
  if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
    return FromNats(s, "connecting to " + urls);
  }
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 2000;
  LEDGER_RETURN_IF_ERROR(
      FromNats(natsConnection_JetStream(&h->js, h->conn, &jo), "natsConnection_JetStream"));
  return std::unique_ptr<NatsConnection>(new NatsConnection(std::move(h)));
}

bool NatsConnection::connected() const {
  return natsConnection_Status(h_->conn) == NATS_CONN_STATUS_CONNECTED;
}

Result<NatsConnection::StreamState> NatsConnection::EnsureStream(
    const std::string& stream, const std::vector<std::string>& subjects, int replicas) {
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, h_->js, stream.c_str(), nullptr, &code);
  if (s == NATS_NOT_FOUND || code == kStreamNotFound) {
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = stream.c_str();
    std::vector<const char*> subs;
    for (const auto& sub : subjects) subs.push_back(sub.c_str());
    config.Subjects = subs.data();
    config.SubjectsLen = static_cast<int>(subs.size());
    config.Storage = js_FileStorage;
    config.Replicas = replicas;
    config.Retention = js_LimitsPolicy;
    config.Duplicates = int64_t{120} * 1000 * 1000 * 1000;  // 2 minutes, in nanoseconds
    code = static_cast<jsErrCode>(0);
    s = js_AddStream(&info, h_->js, &config, nullptr, &code);
    LEDGER_RETURN_IF_ERROR(FromNats(s, "creating stream " + stream, code));
  } else {
    LEDGER_RETURN_IF_ERROR(FromNats(s, "js_GetStreamInfo " + stream, code));
  }
  StreamState state{info->State.LastSeq, info->State.Msgs};
  jsStreamInfo_Destroy(info);
  return state;
}

Result<NatsConnection::StreamState> NatsConnection::GetStreamState(const std::string& stream) {
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&info, h_->js, stream.c_str(), nullptr, &code);
  if (s == NATS_NOT_FOUND || code == kStreamNotFound) {
    return Status::NotFound("no stream " + stream);
  }
  LEDGER_RETURN_IF_ERROR(FromNats(s, "js_GetStreamInfo " + stream, code));
  StreamState state{info->State.LastSeq, info->State.Msgs};
  jsStreamInfo_Destroy(info);
  return state;
}

Result<uint64_t> NatsConnection::Publish(const std::string& subject,
                                         const std::map<std::string, std::string>& headers,
                                         std::string_view data, const std::string& msg_id,
                                         std::optional<uint64_t> expect_last_seq,
                                         int* js_error_code) {
  LEDGER_ASSIGN_OR_RETURN(auto msg, NewMessage(subject, headers, data));
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  po.MaxWait = 2000;
  if (expect_last_seq) {
    // The C client sends the header only for a non-zero value; "the stream is empty" is
    // checked by the caller from the stream's state.
    po.ExpectLastSeq = *expect_last_seq;
  }
  jsPubAck* ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_PublishMsg(&ack, h_->js, msg.get(), &po, &code);
  if (js_error_code) *js_error_code = static_cast<int>(code);
  if (s != NATS_OK) return FromNats(s, "publish to " + subject, code);
  const uint64_t seq = ack->Sequence;
  jsPubAck_Destroy(ack);
  return seq;
}

Result<NatsMessage> NatsConnection::GetMessage(const std::string& stream, uint64_t seq) {
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetMsg(&raw, h_->js, stream.c_str(), seq, nullptr, &code);
  if (code == kNoMessageFound) return Status::NotFound("no message " + std::to_string(seq));
  LEDGER_RETURN_IF_ERROR(FromNats(s, "js_GetMsg " + std::to_string(seq), code));
  MsgPtr msg(raw);
  return Copy(msg.get(), natsMsg_GetSequence(msg.get()));
}

Result<NatsMessage> NatsConnection::GetLastMessage(const std::string& stream,
                                                   const std::string& subject) {
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetLastMsg(&raw, h_->js, stream.c_str(), subject.c_str(), nullptr, &code);
  if (code == kNoMessageFound || s == NATS_NOT_FOUND) {
    return Status::NotFound("no message on " + subject);
  }
  LEDGER_RETURN_IF_ERROR(FromNats(s, "js_GetLastMsg " + subject, code));
  MsgPtr msg(raw);
  return Copy(msg.get(), natsMsg_GetSequence(msg.get()));
}

Status NatsConnection::DeleteMessage(const std::string& stream, uint64_t seq) {
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_DeleteMsg(h_->js, stream.c_str(), seq, nullptr, &code);
  return FromNats(s, "js_DeleteMsg " + std::to_string(seq), code);
}

Result<NatsMessage> NatsConnection::Request(const std::string& subject, std::string_view data,
                                            int64_t timeout_ms) {
  natsMsg* raw = nullptr;
  natsStatus s = natsConnection_Request(&raw, h_->conn, subject.c_str(), data.data(),
                                        static_cast<int>(data.size()), timeout_ms);
  LEDGER_RETURN_IF_ERROR(FromNats(s, "request on " + subject));
  MsgPtr msg(raw);
  return Copy(msg.get(), 0);
}

Status NatsConnection::Respond(const std::string& reply_subject,
                               const std::map<std::string, std::string>& headers,
                               std::string_view data) {
  LEDGER_ASSIGN_OR_RETURN(auto msg, NewMessage(reply_subject, headers, data));
  return FromNats(natsConnection_PublishMsg(h_->conn, msg.get()), "reply");
}

Result<std::unique_ptr<NatsSubscription>> NatsConnection::Subscribe(const std::string& subject) {
  auto h = std::make_unique<NatsSubscription::Handle>();
  LEDGER_RETURN_IF_ERROR(FromNats(natsConnection_SubscribeSync(&h->sub, h_->conn, subject.c_str()),
                                  "subscribe to " + subject));
  return std::unique_ptr<NatsSubscription>(new NatsSubscription(std::move(h)));
}

Result<std::unique_ptr<NatsSubscription>> NatsConnection::SubscribeOrdered(
    const std::string& stream, const std::string& subject, uint64_t start_seq) {
  auto h = std::make_unique<NatsSubscription::Handle>();
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Ordered = true;
  so.Config.DeliverPolicy = start_seq <= 1 ? js_DeliverAll : js_DeliverByStartSequence;
  so.Config.OptStartSeq = start_seq <= 1 ? 0 : start_seq;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_SubscribeSync(&h->sub, h_->js, subject.c_str(), nullptr, &so, &code);
  LEDGER_RETURN_IF_ERROR(FromNats(s, "ordered consumer of " + stream, code));
  return std::unique_ptr<NatsSubscription>(new NatsSubscription(std::move(h)));
}

Result<std::unique_ptr<NatsSubscription>> NatsConnection::SubscribeDurablePush(
    const std::string& stream, const std::string& subject, const std::string& durable,
    std::function<void(NatsMessage)> on_message) {
  auto h = std::make_unique<NatsSubscription::Handle>();
  h->push = std::make_unique<PushDelivery>();
  h->push->on_message = std::move(on_message);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Config.Durable = durable.c_str();
  so.Config.AckPolicy = js_AckNone;
  so.Config.DeliverPolicy = js_DeliverNew;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_Subscribe(&h->sub, h_->js, subject.c_str(), OnPushMessage, h->push.get(),
                              nullptr, &so, &code);
  LEDGER_RETURN_IF_ERROR(FromNats(s, "durable consumer " + durable + " of " + stream, code));
  LEDGER_RETURN_IF_ERROR(
      FromNats(natsSubscription_SetOnCompleteCB(h->sub, OnPushFinished, h->push.get()),
               "natsSubscription_SetOnCompleteCB"));
  return std::unique_ptr<NatsSubscription>(new NatsSubscription(std::move(h)));
}

Result<NatsMessage> NatsSubscription::Next(int64_t timeout_ms) {
  natsMsg* raw = nullptr;
  natsStatus s = natsSubscription_NextMsg(&raw, h_->sub, timeout_ms);
  if (s == NATS_TIMEOUT)
    return Status::NotFound("no message within " + std::to_string(timeout_ms) + " ms");
  LEDGER_RETURN_IF_ERROR(FromNats(s, "next message"));
  MsgPtr msg(raw);
  return ReadMessage(msg.get());
}

}  // namespace ledger::replication::internal
