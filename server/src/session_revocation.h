// One connection's part in revocation (revocation_watch.h). Everything here runs on the
// connection's strand: the watch's callbacks post to it.
#ifndef SERVER_SRC_SESSION_REVOCATION_H_
#define SERVER_SRC_SESSION_REVOCATION_H_

#include <memory>
#include <optional>
#include <string>

#include "hub.h"
#include "net.h"
#include "revocation_watch.h"

namespace ledger::server::internal {

class SessionRevocation {
 public:
  SessionRevocation(RevocationWatch& watch, net::asio::any_io_executor strand,
                    net::tcp::socket* socket)
      : watch_(watch), strand_(std::move(strand)), state_(std::make_shared<State>(socket)) {}
  ~SessionRevocation() {
    // Removed first: once Remove returns, no callback of this session runs again.
    if (id_) watch_.Remove(*id_);
    state_->socket = nullptr;
  }
  SessionRevocation(const SessionRevocation&) = delete;
  SessionRevocation& operator=(const SessionRevocation&) = delete;

  // Watches the connection under `p`: a kept-alive connection's next request may use another
  // token, which then replaces the first.
  void Watch(const Principal& p) {
    if (id_ && token_id_ == p.token_id) return;
    if (id_) watch_.Remove(*id_);
    token_id_ = p.token_id;
    RevocationWatch::Session session;
    session.principal = p;
    session.notify = [strand = strand_, state = state_](const Status& why) {
      net::asio::post(strand, [state, message = why.message()] {
        if (state->socket == nullptr || state->revoked) return;
        state->revoked = true;
        state->why = message;
        if (state->waiter) state->waiter->Wake();
        if (state->interrupt_reads) {
          net::error_code ignored;
          state->socket->cancel(ignored);
        }
      });
    };
    session.close = [strand = strand_, state = state_] {
      net::asio::post(strand, [state] {
        if (state->socket == nullptr) return;
        net::error_code ignored;
        state->socket->close(ignored);
      });
    };
    id_ = watch_.Add(std::move(session));
  }

  // While on, a revocation also cancels the connection's pending read (a kept-alive HTTP
  // connection between requests, a binary connection waiting for its next frame): the
  // connection notices at once instead of at its next request.
  void set_interrupt_reads(bool on) { state_->interrupt_reads = on; }
  // A subscription's waiter: a revocation wakes it, and the subscription ends.
  void set_waiter(std::shared_ptr<Waiter> waiter) { state_->waiter = std::move(waiter); }

  bool revoked() const { return state_->revoked; }
  // Why (Authenticator::Recheck's message), once revoked().
  const std::string& why() const { return state_->why; }

 private:
  struct State {
    explicit State(net::tcp::socket* s) : socket(s) {}
    net::tcp::socket* socket;  // null once the connection is gone
    bool revoked = false;
    std::string why;
    bool interrupt_reads = false;
    std::shared_ptr<Waiter> waiter;
  };
  RevocationWatch& watch_;
  net::asio::any_io_executor strand_;
  std::shared_ptr<State> state_;
  std::optional<uint64_t> id_;
  std::string token_id_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_SESSION_REVOCATION_H_
