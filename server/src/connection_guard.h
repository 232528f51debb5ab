// Every connection registers itself for a graceful stop and is counted for the connection limit.
#ifndef SERVER_SRC_CONNECTION_GUARD_H_
#define SERVER_SRC_CONNECTION_GUARD_H_

#include <memory>

#include "net.h"
#include "server_core.h"

namespace ledger::server::internal {

// Registers the connection for Stop and counts it. Stop's closer runs on the connection's
// strand and does nothing once the connection is gone.
class ConnectionGuard {
 public:
  ConnectionGuard(ServerCore& core, net::asio::any_io_executor strand, net::tcp::socket* socket)
      : core_(core), state_(std::make_shared<State>(socket)) {
    core_.metrics.ConnectionOpened();
    id_ = core_.AddConnection([strand, state = state_] {
      net::asio::post(strand, [state] {
        if (state->socket == nullptr) return;
        net::error_code ignored;
        state->socket->close(ignored);
      });
    });
  }
  ~ConnectionGuard() {
    state_->socket = nullptr;
    core_.RemoveConnection(id_);
    core_.metrics.ConnectionClosed();
  }
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;
  void set_socket(net::tcp::socket* socket) { state_->socket = socket; }

 private:
  struct State {
    explicit State(net::tcp::socket* s) : socket(s) {}
    net::tcp::socket* socket;
  };
  ServerCore& core_;
  std::shared_ptr<State> state_;
  uint64_t id_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_CONNECTION_GUARD_H_
