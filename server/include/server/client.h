// A small C++ client of the ledger server (docs/api.md): what a JSON client must do to append
// (sign the canonical bytes of its event), blocking HTTP requests on one kept-alive connection,
// and a WebSocket subscription.
//
//   auto key = SigningKey::ReadFile("cw.key").value();
//   auto client = Client::Connect({.host = "127.0.0.1", .port = 7400, .token = token}).value();
//   auto body = SignedEventBody(line_with_plain_personal_values, key).value();
//   auto reply = client->Post("/v1/events", body).value();   // 201 {"seq":..,...}
//
// Not thread-safe: one Client per thread.
#ifndef SERVER_CLIENT_H_
#define SERVER_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/signing_key.h"
#include "ledger/types.h"

namespace ledger::server {

// The body of POST /v1/events for an append-input line (plain personal values under
// "personal"): the values become salted digests and disclosures, the event is encoded
// canonically and signed with `key` (ledger/event_codec.h, SignEventJson).
Result<std::string> SignedEventBody(std::string_view json_line, const SigningKey& key);
// The same for an event already signed.
Result<std::string> SignedEventBody(const SignedEvent& event);
// The body of POST /v1/events/batch.
Result<std::string> BatchBody(const std::vector<SignedEvent>& events, bool atomic);

struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 7400;
  std::string token;                         // sent as "Authorization: Bearer <token>"; empty: none
  std::chrono::milliseconds timeout{30000};  // for each request
  // TLS: verify the server against this PEM file (empty: plain HTTP).
  std::string tls_ca_file;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

class Client {
 public:
  static Result<std::unique_ptr<Client>> Connect(const ClientOptions& options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One request; reconnects once if the kept-alive connection was closed. IOError if the
  // server cannot be reached or does not answer within the timeout.
  Result<HttpResponse> Request(std::string_view method, std::string_view target,
                               std::string_view body = {},
                               const std::map<std::string, std::string>& headers = {});
  Result<HttpResponse> Get(std::string_view target) { return Request("GET", target); }
  Result<HttpResponse> Post(std::string_view target, std::string_view body) {
    return Request("POST", target, body);
  }

  class Impl;

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A WebSocket subscription (GET /v1/ws?<query>). Messages are JSON texts (docs/api.md).
class Subscription {
 public:
  // `query` without '?', e.g. "from=0&types=case.".
  static Result<std::unique_ptr<Subscription>> Open(const ClientOptions& options,
                                                    std::string_view query);
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // The next message. Unavailable on timeout (the subscription stays usable); IOError once the
  // connection has ended.
  Result<std::string> Next(std::chrono::milliseconds timeout);
  // Sends a text message (an acknowledgement: {"type":"ack","position":N}).
  Status Send(std::string_view text);
  void Close();

  class Impl;

 private:
  explicit Subscription(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::server

#endif  // SERVER_CLIENT_H_
