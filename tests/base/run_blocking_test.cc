// RunBlocking: the blocking call runs on the pool, the coroutine resumes on its own thread with
// the result, and the io_context does not stop while the call is in flight.
#include "base/run_blocking.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace ledger {
namespace {

TEST(RunBlockingTest, RunsOnThePoolAndResumesOnTheCallersThread) {
  net::asio::io_context ioc;
  net::asio::thread_pool pool(1);
  std::thread::id coroutine_thread, blocking_thread, resumed_thread;
  std::string result;
  auto task = [&]() -> net::asio::awaitable<void> {
    coroutine_thread = std::this_thread::get_id();
    result = co_await RunBlocking(pool, [&] {
      blocking_thread = std::this_thread::get_id();
      // Long enough that ioc.run() would return meanwhile if the work were not tracked.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return std::string("done");
    });
    resumed_thread = std::this_thread::get_id();
  };
  net::asio::co_spawn(ioc, task, net::asio::detached);
  ioc.run();  // returns only once the coroutine has finished
  pool.join();
  EXPECT_EQ(result, "done");
  EXPECT_EQ(coroutine_thread, std::this_thread::get_id());
  EXPECT_NE(blocking_thread, std::this_thread::get_id());
  EXPECT_EQ(resumed_thread, std::this_thread::get_id());
}

TEST(RunBlockingTest, UseAwaitableReportsErrorsThroughTheCode) {
  net::asio::io_context ioc;
  net::error_code ec;
  bool finished = false;
  auto task = [&]() -> net::asio::awaitable<void> {
    net::tcp::socket socket(ioc);
    char byte;
    // Reading from a socket that was never opened fails at once; nothing is thrown.
    co_await socket.async_read_some(net::asio::buffer(&byte, 1), net::UseAwaitable(ec));
    finished = true;
  };
  net::asio::co_spawn(ioc, task, net::asio::detached);
  ioc.run_for(std::chrono::seconds(5));
  EXPECT_TRUE(finished);
  EXPECT_TRUE(ec) << "expected an error from a closed socket";
}

}  // namespace
}  // namespace ledger
