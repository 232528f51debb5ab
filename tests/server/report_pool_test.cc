// Heavy requests on their own bounded pool (issue 14, server/src/report_pool.h): which requests
// are heavy, and end to end that they run at most report_threads at a time, wait in a bounded
// queue, are refused beyond it with 503 busy and Retry-After, and leave the worker pool to
// appends and reads.
#include "report_pool.h"

#include <atomic>
#include <thread>

#include "base/mutex.h"
#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

using internal::IsHeavyRequest;
using std::chrono::milliseconds;

TEST(ReportPoolTest, HeavyRequestsAreReportsExportsAndBackups) {
  EXPECT_TRUE(IsHeavyRequest("GET", "/v1/reports/caseload"));
  EXPECT_TRUE(IsHeavyRequest("GET", "/v1/reports/outcomes"));
  EXPECT_TRUE(IsHeavyRequest("GET", "/v1/reports/compliance"));
  EXPECT_TRUE(IsHeavyRequest("POST", "/v1/releases/r-2010/export"));
  EXPECT_TRUE(IsHeavyRequest("POST", "/v1/admin/backup"));
  // Cheap, or answered 405 at once.
  EXPECT_FALSE(IsHeavyRequest("POST", "/v1/reports/compliance"));
  EXPECT_FALSE(IsHeavyRequest("GET", "/v1/releases/r-2010/export"));
  EXPECT_FALSE(IsHeavyRequest("GET", "/v1/releases/r-2010"));
  EXPECT_FALSE(IsHeavyRequest("GET", "/v1/reports/compliance/x"));
  EXPECT_FALSE(IsHeavyRequest("GET", "/v1/head"));
  EXPECT_FALSE(IsHeavyRequest("POST", "/v1/events/batch"));
  EXPECT_FALSE(IsHeavyRequest("GET", "/v1/groups/g"));
}

TEST(ReportPoolTest, AdmitsThreadsPlusQueuedAndFreesPlacesWithTheirTickets) {
  internal::ReportPool pool(2, 1);
  auto a = pool.TryAdmit(), b = pool.TryAdmit(), c = pool.TryAdmit();
  EXPECT_TRUE(a && b && c);
  EXPECT_FALSE(pool.TryAdmit());
  EXPECT_EQ(pool.admitted(), 3u);
  { auto gone = std::move(b); }
  EXPECT_EQ(pool.admitted(), 2u);
  EXPECT_TRUE(pool.TryAdmit());  // (a temporary: freed again at once)
  EXPECT_EQ(pool.admitted(), 2u);
  const internal::Reply busy = pool.BusyReply();
  EXPECT_EQ(busy.status, 503u);
  EXPECT_EQ(busy.error_code, "busy");
  EXPECT_EQ(busy.headers, (std::vector<std::pair<std::string, std::string>>{{"Retry-After", "1"}}));
  pool.Join();
}

// Holds every heavy request on its report thread until Release().
class Gate {
 public:
  void Enter() LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    ++running_;
    max_running_ = std::max(max_running_, running_);
    cv_.SignalAll();
    while (!open_) cv_.Wait(mu_);
    --running_;
  }
  bool WaitRunning(int n, milliseconds timeout) LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running_ < n && cv_.WaitUntil(mu_, deadline)) {
    }
    return running_ >= n;
  }
  void Release() LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    open_ = true;
    cv_.SignalAll();
  }
  int max_running() LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return max_running_;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  int running_ LEDGER_GUARDED_BY(mu_) = 0;
  int max_running_ LEDGER_GUARDED_BY(mu_) = 0;
  bool open_ LEDGER_GUARDED_BY(mu_) = false;
};

using ReportPoolServerTest = ServerFixture;

TEST_F(ReportPoolServerTest, ReportsWaitOnTheirPoolAndTheQueueLimitSaysBusy) {
  auto gate = std::make_shared<Gate>();
  ServerOptions o = DefaultOptions();
  // One worker: a heavy request that ran on the workers would hold it, and GET /v1/head below
  // (and the gate's count of two) could not be answered.
  o.worker_threads = 1;
  o.report_threads = 2;
  o.limits.max_queued_reports = 1;
  o.before_heavy_request = [gate](std::string_view) { gate->Enter(); };
  RestartServer(o);

  // Four reports at once: two run, one waits, one is refused.
  constexpr int kReports = 4;
  std::vector<HttpResponse> answers(kReports);
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  // Whatever fails below, the held requests end before the server stops.
  struct Finally {
    Gate& gate;
    std::vector<std::thread>& threads;
    ~Finally() {
      gate.Release();
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } finally{*gate, clients};
  for (int i = 0; i < kReports; ++i) {
    clients.emplace_back([&, i] {
      auto r = ClientFor(auditor_)->Get("/v1/reports/compliance?as_of=2010-12-31");
      answers[i] = r.ok() ? *r : HttpResponse{};
      answered.fetch_add(1);
    });
  }
  ASSERT_TRUE(gate->WaitRunning(2, milliseconds(10000)));
  // Two are held running and one waits: only the refused one is answered.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (answered.load() < 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(answered.load(), 1);
  auto metrics = ClientFor(auditor_)->Get("/v1/metrics").value();
  EXPECT_NE(metrics.body.find("\nledger_heavy_requests 3\n"), std::string::npos) << metrics.body;
  // Appends and reads are served while the report pool is full.
  EXPECT_EQ(ClientFor(auditor_)->Get("/v1/head").value().status, 200u);
  EXPECT_EQ(AppendJson(*ClientFor(caseworker_), CaseOpened("pool-1"), caseworker_).status, 201u);
  EXPECT_EQ(answered.load(), 1);
  gate->Release();
  for (auto& t : clients) t.join();

  int refused = 0;
  for (const auto& a : answers) refused += a.status == 503;
  EXPECT_EQ(refused, 1);
  int served = 0;
  for (const auto& a : answers) {
    if (a.status == 200) {
      ++served;
    } else {
      EXPECT_EQ(a.status, 503u);
      EXPECT_EQ(ErrorCode(a), "busy");
      EXPECT_EQ(Json(a)["error"]["message"],
                "heavy requests (reports, release exports, backups) are at their limit of 2 "
                "running and 1 waiting; retry after 1 s");
      EXPECT_EQ(a.headers.count("retry-after") ? a.headers.at("retry-after") : "", "1");
    }
  }
  EXPECT_EQ(served, 3);
  EXPECT_EQ(gate->max_running(), 2);
  metrics = ClientFor(auditor_)->Get("/v1/metrics").value();
  EXPECT_NE(metrics.body.find("\nledger_heavy_requests 0\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("\nledger_errors_total{code=\"busy\"} 1\n"), std::string::npos)
      << metrics.body;
}

// A stop lets the running report finish, and answers one still waiting 503 shutting_down
// without running it: a queue of reports must not hold a graceful stop for minutes.
TEST_F(ReportPoolServerTest, AStopDoesNotStartWaitingReports) {
  auto gate = std::make_shared<Gate>();
  std::atomic<int> started{0};
  ServerOptions o = DefaultOptions();
  o.report_threads = 1;
  o.before_heavy_request = [gate, &started](std::string_view) {
    started.fetch_add(1);
    gate->Enter();
  };
  RestartServer(o);
  auto watcher = ClientFor(auditor_);  // connected before the stop closes the acceptor
  HttpResponse running, waiting;
  std::thread first([&] {
    auto r = ClientFor(auditor_)->Get("/v1/reports/caseload");
    running = r.ok() ? *r : HttpResponse{};
  });
  ASSERT_TRUE(gate->WaitRunning(1, milliseconds(10000)));
  auto second_client = ClientFor(auditor_);
  std::thread second([&] {
    auto r = second_client->Get("/v1/reports/compliance");
    waiting = r.ok() ? *r : HttpResponse{};
  });
  std::thread stopper;
  struct Finally {
    Gate& gate;
    std::vector<std::thread*> threads;
    ~Finally() {
      gate.Release();
      for (auto* t : threads) {
        if (t->joinable()) t->join();
      }
    }
  } finally{*gate, {&first, &second, &stopper}};
  // (The second request is queued once it is sent; a little time for it to arrive.)
  std::this_thread::sleep_for(milliseconds(300));
  stopper = std::thread([&] { server_->Stop(); });
  // The stop has begun once health says so.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool stopping = false;
  while (!stopping && std::chrono::steady_clock::now() < until) {
    auto h = watcher->Get("/v1/health");
    stopping = h.ok() && h->status == 503;
    if (!stopping) std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(stopping);
  gate->Release();
  first.join();
  second.join();
  stopper.join();
  EXPECT_EQ(running.status, 200u) << running.body;
  EXPECT_EQ(waiting.status, 503u) << waiting.body;
  EXPECT_EQ(ErrorCode(waiting), "shutting_down");
  EXPECT_EQ(started.load(), 1);
}

}  // namespace
}  // namespace ledger::server::testing
