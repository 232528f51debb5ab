// A deadline for reading one request (slowloris). When it passes, the socket's receive side is
// shut down: the pending read ends (end of stream) while the send side stays open, so the
// server can still answer 408 before closing. (Beast's own stream timeout would close the
// socket and leave no way to say why.)
#ifndef SERVER_SRC_READ_DEADLINE_H_
#define SERVER_SRC_READ_DEADLINE_H_

#include <chrono>
#include <memory>

#include "net.h"

namespace ledger::server::internal {

class ReadDeadline {
 public:
  ReadDeadline(net::asio::any_io_executor strand, net::tcp::socket& socket)
      : timer_(std::move(strand)), state_(std::make_shared<State>(&socket)) {}
  ~ReadDeadline() {
    state_->socket = nullptr;
    timer_.cancel();
  }
  ReadDeadline(const ReadDeadline&) = delete;
  ReadDeadline& operator=(const ReadDeadline&) = delete;

  void Arm(std::chrono::milliseconds timeout) {
    state_->expired = false;
    const uint64_t generation = ++state_->generation;
    timer_.expires_after(timeout);
    // The handler holds the state, not this object: it may run after this object is gone.
    timer_.async_wait([state = state_, generation](const net::error_code& ec) {
      if (ec || state->socket == nullptr || state->generation != generation) return;
      state->expired = true;
      net::error_code ignored;
      state->socket->shutdown(net::tcp::socket::shutdown_receive, ignored);
    });
  }
  void Disarm() {
    ++state_->generation;
    timer_.cancel();
  }
  bool expired() const { return state_->expired; }

 private:
  struct State {
    explicit State(net::tcp::socket* s) : socket(s) {}
    net::tcp::socket* socket;
    uint64_t generation = 0;
    bool expired = false;
  };
  net::asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_READ_DEADLINE_H_
