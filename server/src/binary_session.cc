// One binary-protocol connection (docs/protocol.md): a Hello with a token, then appends
// answered in order, or one subscription (with acknowledgements for its group) until the end.
// g++ 12 reports Asio's awaitable frame allocator (its own operator new/delete pair) as
// mismatched in this file's coroutines: a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <algorithm>
#include <deque>
#include <exception>
#include <optional>

#include "base/run_blocking.h"
#include "connection_guard.h"
#include "read_deadline.h"
#include "server/binary_protocol.h"
#include "server_core.h"
#include "session_revocation.h"
#include "subscription.h"

namespace ledger::server::internal {
namespace {

using net::error_code;
using net::tcp;
using net::asio::awaitable;

// g++ 12: no temporary with a destructor (a std::variant message above all) may appear inside a
// co_await expression in this file; it can be destroyed twice. Frames are built into named
// strings first.

// A frame as read: its message bytes, still undecoded (no std::variant crosses a co_await:
// g++ 12 mishandles those here).
struct RawFrame {
  Status status;           // not OK: the connection cannot go on (framing lost, timeout, closed)
  std::string error_code;  // "frame_too_large", "request_timeout", "idle_timeout", ...
  std::string body;
};

struct Frame {
  Status status;
  std::string error_code;  // for a refused frame: "frame_too_large", "malformed_frame", ...
  std::optional<binary::ClientMessage> message;  // empty with OK status: a refused message
  std::string refusal;                           // why the message was refused
};

// The error of a frame header announcing more than the limit: both sizes, in bytes.
Status FrameTooLarge(const char (&header)[binary::kFrameHeaderBytes], const ServerLimits& limits) {
  const auto* b = reinterpret_cast<const unsigned char*>(header);
  const uint32_t n = uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
  return Status::InvalidArgument("a frame of " + std::to_string(n) +
                                 " bytes exceeds the limit of " +
                                 std::to_string(limits.max_frame_bytes) + " bytes");
}

// The text of the error that ends a connection whose first frame is no usable Hello: what went
// wrong with the frame if it could not be read or decoded, else that it is not a Hello.
std::string HelloRefusal(const Frame& hello) {
  if (!hello.status.ok() && !hello.error_code.empty()) return hello.status.message();
  std::string text = "the first frame must be a Hello with a token";
  if (hello.status.ok() && !hello.message) text += ": " + hello.refusal;
  return text;
}

Frame DecodeFrame(ServerCore& core, RawFrame raw) {
  Frame out;
  out.status = raw.status;
  out.error_code = std::move(raw.error_code);
  if (!out.status.ok()) return out;
  auto message = binary::DecodeClientMessage(raw.body);
  if (!message.ok()) {
    // The framing is intact: the connection goes on after an error for this frame.
    core.metrics.FramesRefused(1);
    out.error_code = "malformed_frame";
    out.refusal = message.status().message();
    return out;
  }
  out.message = std::move(message).value();
  return out;
}

template <typename Stream>
tcp::socket& Socket(Stream& stream) {
  return net::beast::get_lowest_layer(stream).socket();
}

// The fatal error of a frame that did not arrive in time, naming the limit: nothing at all
// within `wait` is an idle connection (idle_timeout); part of a frame is a slow one
// (request_timeout).
void FrameTimedOut(const ServerLimits& limits, std::chrono::milliseconds wait, bool began,
                   RawFrame* out) {
  if (began) {
    out->error_code = "request_timeout";
    out->status =
        Status::Unavailable("no complete frame within " +
                            std::to_string(limits.read_timeout.count()) + " ms of its first byte");
  } else {
    out->error_code = "idle_timeout";
    out->status = Status::Unavailable("no frame within " + std::to_string(wait.count()) + " ms");
  }
}

// Reads one frame: waits up to `wait` for its first byte, then `read_timeout` for the rest
// (header and body together, so a frame cannot take longer by trickling).
template <typename Stream>
awaitable<RawFrame> ReadFrame(ServerCore& core, Stream& stream, ReadDeadline& deadline,
                              std::chrono::milliseconds wait) {
  const ServerLimits& limits = core.options.limits;
  RawFrame out;
  char header[binary::kFrameHeaderBytes];
  error_code ec;
  deadline.Arm(wait);
  size_t got = co_await stream.async_read_some(net::asio::buffer(header, sizeof header),
                                               net::UseAwaitable(ec));
  if (!ec) deadline.Arm(limits.read_timeout);
  if (!ec && got < sizeof header) {
    co_await net::asio::async_read(stream, net::asio::buffer(header + got, sizeof header - got),
                                   net::UseAwaitable(ec));
  }
  if (ec) {
    deadline.Disarm();
    if (deadline.expired()) {
      FrameTimedOut(limits, wait, got > 0, &out);
    } else {
      out.status = Status::Unavailable(ec.message());
    }
    co_return out;
  }
  auto length =
      binary::FrameLength(std::string_view(header, sizeof header), limits.max_frame_bytes);
  if (!length.ok()) {
    deadline.Disarm();
    out.status = length.status();
    out.error_code = length.status().message().find("exceeds") != std::string::npos
                         ? "frame_too_large"
                         : "malformed_frame";
    if (out.error_code == "frame_too_large") out.status = FrameTooLarge(header, limits);
    co_return out;
  }
  std::string body(*length, '\0');
  co_await net::asio::async_read(stream, net::asio::buffer(body), net::UseAwaitable(ec));
  deadline.Disarm();
  if (ec) {
    if (deadline.expired()) {
      FrameTimedOut(limits, wait, true, &out);
    } else {
      out.status = Status::Unavailable(ec.message());
    }
    co_return out;
  }
  out.body = std::move(body);
  co_return out;
}

template <typename Stream>
awaitable<bool> WriteFrame(ServerCore& core, Stream& stream, std::string frame) {
  error_code ec;
  net::beast::get_lowest_layer(stream).expires_after(core.options.limits.write_timeout);
  co_await net::asio::async_write(stream, net::asio::buffer(frame), net::UseAwaitable(ec));
  net::beast::get_lowest_layer(stream).expires_never();
  co_return !ec;
}

binary::ServerMessage ErrorMessage(std::string code, std::string message, bool fatal,
                                   uint64_t request_id = 0) {
  return binary::Error{std::move(code), std::move(message), request_id, fatal};
}

binary::EventResult Refused(const Status& s) {
  binary::EventResult r;
  r.ok = false;
  r.error_code = std::string(ErrorCodeFor(s.code()));
  r.error_message = s.message();
  return r;
}

// Appends a batch for `p` (on a worker thread): per-event results in order.
binary::AppendReply Append(ServerCore& core, const Principal& p, binary::AppendBatch batch) {
  const auto start = std::chrono::steady_clock::now();
  binary::AppendReply reply;
  reply.request_id = batch.request_id;
  reply.results.resize(batch.events.size());
  std::vector<SignedEvent> accepted;
  std::vector<size_t> index;
  uint64_t appended = 0, refused = 0;
  for (size_t i = 0; i < batch.events.size(); ++i) {
    Status s = CheckSigner(batch.events[i], p);
    if (!s.ok()) {
      reply.results[i] = Refused(s.WithContext("events[" + std::to_string(i) + "]"));
      continue;
    }
    accepted.push_back(std::move(batch.events[i]));
    index.push_back(i);
  }
  if (batch.atomic) {
    Status whole;
    if (accepted.size() != batch.events.size()) {
      whole = Status::PermissionDenied("the atomic batch holds events the token may not append");
    } else {
      auto results = core.ledger->log().AppendAtomic(accepted);
      if (results.ok()) {
        for (size_t k = 0; k < results->size(); ++k) {
          reply.results[k].ok = true;
          reply.results[k].result = (*results)[k];
          core.hub->NotifyDurable((*results)[k].seq + 1);
        }
        appended = results->size();
      } else {
        whole = results.status();
      }
    }
    if (!whole.ok()) {
      for (auto& r : reply.results) r = Refused(whole);
      refused = reply.results.size();
    }
  } else {
    auto results = accepted.empty() ? std::vector<Result<AppendResult>>()
                                    : core.ledger->log().AppendEach(accepted);
    for (size_t k = 0; k < results.size(); ++k) {
      if (results[k].ok()) {
        reply.results[index[k]].ok = true;
        reply.results[index[k]].result = *results[k];
        core.hub->NotifyDurable(results[k]->seq + 1);
      } else {
        reply.results[index[k]] = Refused(results[k].status());
      }
    }
    for (const auto& r : reply.results) (r.ok ? appended : refused)++;
  }
  core.metrics.AppendDone(
      appended, refused,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return reply;
}

template <typename Stream>
class BinarySink final : public EventSink {
 public:
  BinarySink(ServerCore& core, Stream& stream) : core_(core), stream_(stream) {}

  awaitable<bool> SendEntries(const std::vector<EntryPtr>& entries, uint64_t next,
                              bool whole_range) override {
    (void)whole_range;  // frames are made per subscriber (they are small: canonical bytes)
    binary::Entries m;
    m.next = next;
    m.entries.reserve(entries.size());
    for (const auto& e : entries) m.entries.emplace_back(e->seq, e->bytes);
    std::string frame_8 = binary::EncodeFrame(binary::ServerMessage(std::move(m)));
    const bool ok = co_await Write(std::move(frame_8));
    if (ok) core_.metrics.EntriesDelivered(entries.size());
    co_return ok;
  }
  awaitable<bool> SendCaughtUp(uint64_t position) override {
    std::string frame_9 = binary::EncodeFrame(binary::ServerMessage(binary::CaughtUp{position}));
    const bool ok = co_await Write(std::move(frame_9));
    co_return ok;
  }
  awaitable<bool> SendHeartbeat(uint64_t position, uint64_t head) override {
    std::string frame =
        binary::EncodeFrame(binary::ServerMessage(binary::Heartbeat{position, head}));
    const bool ok = co_await Write(std::move(frame));
    co_return ok;
  }
  awaitable<void> SendEnd(uint64_t position, std::string_view reason,
                          std::string_view message) override {
    std::string frame_11 = binary::EncodeFrame(
        binary::ServerMessage(binary::End{position, std::string(reason), std::string(message)}));
    co_await Write(std::move(frame_11));
  }
  bool peer_closed() const override { return peer_closed_; }
  void PeerClosed() { peer_closed_ = true; }
  void QueueControl(std::string frame) { control_.push_back(std::move(frame)); }

 private:
  // Writes queued control frames (acknowledgement replies), then `frame`; one writer, in order.
  awaitable<bool> Write(std::string frame) {
    control_.push_back(std::move(frame));
    while (!control_.empty() && !peer_closed_) {
      std::string f = std::move(control_.front());
      control_.pop_front();
      const bool ok = co_await WriteFrame(core_, stream_, std::move(f));
      if (!ok) co_return false;
    }
    co_return !peer_closed_;
  }

  ServerCore& core_;
  Stream& stream_;
  std::deque<std::string> control_;
  bool peer_closed_ = false;
};

// Reads acknowledgements while a subscription runs.
template <typename Stream>
awaitable<void> AckReader(ServerCore& core, Stream& stream, BinarySink<Stream>& sink,
                          std::shared_ptr<Waiter> waiter, std::shared_ptr<ReadDeadline> deadline,
                          Principal principal, std::string group, std::shared_ptr<bool> done) {
  for (;;) {
    RawFrame raw = co_await ReadFrame(core, stream, *deadline, std::chrono::hours(24 * 365));
    Frame frame = DecodeFrame(core, std::move(raw));
    if (!frame.status.ok()) break;
    std::string reply = binary::EncodeFrame(ErrorMessage("malformed_frame", frame.refusal, false));
    if (frame.message) {
      if (!std::holds_alternative<binary::Ack>(*frame.message)) {
        reply = binary::EncodeFrame(ErrorMessage(
            "failed_precondition", "a subscribed connection takes only acknowledgements", false));
      } else if (group.empty()) {
        reply = binary::EncodeFrame(
            ErrorMessage("failed_precondition", "acknowledgements need a group", false));
      } else {
        const uint64_t position = std::get<binary::Ack>(*frame.message).position;
        if (position > core.hub->end()) {
          reply = binary::EncodeFrame(
              ErrorMessage("invalid_argument", "position beyond the log's end", false));
        } else {
          auto ack = [&core, key = principal.key_id_hex, group, position]() {
            auto r = core.groups->Ack(key, group, position);
            return binary::EncodeFrame(
                r.ok() ? binary::ServerMessage(binary::Acked{*r})
                       : ErrorMessage("unavailable", "the acknowledgement could not be stored",
                                      false));
          };
          std::string acked = co_await RunBlocking(*core.workers, std::move(ack));
          reply = std::move(acked);
        }
      }
    }
    sink.QueueControl(std::move(reply));
    waiter->Wake();
  }
  sink.PeerClosed();
  waiter->Wake();
  *done = true;
}

template <typename Stream>
awaitable<void> Subscribe(ServerCore& core, Stream& stream, std::shared_ptr<ReadDeadline> deadline,
                          const Principal& principal, const binary::Subscribe& request,
                          SessionRevocation& revocation) {
  SubscriptionSpec spec;
  if (!request.from_end) spec.from = request.from;
  spec.type_prefixes = request.type_prefixes;
  spec.stream_prefixes = request.stream_prefixes;
  spec.group = request.group;
  spec.heartbeat =
      request.heartbeat_ms == 0
          ? core.options.heartbeat
          : std::chrono::milliseconds(std::clamp<uint32_t>(request.heartbeat_ms, 100, 60000));
  if (!spec.group.empty() && !ValidGroupName(spec.group)) {
    std::string frame_0 = binary::EncodeFrame(
        ErrorMessage("invalid_argument", "group must be 1-64 characters of [A-Za-z0-9._-]", true));
    co_await WriteFrame(core, stream, std::move(frame_0));
    co_return;
  }
  const Status may_group = spec.group.empty() ? Status::Ok() : CheckMayUseGroups(principal);
  if (!may_group.ok()) {
    std::string frame_g =
        binary::EncodeFrame(ErrorMessage("permission_denied", may_group.message(), true));
    co_await WriteFrame(core, stream, std::move(frame_g));
    co_return;
  }
  uint64_t start = core.hub->end();
  std::optional<uint64_t> group_pos;
  if (!spec.group.empty()) group_pos = core.groups->Position(principal.key_id_hex, spec.group);
  if (group_pos) {
    start = std::min(*group_pos, start);
  } else if (spec.from) {
    if (*spec.from > start) {
      std::string frame_1 =
          binary::EncodeFrame(ErrorMessage("invalid_argument",
                                           "from " + std::to_string(*spec.from) +
                                               " is beyond the log's end " + std::to_string(start),
                                           true));
      co_await WriteFrame(core, stream, std::move(frame_1));
      co_return;
    }
    start = *spec.from;
  }
  BinarySink<Stream> sink(core, stream);
  auto executor = co_await net::asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter>(executor);
  auto done = std::make_shared<bool>(false);
  net::asio::co_spawn(
      executor,
      AckReader<Stream>(core, stream, sink, waiter, deadline, principal, spec.group, done),
      net::asio::detached);
  co_await RunSubscription({*core.hub, *core.ledger, *core.workers, *core.offices}, principal, spec,
                           start, sink, waiter, revocation);
  // The reader refers to the stream and the sink: end it and wait before they go.
  error_code ec;
  Socket(stream).close(ec);
  net::asio::steady_timer pause(executor);
  while (!*done) {
    pause.expires_after(std::chrono::milliseconds(5));
    co_await pause.async_wait(net::UseAwaitable(ec));
  }
}

template <typename Stream>
awaitable<void> BinaryLoop(ServerCore& core, Stream& stream) {
  const ServerLimits& limits = core.options.limits;
  auto deadline =
      std::make_shared<ReadDeadline>(co_await net::asio::this_coro::executor, Socket(stream));
  // The Hello comes first, within the read timeout.
  RawFrame raw_hello = co_await ReadFrame(core, stream, *deadline, limits.read_timeout);
  Frame hello = DecodeFrame(core, std::move(raw_hello));
  if (!hello.status.ok() || !hello.message ||
      !std::holds_alternative<binary::Hello>(*hello.message)) {
    const std::string code = hello.error_code.empty() ? "unauthenticated" : hello.error_code;
    std::string frame_2 = binary::EncodeFrame(ErrorMessage(code, HelloRefusal(hello), true));
    co_await WriteFrame(core, stream, std::move(frame_2));
    co_return;
  }
  const auto& h = std::get<binary::Hello>(*hello.message);
  if (h.protocol_version != binary::kProtocolVersion) {
    std::string frame_3 = binary::EncodeFrame(ErrorMessage(
        "unsupported_version",
        "this server speaks protocol version " + std::to_string(binary::kProtocolVersion), true));
    co_await WriteFrame(core, stream, std::move(frame_3));
    co_return;
  }
  auto principal = core.auth->Authenticate("Bearer " + h.token);
  if (!principal.ok()) {
    std::string frame_4 =
        binary::EncodeFrame(ErrorMessage("unauthenticated", principal.status().message(), true));
    co_await WriteFrame(core, stream, std::move(frame_4));
    co_return;
  }
  // Watched from now on: a revocation of the token or its key ends the connection, at once if
  // it waits for a frame, and no append is taken after it.
  SessionRevocation revocation(*core.revocations, co_await net::asio::this_coro::executor,
                               &Socket(stream));
  revocation.Watch(*principal);
  {
    std::string welcome = binary::EncodeFrame(
        binary::ServerMessage(binary::Welcome{core.hub->end(), principal->role}));
    const bool ok = co_await WriteFrame(core, stream, std::move(welcome));
    if (!ok) co_return;
  }
  for (;;) {
    if (revocation.revoked()) {
      std::string frame_r =
          binary::EncodeFrame(ErrorMessage("unauthenticated", revocation.why(), true));
      co_await WriteFrame(core, stream, std::move(frame_r));
      co_return;
    }
    revocation.set_interrupt_reads(true);
    RawFrame raw = co_await ReadFrame(core, stream, *deadline, limits.idle_timeout);
    revocation.set_interrupt_reads(false);
    if (revocation.revoked()) continue;  // the read was cancelled: say why, above
    Frame frame = DecodeFrame(core, std::move(raw));
    if (!frame.status.ok()) {
      if (!frame.error_code.empty()) {
        std::string frame_5 =
            binary::EncodeFrame(ErrorMessage(frame.error_code, frame.status.message(), true));
        co_await WriteFrame(core, stream, std::move(frame_5));
      }
      co_return;
    }
    if (!frame.message) {
      std::string refused =
          binary::EncodeFrame(ErrorMessage(frame.error_code, frame.refusal, false));
      const bool ok = co_await WriteFrame(core, stream, std::move(refused));
      if (!ok) co_return;
      continue;
    }
    if (core.stopping) {
      std::string frame_6 =
          binary::EncodeFrame(ErrorMessage("shutting_down", "the server is stopping", true));
      co_await WriteFrame(core, stream, std::move(frame_6));
      co_return;
    }
    int retry_after = 0;
    if (!core.rate->Allow(principal->token_id, 1.0, &retry_after)) {
      std::string limited = binary::EncodeFrame(ErrorMessage(
          "rate_limited",
          "over the token's request rate; retry after " + std::to_string(retry_after) + " s",
          false));
      const bool ok = co_await WriteFrame(core, stream, std::move(limited));
      if (!ok) co_return;
      continue;
    }
    // Frames cross co_await as encoded strings: g++ 12 mishandles std::variant results of
    // awaited operations here (double destruction).
    std::string out =
        binary::EncodeFrame(ErrorMessage("failed_precondition", "unexpected message", false));
    if (auto* batch = std::get_if<binary::AppendBatch>(&*frame.message)) {
      if (!MayAppend(*principal)) {
        out = binary::EncodeFrame(ErrorMessage("permission_denied",
                                               "role " + principal->role + " may not append", false,
                                               batch->request_id));
      } else if (batch->events.empty() || batch->events.size() > limits.max_batch_events) {
        out = binary::EncodeFrame(ErrorMessage(
            batch->events.empty() ? "invalid_argument" : "batch_too_large",
            "a batch holds 1 to " + std::to_string(limits.max_batch_events) + " events", false,
            batch->request_id));
      } else if (Status still = core.auth->Recheck(*principal); !still.ok()) {
        // Revoked since the Hello: refused even before the watch has told this connection.
        std::string frame_r = binary::EncodeFrame(
            ErrorMessage("unauthenticated", still.message(), true, batch->request_id));
        co_await WriteFrame(core, stream, std::move(frame_r));
        co_return;
      } else {
        InFlight in_flight(core);
        auto append = [&core, p = *principal, b = std::move(*batch)]() mutable {
          return binary::EncodeFrame(binary::ServerMessage(Append(core, p, std::move(b))));
        };
        std::string appended = co_await RunBlocking(*core.workers, std::move(append));
        out = std::move(appended);
      }
    } else if (auto* sub = std::get_if<binary::Subscribe>(&*frame.message)) {
      co_await Subscribe(core, stream, deadline, *principal, *sub, revocation);
      co_return;
    }
    const bool ok = co_await WriteFrame(core, stream, std::move(out));
    if (!ok) co_return;
  }
}

}  // namespace

awaitable<void> ServeBinaryConnection(ServerCore& core, tcp::socket socket,
                                      net::ssl::context* tls) {
  auto executor = co_await net::asio::this_coro::executor;
  net::beast::tcp_stream stream(std::move(socket));
  std::optional<net::beast::ssl_stream<net::beast::tcp_stream>> secure;
  ConnectionGuard registration(core, executor, &stream.socket());
  try {
    // (No health reserve here: /v1/health is HTTP.)
    const ConnectionAdmission admission = registration.Admit(/*health_reserve=*/false);
    if (admission.kind != ConnectionAdmission::kServe) {
      if (tls == nullptr) {
        std::string frame_7 =
            binary::EncodeFrame(ErrorMessage("too_many_connections", admission.message, true));
        co_await WriteFrame(core, stream, std::move(frame_7));
      }
      co_return;
    }
    if (tls == nullptr) {
      co_await BinaryLoop(core, stream);
    } else {
      secure.emplace(std::move(stream), *tls);
      registration.set_socket(&net::beast::get_lowest_layer(*secure).socket());
      error_code ec;
      net::beast::get_lowest_layer(*secure).expires_after(core.options.limits.read_timeout);
      co_await secure->async_handshake(net::ssl::stream_base::server, net::UseAwaitable(ec));
      if (ec) co_return;
      net::beast::get_lowest_layer(*secure).expires_never();
      co_await BinaryLoop(core, *secure);
    }
  } catch (const std::exception& e) {
    core.Log(std::string("binary connection: ") + e.what());
  }
}

}  // namespace ledger::server::internal
