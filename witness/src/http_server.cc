#include "witness/http_server.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <set>
#include <thread>
#include <utility>

#include "base/mutex.h"
#include "base/net.h"
#include "base/run_blocking.h"
#include "witness/protocol.h"
#include "witness/state_store.h"
#include "witness/witness_state.h"

namespace witness {
namespace {

namespace net = ::ledger::net;

using ledger::Result;
using ledger::Status;
using ledger::StatusCode;
using net::error_code;
using net::tcp;
using net::asio::awaitable;
using net::http::status;

using Request = net::http::request<net::http::string_body>;

constexpr size_t kMaxHeaderBytes = 8 * 1024;
// After a response that ends the connection the server reads and drops what the client is still
// sending, for at most this long and this much: closing a socket with unread input resets the
// connection, which can destroy the response before the client reads it (e.g. a 413).
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr size_t kMaxLingerBytes = size_t{1} << 20;
constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";

// A response before it is bound to a request's HTTP version.
struct Reply {
  status code = status::internal_server_error;
  std::string content_type = std::string(kTextContentType);
  std::string body;
  std::string allow;   // the Allow header of a 405
  bool close = false;  // end the connection after this response
  std::string log;     // a line for the operator's log; empty for none
};

Reply TextReply(status code, std::string message) {
  Reply reply;
  reply.code = code;
  reply.body = std::move(message) + "\n";
  return reply;
}

// The table in protocol.h.
Reply ReplyFor(const Result<std::string>& result, uint64_t latest_size) {
  if (result.ok()) {
    Reply reply;
    reply.code = status::ok;
    reply.content_type = std::string(kCosignatureContentType);
    reply.body = result.value();
    return reply;
  }
  const Status& error = result.status();
  Reply reply;
  switch (error.code()) {
    case StatusCode::kConflict:
      reply.code = status::conflict;
      reply.content_type = std::string(kSizeContentType);
      reply.body = FormatSizeBody(latest_size);
      break;
    case StatusCode::kInvalidArgument:
      reply = TextReply(status::bad_request, error.message());
      break;
    case StatusCode::kNotFound:
      reply = TextReply(status::not_found, error.message());
      break;
    case StatusCode::kPermissionDenied:
      reply = TextReply(status::forbidden, error.message());
      break;
    case StatusCode::kCorruption:
      reply = TextReply(status::unprocessable_entity, error.message());
      break;
    default:
      // Details (paths, errno) are for the operator, not the client.
      reply = TextReply(status::internal_server_error, "the witness cannot record checkpoints");
      break;
  }
  reply.log = "add-checkpoint refused (" + std::to_string(static_cast<unsigned>(reply.code)) +
              "): " + error.ToString();
  return reply;
}

bool IsHttpParseError(const error_code& ec) {
  return ec.category() == net::http::make_error_code(net::http::error::bad_target).category();
}

uint64_t SystemNowSeconds() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  return seconds < 0 ? 0 : static_cast<uint64_t>(seconds);
}

}  // namespace

class WitnessServer::Impl {
 public:
  Impl(WitnessServerOptions options, std::unique_ptr<WitnessState> state)
      : options_(std::move(options)), state_(std::move(state)) {
    if (!options_.now_seconds) options_.now_seconds = SystemNowSeconds;
  }

  ~Impl() { Stop(); }

  Status Listen() {
    error_code ec;
    const auto address = net::asio::ip::make_address(options_.address, ec);
    if (ec) return Status::InvalidArgument("bad listen address " + options_.address);
    const tcp::endpoint endpoint(address, options_.port);
    const std::string where = options_.address + " port " + std::to_string(options_.port);
    if (acceptor_.open(endpoint.protocol(), ec); ec) {
      return Status::IOError("cannot open socket: " + ec.message());
    }
    if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
      return Status::IOError("cannot set SO_REUSEADDR: " + ec.message());
    }
    if (acceptor_.bind(endpoint, ec); ec) {
      return Status::IOError("cannot bind " + where + ": " + ec.message());
    }
    if (acceptor_.listen(net::asio::socket_base::max_listen_connections, ec); ec) {
      return Status::IOError("cannot listen on " + where + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  // REQUIRES: Listen() succeeded; called once.
  void Start() {
    net::asio::co_spawn(ioc_, AcceptLoop(), net::asio::detached);
    thread_ = std::thread([this] {
      // Sessions catch their own exceptions; this only keeps a stray one from ending the thread
      // while connections are still open.
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          Log(std::string("witness network thread: ") + e.what());
        }
      }
    });
  }

  void Stop() LEDGER_EXCLUDES(stop_mu_) {
    ledger::MutexLock lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    // Sockets belong to the network thread: close them there. Closing makes every pending
    // operation complete with an error, which ends each coroutine; run() then runs out of work.
    net::asio::post(ioc_, [this] {
      stopping_ = true;
      error_code ignored;
      acceptor_.close(ignored);
      for (net::beast::tcp_stream* stream : streams_) stream->socket().close(ignored);
    });
    if (thread_.joinable()) thread_.join();
    blocking_.join();
  }

  uint16_t port() const { return port_; }
  const tlog::NoteVerifier& verifier() const { return state_->verifier(); }

 private:
  void Log(std::string_view line) const {
    if (options_.log) options_.log(line);
  }

  awaitable<void> AcceptLoop() {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(net::UseAwaitable(ec));
      if (stopping_) co_return;
      if (ec) {
        // Out of descriptors, say: back off rather than spin, and keep serving.
        Log("witness accept: " + ec.message());
        net::asio::steady_timer pause(ioc_, std::chrono::milliseconds(100));
        co_await pause.async_wait(net::UseAwaitable(ec));
        continue;
      }
      net::asio::co_spawn(ioc_, Session(std::move(socket)), net::asio::detached);
    }
  }

  // One connection, from accept to close. The one place its exceptions are caught.
  awaitable<void> Session(tcp::socket socket) {
    net::beast::tcp_stream stream(std::move(socket));
    if (stopping_) co_return;
    // Invariant: streams_ holds exactly the streams of live sessions, so Stop can close them.
    streams_.insert(&stream);
    try {
      co_await Serve(stream);
    } catch (const std::exception& e) {
      Log(std::string("witness connection: ") + e.what());
    }
    streams_.erase(&stream);
  }

  awaitable<void> Serve(net::beast::tcp_stream& stream) {
    net::beast::flat_buffer buffer;
    for (;;) {
      net::http::request_parser<net::http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      parser.body_limit(options_.max_body_bytes);
      error_code ec;
      stream.expires_after(options_.io_timeout);
      co_await net::http::async_read_header(stream, buffer, parser, net::UseAwaitable(ec));
      if (!ec && net::beast::iequals(parser.get()[net::http::field::expect], "100-continue")) {
        // Clients such as curl wait for this before sending a body over 1 KiB.
        net::http::response<net::http::empty_body> go_on(status::continue_, 11);
        co_await net::http::async_write(stream, go_on, net::UseAwaitable(ec));
      }
      if (!ec && !parser.is_done()) {
        stream.expires_after(options_.io_timeout);
        co_await net::http::async_read(stream, buffer, parser, net::UseAwaitable(ec));
      }
      if (ec == net::http::error::end_of_stream) {
        // The client closed between requests.
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        co_return;
      }
      if (ec == net::http::error::body_limit) {
        Reply reply =
            TextReply(status::payload_too_large,
                      "body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
        reply.close = true;
        co_await Respond(stream, 11, reply);
        co_return;
      }
      if (ec && IsHttpParseError(ec)) {
        Reply reply = TextReply(status::bad_request, "malformed HTTP request: " + ec.message());
        reply.close = true;
        co_await Respond(stream, 11, reply);
        co_return;
      }
      if (ec) co_return;  // timeout, reset, or closed by Stop

      Request request = parser.release();
      Reply reply = co_await Handle(request);
      if (!reply.log.empty()) Log(reply.log);
      reply.close = reply.close || !request.keep_alive() || stopping_;
      const bool open = co_await Respond(stream, request.version(), reply);
      if (!open) co_return;
    }
  }

  // Writes `reply`; ends the connection if it says so. False if the connection is done.
  awaitable<bool> Respond(net::beast::tcp_stream& stream, unsigned version, const Reply& reply) {
    net::http::response<net::http::string_body> response(reply.code, version);
    response.set(net::http::field::server, "ledger-witness");
    response.set(net::http::field::content_type, reply.content_type);
    if (!reply.allow.empty()) response.set(net::http::field::allow, reply.allow);
    response.body() = reply.body;
    response.keep_alive(!reply.close);
    response.prepare_payload();
    error_code ec;
    stream.expires_after(options_.io_timeout);
    co_await net::http::async_write(stream, response, net::UseAwaitable(ec));
    if (ec) co_return false;
    if (!reply.close) co_return true;
    co_await LingeringClose(stream);
    co_return false;
  }

  awaitable<void> LingeringClose(net::beast::tcp_stream& stream) {
    error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::min(kMaxLinger, options_.io_timeout));
    char discard[4096];
    for (size_t total = 0; !ec && total < kMaxLingerBytes;) {
      total += co_await stream.async_read_some(net::asio::buffer(discard), net::UseAwaitable(ec));
    }
    stream.socket().close(ec);
  }

  awaitable<Reply> Handle(Request& request) {
    const auto target = request.target();  // Beast 1.74's own string_view type
    if (std::string_view(target.data(), target.size()) != kAddCheckpointPath) {
      co_return TextReply(status::not_found, "no such endpoint");
    }
    if (request.method() != net::http::verb::post) {
      Reply reply = TextReply(status::method_not_allowed, "add-checkpoint takes POST");
      reply.allow = "POST";
      co_return reply;
    }
    Result<AddCheckpointRequest> parsed = ParseAddCheckpointBody(request.body());
    if (!parsed.ok()) co_return TextReply(status::bad_request, parsed.status().message());
    // The update may fsync: run it off the network thread.
    // (Named, not a temporary in the co_await expression: g++ 12 destroys a temporary lambda
    // with captures twice there.)
    auto update = [this, add = std::move(parsed).value()]() -> Reply {
      uint64_t latest_size = 0;
      Result<std::string> result = state_->AddCheckpoint(add.old_size, add.proof, add.checkpoint,
                                                         options_.now_seconds(), &latest_size);
      return ReplyFor(result, latest_size);
    };
    Reply reply = co_await ledger::RunBlocking(blocking_, std::move(update));
    co_return reply;
  }

  WitnessServerOptions options_;
  const std::unique_ptr<WitnessState> state_;

  net::asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  uint16_t port_ = 0;
  net::asio::thread_pool blocking_{1};  // state updates, one at a time
  std::thread thread_;                  // runs ioc_

  // Used only on the network thread.
  bool stopping_ = false;
  std::set<net::beast::tcp_stream*> streams_;

  ledger::Mutex stop_mu_;
  bool stopped_ LEDGER_GUARDED_BY(stop_mu_) = false;
};

WitnessServer::WitnessServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WitnessServer::~WitnessServer() = default;

uint16_t WitnessServer::port() const { return impl_->port(); }
const tlog::NoteVerifier& WitnessServer::verifier() const { return impl_->verifier(); }
void WitnessServer::Stop() { impl_->Stop(); }

Result<std::unique_ptr<WitnessServer>> StartWitnessServer(WitnessServerOptions options) {
  if (options.state_path.empty()) return Status::InvalidArgument("no witness state file");
  if (options.max_body_bytes == 0 || options.io_timeout.count() <= 0) {
    return Status::InvalidArgument("body limit and I/O timeout must be positive");
  }
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<StateStore> store,
                          OpenFileStateStore(options.state_path));
  WitnessConfig config{
      .name = options.witness_name, .seed = options.witness_seed, .logs = options.logs};
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<WitnessState> state,
                          WitnessState::Open(std::move(config), std::move(store)));
  auto impl = std::make_unique<WitnessServer::Impl>(std::move(options), std::move(state));
  LEDGER_RETURN_IF_ERROR(impl->Listen());
  impl->Start();
  return std::unique_ptr<WitnessServer>(new WitnessServer(std::move(impl)));
}

}  // namespace witness
