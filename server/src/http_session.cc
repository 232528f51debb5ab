// One HTTP connection: requests read under deadlines and limits, authenticated, rate-limited,
// handled on a worker thread (api.h) or turned into a subscription (http_subscribe.h).
// Follows the witness server (witness/src/http_server.cc) and the Beast awaitable examples.
#include <exception>
#include <optional>

#include "connection_guard.h"
#include "http_subscribe.h"
#include "read_deadline.h"
#include "run_blocking.h"
#include "server_core.h"

namespace ledger::server::internal {
namespace {

using net::error_code;
using net::tcp;
using net::asio::awaitable;

// After a response that ends the connection, read and drop what the client still sends, for at
// most this long and this much: closing with unread input resets the connection, which can
// destroy the response (a 413, say) before the client reads it.
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr size_t kMaxLingerBytes = size_t{1} << 20;

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
  Socket(stream).shutdown(tcp::socket::shutdown_send, ec);
  net::beast::get_lowest_layer(stream).expires_after(kMaxLinger);
  char discard[4096];
  for (size_t total = 0; !ec && total < kMaxLingerBytes;) {
    total += co_await Socket(stream).async_read_some(net::asio::buffer(discard),
                                                     net::UseAwaitable(ec));
  }
  Socket(stream).close(ec);
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

Reply Closing(Reply reply) {
  reply.close = true;
  return reply;
}

// Handles one request. False when the connection is done.
template <typename Stream>
awaitable<bool> HandleRequest(ServerCore& core, Stream& stream, Request& req) {
  InFlight in_flight(core);
  const unsigned version = req.version();
  auto target = ParseTarget(net::View(req.target()));
  if (!target.ok()) {
    co_return co_await Respond(core, stream, version,
                               Closing(ErrorReply(400, "bad_target", target.status().message())));
  }
  if (target->path == "/v1/health") {
    Reply r = core.stopping ? ErrorReply(503, "shutting_down", "the server is stopping")
                            : JsonReply(200, "{\"status\":\"ok\",\"size\":" +
                                                 std::to_string(core.hub->end()) + "}");
    co_return co_await Respond(core, stream, version, r);
  }
  if (core.stopping) {
    co_return co_await Respond(
        core, stream, version, Closing(ErrorReply(503, "shutting_down", "the server is stopping")));
  }
  auto principal = core.auth->Authenticate(net::View(req[net::http::field::authorization]));
  if (!principal.ok()) {
    Reply r = ErrorReply(401, "unauthenticated", principal.status().message());
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    co_return co_await Respond(core, stream, version, r);
  }
  int retry_after = 0;
  if (!core.rate->Allow(principal->token_id, 1.0, &retry_after)) {
    Reply r = ErrorReply(429, "rate_limited",
                         "this token is over its request rate; retry after " +
                             std::to_string(retry_after) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(retry_after));
    co_return co_await Respond(core, stream, version, r);
  }
  const bool ws = target->path == "/v1/ws";
  if (ws || target->path == "/v1/subscribe") {
    if (req.method() != net::http::verb::get) {
      co_return co_await Respond(core, stream, version, MethodNotAllowed("GET"));
    }
    auto spec = ParseSubscriptionParams(target->params, core.options.heartbeat);
    Result<uint64_t> start = spec.ok() ? StartPosition(core, *principal, *spec)
                                       : Result<uint64_t>(spec.status());
    if (!start.ok()) co_return co_await Respond(core, stream, version, ErrorFor(start.status()));
    if (ws && !net::websocket::is_upgrade(req)) {
      co_return co_await Respond(core, stream, version,
                                 ErrorReply(426, "upgrade_required",
                                            "/v1/ws is a WebSocket endpoint (use /v1/subscribe "
                                            "for server-sent events)"));
    }
    // A subscription is not a request in flight: a graceful stop ends it with its position.
    core.in_flight.fetch_sub(1);
    if (ws) {
      co_await ServeWebSocket(core, stream, std::move(req), *principal, *spec, *start);
    } else {
      co_await ServeSse(core, stream, req, *principal, *spec);
    }
    core.in_flight.fetch_add(1);
    co_return false;
  }
  ApiRequest api{std::string(net::View(req.method_string())), std::move(target).value(),
                 std::move(req.body()), std::move(principal).value()};
  // Named, not a temporary in the co_await expression: g++ 12 destroys a temporary lambda with
  // captures twice there.
  auto handle = [&core, api = std::move(api)]() { return HandleApi(*core.api, api); };
  Reply reply = co_await RunBlocking(*core.workers, std::move(handle));
  if (!req.keep_alive() || core.stopping) reply.close = true;
  co_return co_await Respond(core, stream, version, reply);
}

template <typename Stream>
awaitable<void> HttpLoop(ServerCore& core, Stream& stream) {
  const ServerLimits& limits = core.options.limits;
  net::beast::flat_buffer buffer;
  ReadDeadline deadline(co_await net::asio::this_coro::executor, Socket(stream));
  for (;;) {
    net::http::request_parser<net::http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    error_code ec;
    if (buffer.size() == 0) {
      // Between requests: an idle connection is simply closed.
      net::beast::get_lowest_layer(stream).expires_after(limits.idle_timeout);
      const size_t n = co_await stream.async_read_some(buffer.prepare(4096), net::UseAwaitable(ec));
      buffer.commit(n);
      if (ec) co_return;
      net::beast::get_lowest_layer(stream).expires_never();
    }
    // The whole request (header and body) must arrive within the read timeout.
    deadline.Arm(limits.read_timeout);
    co_await net::http::async_read_header(stream, buffer, parser, net::UseAwaitable(ec));
    if (!ec && net::beast::iequals(parser.get()[net::http::field::expect], "100-continue") &&
        !parser.is_done()) {
      // Clients such as curl wait for this before sending a body over 1 KiB.
      net::http::response<net::http::empty_body> go_on(net::http::status::continue_, 11);
      co_await net::http::async_write(stream, go_on, net::UseAwaitable(ec));
    }
    if (!ec && !parser.is_done()) {
      co_await net::http::async_read(stream, buffer, parser, net::UseAwaitable(ec));
    }
    deadline.Disarm();
    const unsigned version = parser.get().version() ? parser.get().version() : 11;
    if (deadline.expired()) {
      co_await Respond(core, stream, version,
                       Closing(ErrorReply(408, "request_timeout",
                                          "the request did not arrive within " +
                                              std::to_string(limits.read_timeout.count()) +
                                              " ms")));
      co_return;
    }
    if (ec == net::http::error::end_of_stream) co_return;  // closed between requests
    if (ec == net::http::error::body_limit) {
      co_await Respond(core, stream, version,
                       Closing(ErrorReply(413, "body_too_large",
                                          "the body exceeds " +
                                              std::to_string(limits.max_body_bytes) + " bytes")));
      co_return;
    }
    if (ec == net::http::error::header_limit) {
      co_await Respond(core, stream, version,
                       Closing(ErrorReply(431, "header_too_large",
                                          "the header exceeds " +
                                              std::to_string(limits.max_header_bytes) +
                                              " bytes")));
      co_return;
    }
    if (ec && IsHttpParseError(ec)) {
      co_await Respond(core, stream, 11,
                       Closing(ErrorReply(400, "malformed_http",
                                          "malformed HTTP request: " + ec.message())));
      co_return;
    }
    if (ec) co_return;  // reset, or closed by Stop
    Request req = parser.release();
    // (Named: g++ 12 miscompiles some co_await expressions used directly as conditions.)
    const bool open = co_await HandleRequest(core, stream, req);
    if (!open) co_return;
  }
}

}  // namespace

awaitable<void> ServeHttpConnection(ServerCore& core, tcp::socket socket, net::ssl::context* tls) {
  auto executor = co_await net::asio::this_coro::executor;
  net::beast::tcp_stream stream(std::move(socket));
  // Declared before the guard, so that the guard forgets the socket before it goes.
  std::optional<net::beast::ssl_stream<net::beast::tcp_stream>> secure;
  ConnectionGuard guard(core, executor, &stream.socket());
  try {
    if (core.metrics.connections() > static_cast<int64_t>(core.options.limits.max_connections)) {
      if (tls == nullptr) {
        co_await Respond(core, stream, 11,
                         Closing(ErrorReply(503, "too_many_connections",
                                            "the server has too many open connections")));
      }
      co_return;
    }
    if (tls == nullptr) {
      co_await HttpLoop(core, stream);
    } else {
      secure.emplace(std::move(stream), *tls);
      guard.set_socket(&net::beast::get_lowest_layer(*secure).socket());
      error_code ec;
      net::beast::get_lowest_layer(*secure).expires_after(core.options.limits.read_timeout);
      co_await secure->async_handshake(net::ssl::stream_base::server, net::UseAwaitable(ec));
      if (ec) co_return;
      net::beast::get_lowest_layer(*secure).expires_never();
      co_await HttpLoop(core, *secure);
    }
  } catch (const std::exception& e) {
    core.Log(std::string("http connection: ") + e.what());
  }
}

}  // namespace ledger::server::internal
