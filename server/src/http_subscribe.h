// Subscriptions over HTTP (docs/api.md, "Subscriptions"): server-sent events on
// GET /v1/subscribe and WebSocket on GET /v1/ws. Templates over the stream type (plain TCP or
// TLS), included by http_session.cc only.
#ifndef SERVER_SRC_HTTP_SUBSCRIBE_H_
#define SERVER_SRC_HTTP_SUBSCRIBE_H_

#include <deque>
#include <nlohmann/json.hpp>
#include <string>

#include "base/run_blocking.h"
#include "ledger/event_codec.h"
#include "server_core.h"
#include "subscription.h"

namespace ledger::server::internal {

using Request = net::http::request<net::http::string_body>;

// Hub::Rendered kinds: the entries messages of each transport.
inline constexpr int kRenderedSse = 1;
inline constexpr int kRenderedWs = 2;

// The start position: the group's checkpoint if it has one, else `from` (nullopt: the end).
inline Result<uint64_t> StartPosition(ServerCore& core, const Principal& p,
                                      const SubscriptionSpec& spec) {
  const uint64_t end = core.hub->end();
  if (!spec.group.empty()) {
    if (Status may = CheckMayUseGroups(p); !may.ok()) return may;
    if (auto pos = core.groups->Position(p.key_id_hex, spec.group)) return std::min(*pos, end);
  }
  if (!spec.from) return end;
  if (*spec.from > end) {
    return Status::InvalidArgument("from " + std::to_string(*spec.from) +
                                   " is beyond the log's end " + std::to_string(end));
  }
  return *spec.from;
}

// The end message's JSON: {"type":"end",} (WebSocket only) "position", "reason" and, if not
// empty, "message".
inline std::string EndJson(uint64_t position, std::string_view reason, std::string_view message,
                           bool typed) {
  nlohmann::ordered_json j;
  if (typed) j["type"] = "end";
  j["position"] = position;
  j["reason"] = reason;
  if (!message.empty()) j["message"] = message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Server-sent events: every message's id is the position to resume from, so a client's
// Last-Event-ID resumes exactly after what it received.
template <typename Stream>
class SseSink final : public EventSink {
 public:
  SseSink(ServerCore& core, Stream& stream) : core_(core), stream_(stream) {}

  net::asio::awaitable<bool> SendEntries(const std::vector<EntryPtr>& entries, uint64_t next,
                                         bool whole_range) override {
    // (`next` is the last entry's id; skipped entries are covered by later heartbeats.)
    auto render = [&entries] {
      std::string text;
      for (const auto& e : entries) {
        text += "id: " + std::to_string(e->seq + 1) + "\nevent: entry\ndata: " + e->json + "\n\n";
      }
      return text;
    };
    auto text = whole_range ? core_.hub->Rendered(kRenderedSse, entries.front()->seq, next, render)
                            : std::make_shared<const std::string>(render());
    const bool ok = co_await Write(std::move(text));
    if (ok) core_.metrics.EntriesDelivered(entries.size());
    co_return ok;
  }
  net::asio::awaitable<bool> SendCaughtUp(uint64_t position) override {
    auto text = Message("caught_up", position, "{\"position\":" + std::to_string(position) + "}");
    const bool ok = co_await Write(std::move(text));
    co_return ok;
  }
  net::asio::awaitable<bool> SendHeartbeat(uint64_t position, uint64_t head) override {
    auto text = Message(
        "heartbeat", position,
        "{\"position\":" + std::to_string(position) + ",\"head\":" + std::to_string(head) + "}");
    const bool ok = co_await Write(std::move(text));
    co_return ok;
  }
  net::asio::awaitable<void> SendEnd(uint64_t position, std::string_view reason,
                                     std::string_view message) override {
    auto text = Message("end", position, EndJson(position, reason, message, false));
    co_await Write(std::move(text));
  }
  bool peer_closed() const override { return false; }

 private:
  static std::shared_ptr<const std::string> Message(std::string_view event, uint64_t id,
                                                    const std::string& data) {
    return std::make_shared<const std::string>("id: " + std::to_string(id) + "\nevent: " +
                                               std::string(event) + "\ndata: " + data + "\n\n");
  }
  // `text` may be shared with other subscribers: it is only read.
  net::asio::awaitable<bool> Write(std::shared_ptr<const std::string> text) {
    net::error_code ec;
    net::beast::get_lowest_layer(stream_).expires_after(core_.options.limits.write_timeout);
    co_await net::asio::async_write(stream_, net::asio::buffer(*text), net::UseAwaitable(ec));
    co_return !ec;
  }

  ServerCore& core_;
  Stream& stream_;
};

template <typename Stream>
net::asio::awaitable<void> ServeSse(ServerCore& core, Stream& stream, const Request& req,
                                    const Principal& principal, const SubscriptionSpec& spec_in,
                                    SessionRevocation& revocation) {
  SubscriptionSpec spec = spec_in;
  // A reconnecting EventSource sends the last id it saw: the position to resume from.
  const auto last_id = req["Last-Event-ID"];
  if (!last_id.empty()) {
    if (auto v = ParseDecimal(net::View(last_id)); v.ok()) {
      spec.from = *v;
      spec.group.clear();
    }
  }
  auto start = StartPosition(core, principal, spec);
  net::http::response<net::http::empty_body> head(net::http::status::ok, req.version());
  if (!start.ok()) {
    co_return;  // the caller checked the start already; the log cannot shrink
  }
  head.set(net::http::field::server, "ledger");
  head.set(net::http::field::content_type, "text/event-stream");
  head.set(net::http::field::cache_control, "no-cache");
  head.keep_alive(false);
  net::http::response_serializer<net::http::empty_body> sr(head);
  net::error_code ec;
  net::beast::get_lowest_layer(stream).expires_after(core.options.limits.write_timeout);
  co_await net::http::async_write_header(stream, sr, net::UseAwaitable(ec));
  if (ec) co_return;
  SseSink<Stream> sink(core, stream);
  auto waiter = std::make_shared<Waiter>(co_await net::asio::this_coro::executor);
  co_await RunSubscription({*core.hub, *core.ledger, *core.workers, *core.offices}, principal, spec,
                           *start, sink, waiter, revocation);
}

// WebSocket: text messages of JSON (docs/api.md). The client may send
// {"type":"ack","position":N} for the subscription's group; the server answers
// {"type":"acked",...} (or {"type":"error",...}) in order with its other messages.
template <typename Stream>
class WsSink final : public EventSink {
 public:
  WsSink(ServerCore& core, net::websocket::stream<Stream&>& ws) : core_(core), ws_(ws) {}

  net::asio::awaitable<bool> SendEntries(const std::vector<EntryPtr>& entries, uint64_t next,
                                         bool whole_range) override {
    auto render = [&entries, next] {
      size_t size = 64;
      for (const auto& e : entries) size += e->json.size() + 1;
      std::string text;
      text.reserve(size);
      text += "{\"type\":\"entries\",\"entries\":[";
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) text += ",";
        text += entries[i]->json;
      }
      text += "],\"next\":" + std::to_string(next) + "}";
      return text;
    };
    auto text = whole_range ? core_.hub->Rendered(kRenderedWs, entries.front()->seq, next, render)
                            : std::make_shared<const std::string>(render());
    const bool ok = co_await Write(std::move(text));
    if (ok) core_.metrics.EntriesDelivered(entries.size());
    co_return ok;
  }
  net::asio::awaitable<bool> SendCaughtUp(uint64_t position) override {
    auto text = Text("{\"type\":\"caught_up\",\"position\":" + std::to_string(position) + "}");
    const bool ok = co_await Write(std::move(text));
    co_return ok;
  }
  net::asio::awaitable<bool> SendHeartbeat(uint64_t position, uint64_t head) override {
    auto text = Text("{\"type\":\"heartbeat\",\"position\":" + std::to_string(position) +
                     ",\"head\":" + std::to_string(head) + "}");
    const bool ok = co_await Write(std::move(text));
    co_return ok;
  }
  net::asio::awaitable<void> SendEnd(uint64_t position, std::string_view reason,
                                     std::string_view message) override {
    auto text = Text(EndJson(position, reason, message, true));
    const bool ok = co_await Write(std::move(text));
    if (ok) {
      // A revocation is the server's policy ending the session (RFC 6455 7.4.1: 1008); anything
      // else is the server going away (1001).
      const bool revoked = reason == "revoked";
      const net::websocket::close_reason close(revoked ? net::websocket::close_code::policy_error
                                                       : net::websocket::close_code::going_away,
                                               revoked ? "revoked" : "");
      net::error_code ec;
      co_await ws_.async_close(close, net::UseAwaitable(ec));
    }
  }
  net::asio::awaitable<bool> SendQueued() override {
    const bool ok = co_await Write(nullptr);
    co_return ok;
  }
  bool peer_closed() const override { return peer_closed_; }

  // Used by the reader (same strand).
  void PeerClosed() { peer_closed_ = true; }
  void QueueControl(std::string message) { control_.push_back(Text(std::move(message))); }

 private:
  static std::shared_ptr<const std::string> Text(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
  }
  // Writes the queued control replies, then `text` if not null (which may be shared with other
  // subscribers: it is only read): one coroutine writes, in order.
  net::asio::awaitable<bool> Write(std::shared_ptr<const std::string> text) {
    if (text) control_.push_back(std::move(text));
    while (!control_.empty() && !peer_closed_) {
      std::shared_ptr<const std::string> m = std::move(control_.front());
      control_.pop_front();
      net::error_code ec;
      co_await ws_.async_write(net::asio::buffer(*m), net::UseAwaitable(ec));
      if (ec) co_return false;
    }
    co_return !peer_closed_;
  }

  ServerCore& core_;
  net::websocket::stream<Stream&>& ws_;
  std::deque<std::shared_ptr<const std::string>> control_;
  bool peer_closed_ = false;
};

// {"type":"error","code":...,"message":...}: the answer to a client message that is refused.
inline std::string WsError(std::string_view code, std::string_view message) {
  nlohmann::ordered_json j;
  j["type"] = "error";
  j["code"] = code;
  j["message"] = message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A client message that is an acknowledgement {"type":"ack","position":N}: its position in
// *position, else InvalidArgument naming what is wrong.
inline Status CheckWsAck(const nlohmann::json& j, uint64_t* position) {
  const char* kExpected = "; the client sends {\"type\":\"ack\",\"position\":N}";
  if (!j.is_object()) return Status::InvalidArgument(std::string("not an object") + kExpected);
  if (!j.contains("type") || !j["type"].is_string()) {
    return Status::InvalidArgument(std::string("type: missing or not a string") + kExpected);
  }
  const std::string type = j["type"].get<std::string>();
  if (type != "ack") {
    // The message may not be repeated in full (keys only): name the type only if short.
    return Status::InvalidArgument(
        (type.size() <= 32 ? "unknown message type \"" + type + "\"" : "unknown message type") +
        kExpected);
  }
  for (const auto& [name, value] : j.items()) {
    if (name != "type" && name != "position") {
      return Status::InvalidArgument("ack: unknown field \"" + name + "\"");
    }
  }
  if (!j.contains("position") || !j["position"].is_number_unsigned()) {
    return Status::InvalidArgument("ack: position must be a non-negative integer");
  }
  *position = j["position"].get<uint64_t>();
  return Status::Ok();
}

// The error message answering one WebSocket client message (`text`, a text message if
// `is_text`), or "" if it is an acknowledgement to store (its position in *position).
inline std::string WsRefusal(bool is_text, const std::string& text, const std::string& group,
                             uint64_t end, uint64_t* position) {
  if (!is_text) {
    return WsError("invalid_argument",
                   "binary messages are not accepted; send JSON text: "
                   "{\"type\":\"ack\",\"position\":N}");
  }
  auto j = ParseEventJson(text);
  if (!j.ok()) {
    return WsError("malformed_json", "the message is not valid JSON: " + j.status().message());
  }
  Status bad = CheckWsAck(*j, position);
  if (!bad.ok()) return WsError("invalid_argument", bad.message());
  if (group.empty()) {
    return WsError("failed_precondition",
                   "acknowledgements need a group (subscribe with group=NAME)");
  }
  if (*position > end) {
    return WsError("invalid_argument", "ack: position " + std::to_string(*position) +
                                           " is beyond the log's end " + std::to_string(end));
  }
  return "";
}

// What a WebSocket client sends: acknowledgements for the subscription's group.
template <typename Stream>
net::asio::awaitable<void> WsReader(ServerCore& core, net::websocket::stream<Stream&>& ws,
                                    WsSink<Stream>& sink, std::shared_ptr<Waiter> waiter,
                                    Principal principal, std::string group,
                                    std::shared_ptr<bool> done) {
  net::beast::flat_buffer buffer;
  for (;;) {
    net::error_code ec;
    buffer.clear();
    co_await ws.async_read(buffer, net::UseAwaitable(ec));
    if (ec) break;
    std::string text = net::beast::buffers_to_string(buffer.data());
    uint64_t position = 0;
    std::string reply = WsRefusal(ws.got_text(), text, group, core.hub->end(), &position);
    if (reply.empty()) {
      auto ack = [&core, key = principal.key_id_hex, group, position]() {
        auto r = core.groups->Ack(key, group, position);
        return r.ok() ? std::string("{\"type\":\"acked\",\"group\":\"" + group +
                                    "\",\"position\":" + std::to_string(*r) + "}")
                      : WsError("unavailable", "the acknowledgement could not be stored");
      };
      // Initialised, not assigned (g++ 12 and `x = co_await ...`, see binary_session.cc).
      std::string acked = co_await RunBlocking(*core.workers, std::move(ack));
      reply = std::move(acked);
    }
    sink.QueueControl(std::move(reply));
    waiter->Wake();
  }
  sink.PeerClosed();
  waiter->Wake();
  *done = true;
}

template <typename Stream>
net::asio::awaitable<void> ServeWebSocket(ServerCore& core, Stream& stream, Request req,
                                          const Principal& principal, const SubscriptionSpec& spec,
                                          uint64_t start, SessionRevocation& revocation) {
  net::beast::get_lowest_layer(stream).expires_never();
  net::websocket::stream<Stream&> ws(stream);
  auto timeouts = net::websocket::stream_base::timeout::suggested(net::beast::role_type::server);
  timeouts.idle_timeout = core.options.limits.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.read_message_max(64 * 1024);
  ws.set_option(net::websocket::stream_base::decorator(
      [](net::websocket::response_type& res) { res.set(net::http::field::server, "ledger"); }));
  net::error_code ec;
  co_await ws.async_accept(req, net::UseAwaitable(ec));
  if (ec) co_return;
  ws.text(true);
  WsSink<Stream> sink(core, ws);
  auto executor = co_await net::asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter>(executor);
  auto reader_done = std::make_shared<bool>(false);
  net::asio::co_spawn(executor,
                      WsReader<Stream>(core, ws, sink, waiter, principal, spec.group, reader_done),
                      net::asio::detached);
  co_await RunSubscription({*core.hub, *core.ledger, *core.workers, *core.offices}, principal, spec,
                           start, sink, waiter, revocation);
  // The reader refers to ws and sink: end it and wait for it before they go.
  net::beast::get_lowest_layer(stream).socket().close(ec);
  net::asio::steady_timer pause(executor);
  while (!*reader_done) {
    pause.expires_after(std::chrono::milliseconds(5));
    co_await pause.async_wait(net::UseAwaitable(ec));
  }
}

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_HTTP_SUBSCRIBE_H_
