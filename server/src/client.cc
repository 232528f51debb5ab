#include "server/client.h"

#include <deque>
#include <nlohmann/json.hpp>

#include "ledger/event_codec.h"
#include "net.h"
#include "signed_event_json.h"

namespace ledger::server {
namespace {

using net::error_code;
namespace asio = net::asio;
namespace beast = net::beast;
namespace http = net::http;
namespace websocket = net::websocket;
using tcp = net::tcp;

Status Io(std::string_view what, const error_code& ec) {
  return Status::IOError(std::string(what) + ": " + ec.message());
}

// Runs `ioc` until `done` or its work runs out.
void RunUntil(asio::io_context& ioc, const bool& done) {
  ioc.restart();
  while (!done && ioc.run_one() > 0) {
  }
}

}  // namespace

Result<std::string> SignedEventBody(std::string_view json_line, const SigningKey& key) {
  LEDGER_ASSIGN_OR_RETURN(SignedEvent event, SignEventJson(json_line, key));
  return SignedEventBody(event);
}

Result<std::string> SignedEventBody(const SignedEvent& event) {
  LEDGER_ASSIGN_OR_RETURN(auto j, internal::SignedEventToJson(event));
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

Result<std::string> BatchBody(const std::vector<SignedEvent>& events, bool atomic) {
  nlohmann::ordered_json j;
  j["atomic"] = atomic;
  j["events"] = nlohmann::ordered_json::array();
  for (const auto& e : events) {
    LEDGER_ASSIGN_OR_RETURN(auto one, internal::SignedEventToJson(e));
    j["events"].push_back(std::move(one));
  }
  return j.dump();
}

class Client::Impl {
 public:
  explicit Impl(ClientOptions options) : options_(std::move(options)) {}

  Status Connect() {
    stream_ = std::make_unique<beast::tcp_stream>(ioc_);
    tcp::resolver resolver(ioc_);
    error_code ec;
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) return Io("resolve " + options_.host, ec);
    stream_->expires_after(options_.timeout);
    bool done = false;
    stream_->async_connect(endpoints, [&](const error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    RunUntil(ioc_, done);
    if (ec) return Io("connect " + options_.host + ":" + std::to_string(options_.port), ec);
    stream_->socket().set_option(tcp::no_delay(true), ec);
    return Status::Ok();
  }

  Result<HttpResponse> Request(std::string_view method, std::string_view target,
                               std::string_view body,
                               const std::map<std::string, std::string>& headers) {
    auto first = Once(method, target, body, headers);
    if (first.ok() || first.status().code() != StatusCode::kUnavailable) return first;
    // The kept-alive connection was closed by the server: once more on a new one.
    LEDGER_RETURN_IF_ERROR(Connect());
    auto second = Once(method, target, body, headers);
    if (!second.ok() && second.status().code() == StatusCode::kUnavailable) {
      return Status::IOError(second.status().message());
    }
    return second;
  }

 private:
  // Unavailable if the connection was found closed before any answer.
  Result<HttpResponse> Once(std::string_view method, std::string_view target, std::string_view body,
                            const std::map<std::string, std::string>& headers) {
    if (!stream_) LEDGER_RETURN_IF_ERROR(Connect());
    http::request<http::string_body> req;
    req.method_string(beast::string_view(method.data(), method.size()));
    req.target(beast::string_view(target.data(), target.size()));
    req.version(11);
    req.set(http::field::host, options_.host);
    if (!options_.token.empty()) req.set(http::field::authorization, "Bearer " + options_.token);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = std::string(body);
    req.keep_alive(true);
    req.prepare_payload();
    error_code ec;
    bool done = false;
    stream_->expires_after(options_.timeout);
    http::async_write(*stream_, req, [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
    RunUntil(ioc_, done);
    if (ec) {
      stream_.reset();
      return Status::Unavailable("write: " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 32);
    done = false;
    http::async_read(*stream_, buffer_, parser, [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
    RunUntil(ioc_, done);
    if (ec) {
      stream_.reset();
      buffer_.clear();
      if (ec == http::error::end_of_stream || ec == asio::error::connection_reset) {
        return Status::Unavailable("read: " + ec.message());
      }
      return Io("read", ec);
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = res.result_int();
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    if (!res.keep_alive()) {
      stream_.reset();
      buffer_.clear();
    }
    return out;
  }

  ClientOptions options_;
  asio::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::Connect(const ClientOptions& options) {
  if (!options.tls_ca_file.empty()) {
    return Status::InvalidArgument("TLS is not supported by this client yet");
  }
  auto impl = std::make_unique<Impl>(options);
  LEDGER_RETURN_IF_ERROR(impl->Connect());
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Result<HttpResponse> Client::Request(std::string_view method, std::string_view target,
                                     std::string_view body,
                                     const std::map<std::string, std::string>& headers) {
  return impl_->Request(method, target, body, headers);
}

class Subscription::Impl {
 public:
  explicit Impl(ClientOptions options) : options_(std::move(options)), ws_(ioc_) {}

  Status Open(std::string_view query) {
    tcp::resolver resolver(ioc_);
    error_code ec;
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) return Io("resolve", ec);
    bool done = false;
    beast::get_lowest_layer(ws_).expires_after(options_.timeout);
    beast::get_lowest_layer(ws_).async_connect(endpoints,
                                               [&](const error_code& e, const tcp::endpoint&) {
                                                 ec = e;
                                                 done = true;
                                               });
    RunUntil(ioc_, done);
    if (ec) return Io("connect", ec);
    ws_.set_option(
        websocket::stream_base::decorator([token = options_.token](websocket::request_type& req) {
          if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
        }));
    websocket::response_type res;
    done = false;
    const std::string target = "/v1/ws?" + std::string(query);
    ws_.async_handshake(res, options_.host, target, [&](const error_code& e) {
      ec = e;
      done = true;
    });
    RunUntil(ioc_, done);
    if (ec) {
      return Status::PermissionDenied("subscription refused (HTTP " +
                                      std::to_string(res.result_int()) + "): " + res.body() +
                                      ec.message());
    }
    beast::get_lowest_layer(ws_).expires_never();
    return Status::Ok();
  }

  Result<std::string> Next(std::chrono::milliseconds timeout) {
    if (!ready_.empty()) return Pop();
    if (ended_) return Status::IOError("the subscription has ended: " + end_reason_);
    if (!reading_) StartRead();
    ioc_.restart();
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (ready_.empty() && !ended_ && std::chrono::steady_clock::now() < until) {
      ioc_.run_one_until(until);
    }
    if (!ready_.empty()) return Pop();
    if (ended_) return Status::IOError("the subscription has ended: " + end_reason_);
    return Status::Unavailable("no message within the timeout");
  }

  Status Send(std::string_view text) {
    if (ended_) return Status::IOError("the subscription has ended");
    error_code ec;
    bool done = false;
    ws_.async_write(asio::buffer(text.data(), text.size()), [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
    ioc_.restart();
    while (!done && ioc_.run_one() > 0) {
    }
    return ec ? Io("send", ec) : Status::Ok();
  }

  void Close() {
    error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    ended_ = true;
    ioc_.restart();
    ioc_.poll();
  }

 private:
  Result<std::string> Pop() {
    std::string m = std::move(ready_.front());
    ready_.pop_front();
    return m;
  }
  void StartRead() {
    reading_ = true;
    buffer_.clear();
    ws_.async_read(buffer_, [this](const error_code& ec, size_t) {
      reading_ = false;
      if (ec) {
        ended_ = true;
        end_reason_ = ec.message();
        return;
      }
      ready_.push_back(beast::buffers_to_string(buffer_.data()));
      StartRead();
    });
  }

  ClientOptions options_;
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> ready_;
  bool reading_ = false;
  bool ended_ = false;
  std::string end_reason_;
};

Subscription::Subscription(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Subscription::~Subscription() = default;

Result<std::unique_ptr<Subscription>> Subscription::Open(const ClientOptions& options,
                                                         std::string_view query) {
  auto impl = std::make_unique<Impl>(options);
  LEDGER_RETURN_IF_ERROR(impl->Open(query));
  return std::unique_ptr<Subscription>(new Subscription(std::move(impl)));
}

Result<std::string> Subscription::Next(std::chrono::milliseconds timeout) {
  return impl_->Next(timeout);
}
Status Subscription::Send(std::string_view text) { return impl_->Send(text); }
void Subscription::Close() { impl_->Close(); }

}  // namespace ledger::server
