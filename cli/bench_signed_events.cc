#include "bench_signed_events.h"

#include <algorithm>
#include <thread>

#include "bench_common.h"
#include "ledger/event_codec.h"
#include "server/client.h"

namespace ledger::cli {

std::vector<SignedEvent> SignBenchEvents(const SigningKey& key, size_t n,
                                         const std::string& prefix) {
  std::vector<SignedEvent> out(n);
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = t; i < n; i += threads) {
        out[i] = SignEventJson(BenchCaseOpenedJson(prefix + std::to_string(i)).dump(), key).value();
      }
    });
  }
  for (auto& t : pool) t.join();
  return out;
}

std::vector<std::string> SignBenchEventBodies(const SigningKey& key, size_t n,
                                              const std::string& prefix) {
  const auto events = SignBenchEvents(key, n, prefix);
  std::vector<std::string> bodies(n);
  for (size_t i = 0; i < n; ++i) bodies[i] = server::SignedEventBody(events[i]).value();
  return bodies;
}

}  // namespace ledger::cli
