#include "witness/witness_client.h"

#include <exception>
#include <optional>
#include <utility>

#include "base/net.h"
#include "witness/protocol.h"

namespace witness {
namespace {

namespace net = ::ledger::net;

using ledger::Result;
using ledger::Status;
using net::error_code;
using net::tcp;
using net::asio::awaitable;

using Response = net::http::response<net::http::string_body>;

// Cosignature responses are a few lines; anything larger is not a witness talking.
constexpr size_t kMaxResponseBodyBytes = 64 * 1024;
constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";  // em dash U+2014, space

// Text from the witness, made safe to put in a message: at most 200 bytes, control bytes
// replaced, no trailing newline.
std::string Excerpt(std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  std::string out(text.substr(0, 200));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

// The connection's outcome: a response, or a description of what failed.
struct Exchange {
  std::optional<Response> response;
  std::string failure;
};

awaitable<void> Run(std::string host, uint16_t port,
                    net::http::request<net::http::string_body> request,
                    std::chrono::milliseconds timeout, Exchange& out) {
  try {
    auto executor = co_await net::asio::this_coro::executor;
    error_code ec;
    tcp::resolver resolver(executor);
    auto endpoints =
        co_await resolver.async_resolve(host, std::to_string(port), net::UseAwaitable(ec));
    if (ec) {
      out.failure = "cannot resolve " + host + ": " + ec.message();
      co_return;
    }
    net::beast::tcp_stream stream(executor);
    // One deadline for connect, write and read together.
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, net::UseAwaitable(ec));
    if (ec) {
      out.failure = "cannot connect: " + ec.message();
      co_return;
    }
    co_await net::http::async_write(stream, request, net::UseAwaitable(ec));
    if (ec) {
      out.failure = "cannot send request: " + ec.message();
      co_return;
    }
    net::beast::flat_buffer buffer;
    net::http::response_parser<net::http::string_body> parser;
    parser.body_limit(kMaxResponseBodyBytes);
    co_await net::http::async_read(stream, buffer, parser, net::UseAwaitable(ec));
    if (ec) {
      out.failure = "cannot read response: " + ec.message();
      co_return;
    }
    out.response = parser.release();
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    out.failure = e.what();
  }
}

// True for a body of one or more note signature lines.
bool IsSignatureLines(std::string_view body) {
  if (body.empty() || !body.ends_with('\n')) return false;
  while (!body.empty()) {
    const size_t newline = body.find('\n');
    if (!body.starts_with(kSignaturePrefix) || newline <= kSignaturePrefix.size()) return false;
    body.remove_prefix(newline + 1);
  }
  return true;
}

Result<std::string> Interpret(const Response& response, uint64_t old_size, uint64_t* witness_size) {
  const std::string& body = response.body();
  const std::string said =
      "witness said " + std::to_string(response.result_int()) + ": " + Excerpt(body);
  switch (response.result()) {
    case net::http::status::ok:
      if (!IsSignatureLines(body)) {
        return Status::Unavailable("witness answered 200 without cosignature lines: " +
                                   Excerpt(body));
      }
      return body;
    case net::http::status::conflict: {
      Result<uint64_t> size = ParseSizeBody(body);
      if (!size.ok()) return Status::Unavailable("witness sent a malformed 409: " + Excerpt(body));
      if (witness_size != nullptr) *witness_size = *size;
      return Status::Conflict(
          "witness has cosigned size " + std::to_string(*size) + " (request was from old size " +
          std::to_string(old_size) +
          (*size == old_size ? "; the witness has another root at that size)" : ")"));
    }
    case net::http::status::bad_request:
    case net::http::status::payload_too_large:
      return Status::InvalidArgument(said);
    case net::http::status::forbidden:
      return Status::PermissionDenied(said);
    case net::http::status::not_found:
      return Status::NotFound(said);
    case net::http::status::unprocessable_entity:
      return Status::Corruption(said);
    default:
      return Status::Unavailable(said);
  }
}

}  // namespace

Result<std::string> PushCheckpoint(std::string host, uint16_t port, uint64_t old_size,
                                   const std::vector<tlog::Hash>& proof,
                                   std::string_view signed_checkpoint, uint64_t* witness_size,
                                   std::chrono::milliseconds timeout) {
  if (proof.size() > kMaxConsistencyProofHashes) {
    return Status::InvalidArgument("consistency proof has more than 63 hashes");
  }
  net::http::request<net::http::string_body> request(net::http::verb::post,
                                                     std::string(kAddCheckpointPath), 11);
  const bool ipv6_literal = host.find(':') != std::string::npos;
  request.set(net::http::field::host,
              (ipv6_literal ? "[" + host + "]" : host) + ":" + std::to_string(port));
  request.set(net::http::field::user_agent, "ledger-witness-client");
  request.set(net::http::field::content_type, "text/plain; charset=utf-8");
  request.keep_alive(false);
  request.body() = FormatAddCheckpointBody(old_size, proof, signed_checkpoint);
  request.prepare_payload();

  // Declared before the io_context: a coroutine cut off by the timeout is destroyed with the
  // io_context and must not outlive what it refers to.
  Exchange exchange;
  bool finished = false;
  {
    net::asio::io_context ioc;
    net::asio::co_spawn(ioc, Run(host, port, std::move(request), timeout, exchange),
                        [&finished](std::exception_ptr) { finished = true; });
    ioc.run_for(timeout);
  }
  const std::string where = "witness " + host + ":" + std::to_string(port);
  if (!finished) return Status::Unavailable(where + ": timed out");
  if (!exchange.response) return Status::Unavailable(where + ": " + exchange.failure);
  Result<std::string> result = Interpret(*exchange.response, old_size, witness_size);
  if (!result.ok()) return result.status().WithContext(where);
  return result;
}

}  // namespace witness
