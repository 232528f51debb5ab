// The one place the project includes Asio and Beast (the server's and the witness's HTTP), so
// that every file gets the Boost 1.74 workarounds (STYLE.md, toolchain facts). Header-only; link
// the `ledger_base_net` target, which brings Boost. TLS and WebSocket headers stay with the
// server (server/src/net.h adds them), so the witness compiles without them.
#ifndef BASE_NET_H_
#define BASE_NET_H_

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

// Boost 1.74 detects coroutine support only for GCC and MSVC.
#if defined(__clang__)
#ifndef BOOST_ASIO_HAS_CO_AWAIT
#define BOOST_ASIO_HAS_CO_AWAIT 1
#endif
#ifndef BOOST_ASIO_HAS_STD_COROUTINE
#define BOOST_ASIO_HAS_STD_COROUTINE 1
#endif
#endif

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string_view>

namespace ledger::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;
using Strand = asio::strand<asio::io_context::executor_type>;

// Every asynchronous operation reports errors through an error_code, never by throwing.
inline auto UseAwaitable(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Beast 1.74's string_view is its own type.
inline std::string_view View(boost::beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace ledger::net

#endif  // BASE_NET_H_
