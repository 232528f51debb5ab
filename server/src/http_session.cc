// One HTTP connection: requests read under deadlines and limits, authenticated, rate-limited,
// handled on a worker thread (api.h) or turned into a subscription (http_subscribe.h).
// Follows the witness server (witness/src/http_server.cc) and the Beast awaitable examples.
#include <algorithm>
#include <cassert>
#include <exception>
#include <limits>
#include <optional>
#include <string_view>

#include "audit_page_route.h"
#include "base/run_blocking.h"
#include "connection_guard.h"
#include "http_subscribe.h"
#include "read_deadline.h"
#include "server_core.h"
#include "session_revocation.h"

namespace ledger::server::internal {
namespace {

using net::error_code;
using net::tcp;
using net::asio::awaitable;

// After a response that ends the connection, read and drop what the client still sends, for at
// most this long and this much: closing with unread input resets the connection, which can
// destroy the response (a 413, say) before the client reads it. Past the byte cap the server
// stops reading and only waits out the time: TCP's flow control then holds a client that keeps
// sending at no cost to the server (reading a hostile client's 16 MiB bodies to the end took
// the cores from everyone else).
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr size_t kMaxLingerBytes = size_t{64} << 10;

// The declared Content-Length (Beast's boost::optional), if any.
template <typename Parser>
std::optional<uint64_t> DeclaredLength(const Parser& parser) {
  const auto length = parser.content_length();
  return length ? std::optional<uint64_t>(*length) : std::nullopt;
}

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == net::http::make_error_code(net::http::error::bad_target).category();
}

template <typename Stream>
tcp::socket& Socket(Stream& stream) {
  return net::beast::get_lowest_layer(stream).socket();
}

template <typename Stream>
awaitable<void> LingeringClose(Stream& stream) {
  error_code ec;
  tcp::socket& socket = Socket(stream);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  // The reads below are the socket's own (the stream's timeout does not cover them): a timer
  // cancels them at the deadline, whatever the peer does.
  const auto deadline = std::chrono::steady_clock::now() + kMaxLinger;
  net::asio::steady_timer timer(co_await net::asio::this_coro::executor);
  timer.expires_at(deadline);
  // The handler may run after this coroutine (and the socket) ended: it checks `lingering`.
  auto lingering = std::make_shared<bool>(true);
  timer.async_wait([&socket, lingering](const error_code& e) {
    if (e || !*lingering) return;
    error_code ignored;
    socket.cancel(ignored);
  });
  char discard[4096];
  size_t total = 0;
  while (!ec && total < kMaxLingerBytes) {
    total += co_await socket.async_read_some(net::asio::buffer(discard), net::UseAwaitable(ec));
  }
  if (!ec) {
    // Still sending: wait out the rest of the time without reading.
    net::asio::steady_timer rest(co_await net::asio::this_coro::executor);
    rest.expires_at(deadline);
    co_await rest.async_wait(net::UseAwaitable(ec));
  }
  *lingering = false;
  timer.cancel();
  socket.close(ec);
}

template <typename Response>
void SetHeaders(const Reply& reply, Response* res) {
  res->set(net::http::field::server, "ledger");
  res->set(net::http::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers) res->set(name, value);
  res->keep_alive(!reply.close);
}

template <typename Stream>
awaitable<bool> AfterResponse(Stream& stream, const Reply& reply, const error_code& ec) {
  if (ec) co_return false;
  if (!reply.close) {
    net::beast::get_lowest_layer(stream).expires_never();
    co_return true;
  }
  co_await LingeringClose(stream);
  co_return false;
}

template <typename Stream>
awaitable<bool> Respond(ServerCore& core, Stream& stream, unsigned version, const Reply& reply);

// A file body, read as it is sent. The write timeout grows with the size (a minimum rate of
// 1 MiB/s on top of the usual timeout), so a large release reaches a slow reader.
template <typename Stream>
awaitable<bool> RespondWithFile(ServerCore& core, Stream& stream, unsigned version,
                                const Reply& reply) {
  net::http::file_body::value_type body;
  error_code ec;
  body.open(reply.file_path.c_str(), net::beast::file_mode::scan, ec);
  if (ec) {
    co_return co_await Respond(core, stream, version,
                               ErrorReply(500, "io_error", "the file cannot be read"));
  }
  const uint64_t size = body.size();
  net::http::response<net::http::file_body> res(static_cast<net::http::status>(reply.status),
                                                version);
  SetHeaders(reply, &res);
  res.body() = std::move(body);
  res.prepare_payload();
  core.metrics.RequestServed(reply.status);
  net::beast::get_lowest_layer(stream).expires_after(core.options.limits.write_timeout +
                                                     std::chrono::seconds(size >> 20));
  co_await net::http::async_write(stream, res, net::UseAwaitable(ec));
  co_return co_await AfterResponse(stream, reply, ec);
}

// Writes `reply`; false if the connection is done (closed by the reply or an error).
template <typename Stream>
awaitable<bool> Respond(ServerCore& core, Stream& stream, unsigned version, const Reply& reply) {
  if (!reply.file_path.empty()) co_return co_await RespondWithFile(core, stream, version, reply);
  net::http::response<net::http::string_body> res(static_cast<net::http::status>(reply.status),
                                                  version);
  SetHeaders(reply, &res);
  res.body() = reply.body;
  res.prepare_payload();
  core.metrics.RequestServed(reply.status);
  if (!reply.error_code.empty()) core.metrics.Error(reply.error_code);
  error_code ec;
  net::beast::get_lowest_layer(stream).expires_after(core.options.limits.write_timeout);
  co_await net::http::async_write(stream, res, net::UseAwaitable(ec));
  co_return co_await AfterResponse(stream, reply, ec);
}

// GET /v1/health, which needs no token: the log's size, or 503 while stopping. Other methods
// are 405, as on every other endpoint (docs/openapi.json lists GET alone).
Reply HealthReply(ServerCore& core, std::string_view method) {
  if (method != "GET") return MethodNotAllowed("GET");
  return core.stopping
             ? ErrorReply(503, "shutting_down", "the server is stopping")
             : JsonReply(200,
                         "{\"status\":\"ok\",\"size\":" + std::to_string(core.hub->end()) + "}");
}

Reply Closing(Reply reply) {
  reply.close = true;
  return reply;
}

// Writes `reply` to `req`: the client's `Connection: close` (or HTTP/1.0 without keep-alive)
// and a stopping server end the connection whatever the answer, errors included.
template <typename Stream>
awaitable<bool> Answer(ServerCore& core, Stream& stream, const Request& req, const Reply& reply) {
  Reply r = reply;
  if (!req.keep_alive() || core.stopping) r.close = true;
  co_return co_await Respond(core, stream, req.version(), r);
}

std::string_view TrimOws(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// Framing that two parsers could read differently (request smuggling, RFC 9112 6.1 and 6.3),
// refused before the body is read: the only transfer coding is `chunked`, alone, in one header
// and without Content-Length; at most one Content-Length (even equal repeats), of digits only;
// at most one Host and one Authorization. Beast alone accepts `chunked, identity` (as no body),
// an unknown coding next to Content-Length (as Content-Length) and a repeated Authorization
// (the first wins). The caller answers 400 and closes: the rest of the bytes is not a request.
std::optional<Reply> CheckFraming(const Request& req) {
  int transfer_encodings = 0, content_lengths = 0, hosts = 0, authorizations = 0;
  std::string_view transfer_encoding, content_length;
  for (const auto& field : req) {
    switch (field.name()) {
      case net::http::field::transfer_encoding:
        ++transfer_encodings;
        transfer_encoding = TrimOws(net::View(field.value()));
        break;
      case net::http::field::content_length:
        ++content_lengths;
        content_length = TrimOws(net::View(field.value()));
        break;
      case net::http::field::host:
        ++hosts;
        break;
      case net::http::field::authorization:
        ++authorizations;
        break;
      default:
        break;
    }
  }
  auto bad = [](std::string message) { return ErrorReply(400, "bad_framing", std::move(message)); };
  if (transfer_encodings > 1) return bad("more than one Transfer-Encoding header");
  if (transfer_encodings == 1) {
    if (!net::beast::iequals(
            net::beast::string_view(transfer_encoding.data(), transfer_encoding.size()),
            "chunked")) {
      return bad("the only transfer coding accepted is Transfer-Encoding: chunked, alone");
    }
    if (content_lengths > 0) return bad("Transfer-Encoding together with Content-Length");
  }
  if (content_lengths > 1) return bad("more than one Content-Length header");
  if (content_lengths == 1 && (content_length.empty() || content_length.size() > 19 ||
                               !std::all_of(content_length.begin(), content_length.end(),
                                            [](char c) { return c >= '0' && c <= '9'; }))) {
    return bad("Content-Length is not a decimal number");
  }
  if (hosts > 1) return ErrorReply(400, "duplicate_header", "more than one Host header");
  if (authorizations > 1) {
    return ErrorReply(400, "duplicate_header", "more than one Authorization header");
  }
  return std::nullopt;
}

// Reads until `buffer` holds a whole header block (request line to the empty line), or
// `limit` bytes without its end (*too_large). Beast's own header limit counts the request line
// and the fields each on their own, so a block of almost twice the limit passes it.
template <typename Stream>
awaitable<error_code> ReadHeaderBlock(Stream& stream, net::beast::flat_buffer& buffer, size_t limit,
                                      bool* too_large, bool* bad_lines) {
  *too_large = false;
  *bad_lines = false;
  size_t searched = 0;
  for (;;) {
    const std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
    const size_t from = searched > 3 ? searched - 3 : 0;
    const size_t end = data.find("\r\n\r\n", from);
    // A bare LF, or a line folded onto the one before (obs-fold, a line that starts with SP or
    // HTAB): lines two parsers could split differently, refused (RFC 9112 2.2, 5.2).
    for (size_t i = data.find('\n', from); i < end && i != std::string_view::npos;
         i = data.find('\n', i + 1)) {
      if (i == 0 || data[i - 1] != '\r' ||
          (i + 1 < data.size() && (data[i + 1] == ' ' || data[i + 1] == '\t'))) {
        *bad_lines = true;
        co_return error_code{};
      }
    }
    if (end != std::string_view::npos) {
      *too_large = end + 4 > limit;
      co_return error_code{};
    }
    if (data.size() >= limit) {
      *too_large = true;
      co_return error_code{};
    }
    searched = data.size();
    error_code ec;
    const size_t n = co_await stream.async_read_some(buffer.prepare(4096), net::UseAwaitable(ec));
    buffer.commit(n);
    if (ec) co_return ec;
  }
}

// What Admit decided from a request's header, before its body was read.
struct Admission {
  // The caller; nullopt only for GET /v1/health and the auditor's page (/audit/...), which
  // need no token.
  std::optional<Principal> principal;
  std::string route;  // "POST /v1/groups/g/ack as role subscriber", for the 413's message
  BodyLimits limits;
  // An answer given at once, the body (if any) unread: the connection then closes when a body
  // was announced, since its bytes are not a request.
  std::optional<Reply> reply;
};

std::string BodyTooLargeMessage(const Admission& a, std::optional<uint64_t> declared) {
  std::string m = declared ? "a body of " + std::to_string(*declared) + " bytes" : "the body";
  return m + " exceeds the limit of " + std::to_string(a.limits.max_body_bytes) + " bytes for " +
         a.route;
}

// Everything that can be decided from the header, decided before a byte of the body is read or
// parsed (issue 14): the target, the caller (401, with WWW-Authenticate), and the route's limits
// for that caller's role (RouteBodyLimits) against the declared Content-Length (413).
Admission Admit(ServerCore& core, const Request& header, std::optional<uint64_t> declared) {
  Admission a;
  auto target = ParseTarget(net::View(header.target()));
  if (!target.ok()) {
    a.reply = Closing(ErrorReply(400, "bad_target", target.status().message()));
    return a;
  }
  const std::string method(net::View(header.method_string()));
  std::string role;
  if (target->path != "/v1/health" && !IsAuditPagePath(target->path)) {
    if (core.stopping) {
      a.reply = Closing(ErrorReply(503, "shutting_down", "the server is stopping"));
      return a;
    }
    auto principal = core.auth->Authenticate(net::View(header[net::http::field::authorization]));
    if (!principal.ok()) {
      Reply r = ErrorReply(401, "unauthenticated", principal.status().message());
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      a.reply = std::move(r);
      return a;
    }
    role = principal->role;
    a.principal = std::move(principal).value();
  }
  a.route = method + " " + target->path + (role.empty() ? "" : " as role " + role);
  a.limits = RouteBodyLimits(method, target->path, role, core.options.limits);
  if (declared && *declared > a.limits.max_body_bytes) {
    a.reply = Closing(ErrorReply(413, "body_too_large", BodyTooLargeMessage(a, declared)));
  }
  return a;
}

// The answer to a body that finds the body memory budget spent (body_budget.h): 503 with
// Retry-After, or 413 if the body alone needs more than the whole budget.
Reply BodyMemoryRefusal(const ServerLimits& limits, size_t charge) {
  if (charge > limits.max_body_memory) {
    return ErrorReply(413, "body_too_large",
                      "this body needs " + std::to_string(charge) +
                          " bytes of memory to be read and parsed, more than the server's "
                          "body memory of " +
                          std::to_string(limits.max_body_memory) + " bytes (--max-body-memory)");
  }
  Reply r = ErrorReply(503, "body_memory_busy",
                       "the server's memory for large request bodies (" +
                           std::to_string(limits.max_body_memory) +
                           " bytes) is in use by other requests; this body needs " +
                           std::to_string(charge) + " bytes; retry later");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

// A body of `body_bytes` (declared, or held so far) takes its part: its BodyCharge from the body
// memory budget, and over kHeavyBodyBytes one of the heavy slots (one per heavy request thread).
// The refusal to answer with, closing the connection, if either has no room.
std::optional<Reply> TakeBodyShare(ServerCore& core, const Admission& admission,
                                   BodyBudget::Share& share, size_t body_bytes) {
  const ServerLimits& limits = core.options.limits;
  const size_t charge = BodyCharge(body_bytes, admission.limits);
  if (!share.GrowTo(charge, limits.max_body_memory)) {
    return Closing(BodyMemoryRefusal(limits, charge));
  }
  const size_t slots = static_cast<size_t>(core.reports->threads());
  if (body_bytes > kHeavyBodyBytes && !share.TakeHeavySlot(slots)) {
    Reply r = ErrorReply(503, "busy",
                         "the server reads and handles at most " + std::to_string(slots) +
                             " bodies over " + std::to_string(kHeavyBodyBytes) +
                             " bytes at once (one per heavy request thread, --report-threads); "
                             "retry after 1 s");
    r.headers.emplace_back("Retry-After", "1");
    return Closing(std::move(r));
  }
  return std::nullopt;
}

// Reads the body of an admitted request. A declared Content-Length was checked by Admit (Beast
// compares it with body_limit only as the header completes, when the route was not yet known);
// chunks are counted against body_limit as they arrive, so a chunked body stops at the route's
// limit (error::body_limit). A body over kFreeBodyBytes takes its BodyCharge from the budget:
// a declared one before it is read, a chunked one as its buffer grows (at most one growth step
// of the string past what it was charged); over kHeavyBodyBytes it also takes a heavy slot
// (TakeBodyShare). *refusal is set, and the read stops, when either has no room.
template <typename Stream>
awaitable<error_code> ReadBody(ServerCore& core, Stream& stream, net::beast::flat_buffer& buffer,
                               net::http::request_parser<net::http::string_body>& parser,
                               const Admission& admission, BodyBudget::Share& share,
                               std::optional<Reply>* refusal) {
  parser.body_limit(admission.limits.max_body_bytes);
  const std::optional<uint64_t> declared = DeclaredLength(parser);
  if (declared && *declared > kFreeBodyBytes) {
    *refusal = TakeBodyShare(core, admission, share, *declared);
    if (*refusal) co_return error_code{};
  }
  error_code ec;
  if (net::beast::iequals(parser.get()[net::http::field::expect], "100-continue")) {
    // Clients such as curl wait for this before sending a body over 1 KiB; sent only once the
    // request passed Admit and took its share, so an over-limit one gets its 413 (or 503)
    // instead.
    net::http::response<net::http::empty_body> go_on(net::http::status::continue_, 11);
    co_await net::http::async_write(stream, go_on, net::UseAwaitable(ec));
    if (ec) co_return ec;
  }
  while (!parser.is_done()) {
    co_await net::http::async_read_some(stream, buffer, parser, net::UseAwaitable(ec));
    if (ec) co_return ec;
    const size_t held = parser.get().body().capacity();
    if (held > kFreeBodyBytes) {
      *refusal = TakeBodyShare(core, admission, share, held);
      if (*refusal) co_return error_code{};
    }
  }
  co_return ec;
}

// Handles one admitted request. False when the connection is done.
template <typename Stream>
awaitable<bool> HandleRequest(ServerCore& core, Stream& stream, Request& req,
                              std::optional<Principal> principal, SessionRevocation& revocation) {
  InFlight in_flight(core);
  auto target = ParseTarget(net::View(req.target()));
  if (!target.ok()) {
    co_return co_await Answer(core, stream, req,
                              Closing(ErrorReply(400, "bad_target", target.status().message())));
  }
  if (target->path == "/v1/health") {
    const Reply health = HealthReply(core, net::View(req.method_string()));
    co_return co_await Answer(core, stream, req, health);
  }
  if (core.stopping) {
    co_return co_await Answer(core, stream, req,
                              Closing(ErrorReply(503, "shutting_down", "the server is stopping")));
  }
  // The auditor's page is static and public: its data fetches carry the auditor's token.
  if (IsAuditPagePath(target->path)) {
    const Reply page = AuditPageReply(net::View(req.method_string()), target->path);
    co_return co_await Answer(core, stream, req, page);
  }
  // Invariant: Admit authenticated every request but GET /v1/health and the auditor's page
  // (answered above) before its body was read, and answered those it could not.
  assert(principal.has_value());
  // The connection is watched under this request's token from now on: revoking it ends the
  // connection (at once if it is idle, after the answer otherwise).
  revocation.Watch(*principal);
  int retry_after = 0;
  if (!core.rate->Allow(principal->token_id, 1.0, &retry_after)) {
    Reply r = ErrorReply(
        429, "rate_limited",
        "this token is over its request rate; retry after " + std::to_string(retry_after) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(retry_after));
    co_return co_await Answer(core, stream, req, r);
  }
  const bool ws = target->path == "/v1/ws";
  if (ws || target->path == "/v1/subscribe") {
    if (req.method() != net::http::verb::get) {
      co_return co_await Answer(core, stream, req, MethodNotAllowed("GET"));
    }
    auto spec = ParseSubscriptionParams(target->params, core.options.heartbeat);
    Result<uint64_t> start =
        spec.ok() ? StartPosition(core, *principal, *spec) : Result<uint64_t>(spec.status());
    if (!start.ok()) co_return co_await Answer(core, stream, req, ErrorFor(start.status()));
    if (ws && !net::websocket::is_upgrade(req)) {
      co_return co_await Answer(core, stream, req,
                                ErrorReply(426, "upgrade_required",
                                           "/v1/ws is a WebSocket endpoint (use /v1/subscribe "
                                           "for server-sent events)"));
    }
    // A subscription is not a request in flight: a graceful stop ends it with its position.
    core.in_flight.fetch_sub(1);
    if (ws) {
      co_await ServeWebSocket(core, stream, std::move(req), *principal, *spec, *start, revocation);
    } else {
      co_await ServeSse(core, stream, req, *principal, *spec, revocation);
    }
    core.in_flight.fetch_add(1);
    co_return false;
  }
  ApiRequest api{std::string(net::View(req.method_string())), std::move(target).value(),
                 std::move(req.body()), std::move(principal).value()};
  Reply reply = co_await RunApi(core, std::move(api));
  // Revoked while it ran: answered (it was authenticated when it arrived), then closed.
  if (revocation.revoked()) reply.close = true;
  co_return co_await Answer(core, stream, req, reply);
}

template <typename Stream>
awaitable<void> HttpLoop(ServerCore& core, Stream& stream) {
  const ServerLimits& limits = core.options.limits;
  net::beast::flat_buffer buffer;
  auto executor = co_await net::asio::this_coro::executor;
  ReadDeadline deadline(executor, Socket(stream));
  // Between requests a revocation of the last request's token ends the connection at once;
  // during one it is answered, then closed (HTTP has no message the server may send unasked).
  SessionRevocation revocation(*core.revocations, executor, &Socket(stream));
  for (bool first = true;; first = false) {
    net::http::request_parser<net::http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
    // No body limit while the header is read: Beast compares a declared Content-Length with it
    // there (basic_parser::finish_header), before the route and the caller are known, and the
    // request parser's default is 1 MiB. Admit compares the length with the route's limit, and
    // ReadBody sets that limit for chunks. Not boost::none: Beast 1.74 compares with
    // `len_ > body_limit_`, and boost::optional orders none below every value, so every declared
    // body would be over a "disabled" limit.
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    error_code ec;
    if (buffer.size() == 0 && !first) {
      // Between requests: an idle connection is simply closed, as is one whose token was
      // revoked (the wait for the next request is cancelled then).
      if (revocation.revoked()) co_return;
      net::beast::get_lowest_layer(stream).expires_after(limits.idle_timeout);
      revocation.set_interrupt_reads(true);
      const size_t n = co_await stream.async_read_some(buffer.prepare(4096), net::UseAwaitable(ec));
      revocation.set_interrupt_reads(false);
      buffer.commit(n);
      if (ec) co_return;  // closed, idle, or revoked (a request that came first gets its 401)
      net::beast::get_lowest_layer(stream).expires_never();
    }
    // The whole request (header and body) must arrive within the read timeout; on a new
    // connection the time starts at the connection, not at its first byte.
    deadline.Arm(limits.read_timeout);
    bool header_too_large = false;
    std::optional<Reply> refusal;
    bool bad_lines = false;
    ec = co_await ReadHeaderBlock(stream, buffer, limits.max_header_bytes, &header_too_large,
                                  &bad_lines);
    if (bad_lines) {
      refusal = ErrorReply(400, "bad_framing",
                           "a line ends in a bare LF or is folded onto the one before");
    } else if (!ec && !header_too_large) {
      co_await net::http::async_read_header(stream, buffer, parser, net::UseAwaitable(ec));
      if (!ec) refusal = CheckFraming(parser.get());
    }
    std::optional<Admission> admission;
    if (!ec && !header_too_large && !refusal) {
      admission = Admit(core, parser.get(), DeclaredLength(parser));
    }
    const bool admitted = admission && !admission->reply;
    // Held until the response is written: the body, its parse and what is derived from them.
    BodyBudget::Share body_share(core.body_budget);
    if (!ec && admitted && !parser.is_done()) {
      ec = co_await ReadBody(core, stream, buffer, parser, *admission, body_share, &refusal);
    }
    deadline.Disarm();
    const unsigned version = parser.get().version() ? parser.get().version() : 11;
    if (deadline.expired()) {
      // A connection that never sent a byte is closed without a word.
      if (buffer.size() == 0 && !parser.got_some()) co_return;
      co_await Respond(
          core, stream, version,
          Closing(ErrorReply(408, "request_timeout",
                             "the request did not arrive within " +
                                 std::to_string(limits.read_timeout.count()) + " ms")));
      co_return;
    }
    if (refusal) {
      co_await Respond(core, stream, version, Closing(*refusal));
      co_return;
    }
    if (header_too_large) ec = net::http::error::header_limit;
    if (ec == net::http::error::end_of_stream) co_return;  // closed between requests
    if (ec == net::http::error::body_limit && admission) {
      co_await Respond(core, stream, version,
                       Closing(ErrorReply(413, "body_too_large",
                                          BodyTooLargeMessage(*admission, std::nullopt))));
      co_return;
    }
    if (ec == net::http::error::header_limit) {
      co_await Respond(core, stream, version,
                       Closing(ErrorReply(431, "header_too_large",
                                          "the header exceeds " +
                                              std::to_string(limits.max_header_bytes) + " bytes")));
      co_return;
    }
    if (ec && IsHttpParseError(ec)) {
      co_await Respond(
          core, stream, 11,
          Closing(ErrorReply(400, "malformed_http", "malformed HTTP request: " + ec.message())));
      co_return;
    }
    if (ec) co_return;  // reset, or closed by Stop
    // Invariant: a header read without error and not refused was admitted.
    assert(admission.has_value());
    if (admission->reply) {
      // Answered from the header alone. A body announced and unread ends the connection.
      Reply r = std::move(*admission->reply);
      if (!parser.is_done()) r.close = true;
      const bool open = co_await Answer(core, stream, parser.get(), r);
      if (!open) co_return;
      continue;
    }
    Request req = parser.release();
    // (Named: g++ 12 miscompiles some co_await expressions used directly as conditions.)
    const bool open =
        co_await HandleRequest(core, stream, req, std::move(admission->principal), revocation);
    // A large body is done: what its parse left free in the heap goes back to the system within
    // a second (HeapTrimmer). Not only after the last one: each parse runs on some thread's
    // malloc arena, and memory freed in one arena is not reused by the others, so under a
    // steady stream of large bodies the free memory of every arena would add up.
    if (body_share.Release()) core.heap_trimmer.LargeBodyDone();
    if (!open) co_return;
  }
}

// A connection taken from the health reserve (ConnectionAdmission::kHealthOnly): one request, read
// within the read timeout, is answered, then the connection is closed: /v1/health as
// HandleRequest answers it (200, or 503 shutting_down), anything else 503 too_many_connections
// (`refusal`). A connection that sends nothing, or not a whole header block, is closed without
// a word; the body of a request is never read (the lingering close drops it).
template <typename Stream>
awaitable<void> ServeFromReserve(ServerCore& core, Stream& stream, const std::string& refusal) {
  const ServerLimits& limits = core.options.limits;
  net::beast::flat_buffer buffer;
  ReadDeadline deadline(co_await net::asio::this_coro::executor, Socket(stream));
  deadline.Arm(limits.read_timeout);
  net::http::request_parser<net::http::empty_body> parser;
  parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
  error_code ec;
  co_await net::http::async_read_header(stream, buffer, parser, net::UseAwaitable(ec));
  deadline.Disarm();
  if (ec || deadline.expired()) co_return;
  const auto& req = parser.get();
  auto target = ParseTarget(net::View(req.target()));
  Reply reply = ErrorReply(503, "too_many_connections", refusal);
  if (target.ok() && target->path == "/v1/health") {
    reply = HealthReply(core, net::View(req.method_string()));
  }
  co_await Respond(core, stream, req.version(), Closing(reply));
}

}  // namespace

awaitable<void> ServeHttpConnection(ServerCore& core, tcp::socket socket, net::ssl::context* tls) {
  auto executor = co_await net::asio::this_coro::executor;
  net::beast::tcp_stream stream(std::move(socket));
  // Declared before the guard, so that the guard forgets the socket before it goes.
  std::optional<net::beast::ssl_stream<net::beast::tcp_stream>> secure;
  ConnectionGuard guard(core, executor, &stream.socket());
  try {
    const ConnectionAdmission admission = guard.Admit(/*health_reserve=*/true);
    if (admission.kind == ConnectionAdmission::kRefuse) {
      // (Over TLS the handshake is not worth its cost for a refusal: closed without a word.)
      if (tls == nullptr) {
        co_await Respond(core, stream, 11,
                         Closing(ErrorReply(503, "too_many_connections", admission.message)));
      }
      co_return;
    }
    const bool reserve = admission.kind == ConnectionAdmission::kHealthOnly;
    if (tls == nullptr) {
      if (reserve) {
        co_await ServeFromReserve(core, stream, admission.message);
      } else {
        co_await HttpLoop(core, stream);
      }
    } else {
      secure.emplace(std::move(stream), *tls);
      guard.set_socket(&net::beast::get_lowest_layer(*secure).socket());
      error_code ec;
      net::beast::get_lowest_layer(*secure).expires_after(core.options.limits.read_timeout);
      co_await secure->async_handshake(net::ssl::stream_base::server, net::UseAwaitable(ec));
      if (ec) co_return;
      net::beast::get_lowest_layer(*secure).expires_never();
      if (reserve) {
        co_await ServeFromReserve(core, *secure, admission.message);
      } else {
        co_await HttpLoop(core, *secure);
      }
    }
  } catch (const std::exception& e) {
    core.Log(std::string("http connection: ") + e.what());
  }
}

}  // namespace ledger::server::internal
