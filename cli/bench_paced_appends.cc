#include "bench_paced_appends.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace ledger::cli {

uint64_t PacedHttpAppends(const BenchServerTarget& t, const std::vector<std::string>& bodies,
                          double rate) {
  std::atomic<uint64_t> acknowledged{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> writers;
  for (int c = 0; c < kPacedAppendClients; ++c) {
    writers.emplace_back([&, c] {
      auto client = server::Client::Connect(BenchClientOptions(t, t.token));
      if (!client.ok()) return;
      for (size_t i = static_cast<size_t>(c); i < bodies.size(); i += kPacedAppendClients) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<int64_t>(
                                                  static_cast<double>(i) * 1e6 / rate)));
        auto r = (*client)->Post("/v1/events", bodies[i]);
        if (r.ok() && r->status == 201) ++acknowledged;
      }
    });
  }
  for (auto& w : writers) w.join();
  return acknowledged.load();
}

}  // namespace ledger::cli
