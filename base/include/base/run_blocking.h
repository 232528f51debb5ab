// Awaiting a blocking call (an append that waits for its synced group, a RocksDB read, a file
// fsync) without blocking a network thread: the server's and the witness's. Header-only; link the
// `ledger_base_net` target.
#ifndef BASE_RUN_BLOCKING_H_
#define BASE_RUN_BLOCKING_H_

#include <type_traits>
#include <utility>

#include "base/net.h"

namespace ledger {

// Runs `fn` on `pool` and resumes the awaiting coroutine on its own executor with the result.
// The coroutine's executor counts as busy meanwhile, so its io_context does not return from
// run() while `fn` is in flight. If that io_context is destroyed before the result arrives, the
// coroutine is destroyed without resuming.
// REQUIRES: the result of `fn` is default-constructible and movable (use_awaitable's rule).
template <typename Fn>
net::asio::awaitable<std::invoke_result_t<Fn&>> RunBlocking(net::asio::thread_pool& pool, Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  auto initiate = [&pool](auto handler, Fn f) {
    auto home = net::asio::prefer(net::asio::get_associated_executor(handler),
                                  net::asio::execution::outstanding_work.tracked);
    net::asio::post(pool, [handler = std::move(handler), f = std::move(f),
                           home = std::move(home)]() mutable {
      R result = f();
      net::asio::post(home, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  };
  return net::asio::async_initiate<const net::asio::use_awaitable_t<>&, void(R)>(
      std::move(initiate), net::asio::use_awaitable, std::move(fn));
}

}  // namespace ledger

#endif  // BASE_RUN_BLOCKING_H_
