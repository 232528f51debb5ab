// Every connection registers itself for a graceful stop and is counted for the connection
// limits: the server's (max_connections, with a reserve for /v1/health) and one address's
// (max_connections_per_address).
#ifndef SERVER_SRC_CONNECTION_GUARD_H_
#define SERVER_SRC_CONNECTION_GUARD_H_

#include <algorithm>
#include <memory>
#include <string>

#include "net.h"
#include "server_core.h"

namespace ledger::server::internal {

// The key a connection from `endpoint` is counted under for the per-address limit: an IPv4
// address as such (also when mapped into IPv6), an IPv6 address by its /64, as one host
// usually holds a whole /64 and could otherwise open the limit's worth from each address.
inline std::string AddressKey(const net::tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  if (address.is_v4()) return address.to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return net::asio::ip::make_address_v4(net::asio::ip::v4_mapped, v6).to_string();
  }
  return net::asio::ip::make_network_v6(v6, 64).canonical().to_string();
}

// What a new connection may do, decided once when it opens.
struct ConnectionAdmission {
  enum Kind {
    kServe,       // served normally
    kHealthOnly,  // HTTP only: one request, and only /v1/health is answered (the reserve)
    kRefuse,      // 503 too_many_connections (an error frame on the binary port), then closed
  };
  Kind kind = kServe;
  std::string message;  // kHealthOnly, kRefuse: the too_many_connections message
};

// Registers the connection for Stop and counts it, in total and by its address. Stop's closer
// runs on the connection's strand and does nothing once the connection is gone.
class ConnectionGuard {
 public:
  ConnectionGuard(ServerCore& core, net::asio::any_io_executor strand, net::tcp::socket* socket)
      : core_(core), state_(std::make_shared<State>(socket)) {
    net::error_code ec;
    const auto peer = socket->remote_endpoint(ec);
    // (A peer gone before this runs has no endpoint: its connection ends at its first read.)
    address_ = ec ? "unknown" : AddressKey(peer);
    opened_with_ = core_.metrics.ConnectionOpened();
    id_ = core_.AddConnection(
        [strand, state = state_] {
          net::asio::post(strand, [state] {
            if (state->socket == nullptr) return;
            net::error_code ignored;
            state->socket->close(ignored);
          });
        },
        address_, &from_address_);
  }
  ~ConnectionGuard() {
    state_->socket = nullptr;
    core_.RemoveConnection(id_, address_);
    core_.metrics.ConnectionClosed();
  }
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;
  void set_socket(net::tcp::socket* socket) { state_->socket = socket; }

  // Whether this connection may be served, from the counts when it opened (itself included).
  // The per-address limit comes first, so that one address cannot take the health reserve
  // either; `health_reserve`: the connection can use the reserve (HTTP).
  ConnectionAdmission Admit(bool health_reserve) const {
    const ServerLimits& limits = core_.options.limits;
    if (from_address_ > limits.max_connections_per_address) {
      return {ConnectionAdmission::kRefuse,
              "the connections from " + address_ + " exceed the limit of " +
                  std::to_string(limits.max_connections_per_address) + " per address"};
    }
    const auto open = static_cast<size_t>(std::max<int64_t>(0, opened_with_));
    if (open <= limits.max_connections) return {ConnectionAdmission::kServe, ""};
    const std::string over = "the open connections exceed the server's limit of " +
                             std::to_string(limits.max_connections);
    if (health_reserve && open <= limits.max_connections + limits.health_reserve_connections) {
      return {ConnectionAdmission::kHealthOnly, over + "; only /v1/health is answered"};
    }
    return {ConnectionAdmission::kRefuse, over};
  }

 private:
  struct State {
    explicit State(net::tcp::socket* s) : socket(s) {}
    net::tcp::socket* socket;
  };
  ServerCore& core_;
  std::shared_ptr<State> state_;
  std::string address_;
  uint64_t id_ = 0;
  size_t from_address_ = 0;  // the open connections from address_, this one included
  int64_t opened_with_ = 0;  // the server's open connections, this one included, when it opened
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_CONNECTION_GUARD_H_
