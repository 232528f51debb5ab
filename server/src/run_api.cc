// Which pool runs a request's handler (report_pool.h): the one line of dispatch between the
// connection code and the handlers (api.h).
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/run_blocking.h"
#include "report_pool.h"
#include "server_core.h"

namespace ledger::server::internal {
namespace {

// The report pool's threads run below the workers (Linux nice is per thread): heavy work takes a
// core only when appends and reads leave it one. Set by each thread on its first heavy request.
// (api.h, kHeavyBodyBytes.)
constexpr int kHeavyNice = 10;

void LowerThisThreadsPriority() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kHeavyNice);
  ::pthread_setname_np(::pthread_self(), "ledger-heavy");
}

// The workers' threads belong to an asio::thread_pool, which does not name them: each names
// itself on its first request (for top -H, perf and /proc/<pid>/task/*/comm).
void NameWorkerThread() {
  thread_local bool named = false;
  if (named) return;
  named = true;
  ::pthread_setname_np(::pthread_self(), "ledger-worker");
}

}  // namespace

net::asio::awaitable<Reply> RunApi(ServerCore& core, ApiRequest request) {
  // (Handlers are named lambdas, not temporaries in the co_await expression: g++ 12 destroys a
  // temporary lambda with captures twice there.)
  const bool heavy =
      IsHeavyRequest(request.method, request.target.path) || request.body.size() > kHeavyBodyBytes;
  if (!heavy) {
    auto handle = [&core, api = std::move(request)]() {
      NameWorkerThread();
      return HandleApi(*core.api, api);
    };
    Reply reply = co_await RunBlocking(*core.workers, std::move(handle));
    co_return reply;
  }
  // Held until the answer is back: the pool's count covers running and waiting requests.
  ReportPool::Ticket ticket = core.reports->TryAdmit();
  if (!ticket) co_return core.reports->BusyReply();
  auto handle = [&core, api = std::move(request)]() {
    // One that waited while the server began to stop is not started: Stop waits for requests
    // in flight, and a queue of reports could take minutes.
    if (core.stopping) return ErrorReply(503, "shutting_down", "the server is stopping");
    LowerThisThreadsPriority();
    if (core.options.before_heavy_request) core.options.before_heavy_request(api.target.path);
    return HandleApi(*core.api, api);
  };
  Reply reply = co_await RunBlocking(core.reports->pool(), std::move(handle));
  co_return reply;
}

}  // namespace ledger::server::internal
