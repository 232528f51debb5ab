// Placeholder until the binary protocol lands: refuses the connection.
#include "server_core.h"

namespace ledger::server::internal {

net::asio::awaitable<void> ServeBinaryConnection(ServerCore& core, net::tcp::socket socket,
                                                 net::ssl::context* tls) {
  (void)core;
  (void)tls;
  net::error_code ec;
  socket.close(ec);
  co_return;
}

}  // namespace ledger::server::internal
