#include "bench_websocket_subscribers.h"

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "bench_paced_appends.h"
#include "bench_signed_events.h"
#include "ledger/time_format.h"

namespace ledger::cli {
namespace {

using std::chrono::milliseconds;

// The server's process_resident_memory_bytes from /v1/metrics; 0 if it cannot be read.
uint64_t ServerRss(const BenchServerTarget& t) {
  auto c = server::Client::Connect(BenchClientOptions(t, t.sub_token));
  if (!c.ok()) return 0;
  auto r = (*c)->Get("/v1/metrics");
  if (!r.ok()) return 0;
  const std::string key = "process_resident_memory_bytes ";
  size_t at = r->body.find("\n" + key);
  if (at == std::string::npos) return 0;
  return std::strtoull(r->body.c_str() + at + 1 + key.size(), nullptr, 10);
}

}  // namespace

WebSocketSubscribersFigures RunWebSocketSubscribers(const BenchServerTarget& t, int subscribers,
                                                    double rate, int seconds) {
  const size_t n = static_cast<size_t>(rate * seconds);
  const auto bodies = SignBenchEventBodies(*t.key, n, "bw-" + NewEventId() + "-");
  std::atomic<int> ready{0};
  std::atomic<bool> done{false};
  Mutex mu;
  std::vector<double> lags;  // under mu
  std::atomic<int> complete{0};
  std::vector<std::thread> subs;
  for (int s = 0; s < subscribers; ++s) {
    subs.emplace_back([&] {
      auto sub = server::Subscription::Open(BenchClientOptions(t, t.sub_token),
                                            "from=end&types=case.opened");
      ++ready;
      if (!sub.ok()) return;
      std::vector<double> mine;
      uint64_t count = 0;
      while (!done || count < n) {
        auto m = (*sub)->Next(milliseconds(200));
        if (!m.ok()) {
          if (m.status().code() == StatusCode::kUnavailable) {
            if (done) break;
            continue;
          }
          break;
        }
        const int64_t now = NowMicros();
        const std::string& text = *m;
        if (text.rfind("{\"type\":\"entries\"", 0) != 0) continue;
        for (size_t at = text.find("\"recorded_at\":\""); at != std::string::npos;
             at = text.find("\"recorded_at\":\"", at + 1)) {
          const size_t from = at + 15, to = text.find('"', from);
          auto rec = ParseInstantMicros(std::string_view(text).substr(from, to - from));
          if (rec.ok() && (count % kDeliveryLagSampleEvery == 0))
            mine.push_back(static_cast<double>(now - *rec) / 1000.0);
          ++count;
        }
      }
      if (count >= n) ++complete;
      MutexLock lock(mu);
      lags.insert(lags.end(), mine.begin(), mine.end());
    });
  }
  while (ready < subscribers) std::this_thread::sleep_for(milliseconds(20));
  std::this_thread::sleep_for(milliseconds(500));
  PacedHttpAppends(t, bodies, rate);
  WebSocketSubscribersFigures f;
  f.server_rss_bytes = ServerRss(t);
  std::this_thread::sleep_for(milliseconds(2000));
  done = true;
  for (auto& s : subs) s.join();
  f.delivery.receivers = subscribers;
  f.delivery.receivers_complete = complete.load();
  f.delivery.events = n;
  MutexLock lock(mu);
  SetDeliveryLags(lags, &f.delivery);
  return f;
}

}  // namespace ledger::cli
