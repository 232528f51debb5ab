// The server's Asio and Beast: the project's one net header (base/net.h, with the Boost 1.74
// workarounds) plus TLS and WebSocket, which only the server uses.
#ifndef SERVER_SRC_NET_H_
#define SERVER_SRC_NET_H_

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "base/net.h"

namespace ledger::server::net {

using namespace ::ledger::net;  // NOLINT: the shared aliases (asio, beast, http, tcp, ...)
namespace websocket = boost::beast::websocket;
namespace ssl = boost::asio::ssl;

}  // namespace ledger::server::net

#endif  // SERVER_SRC_NET_H_
