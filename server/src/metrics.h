// Counters for /v1/metrics, in the Prometheus text exposition format (version 0.0.4).
// Every method is thread-safe and cheap (atomics; one mutex for the error-code map).
#ifndef SERVER_SRC_METRICS_H_
#define SERVER_SRC_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/mutex.h"

namespace ledger::server::internal {

class Metrics {
 public:
  // Upper bounds (seconds) of the append latency histogram's buckets.
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  void RequestServed(unsigned http_status);
  // One append request (one event or one batch) that was acknowledged or refused.
  void AppendDone(uint64_t events_appended, uint64_t events_refused, double seconds);
  void Error(std::string_view code) LEDGER_EXCLUDES(errors_mu_);  // an error reply, by its code
  // The open connections, this one included.
  int64_t ConnectionOpened() { return connections_.fetch_add(1) + 1; }
  void ConnectionClosed() { connections_.fetch_sub(1); }
  int64_t connections() const { return connections_.load(); }
  // One message to a subscriber carrying `n` entries.
  void EntriesDelivered(uint64_t n) {
    delivered_.fetch_add(n);
    delivery_messages_.fetch_add(1);
  }
  void FramesRefused(uint64_t n) { frames_refused_.fetch_add(n); }
  // A heavy request (report_pool.h) admitted to the report pool, and its answer back.
  void HeavyAdmitted() { heavy_.fetch_add(1); }
  void HeavyDone() { heavy_.fetch_sub(1); }

  struct Gauges {
    uint64_t log_size = 0;
    uint64_t subscribers = 0;
    uint64_t max_subscriber_lag = 0;
    uint64_t delivery_rounds = 0;         // Hub::deliveries()
    uint64_t erasure_purges_pending = 0;  // PersonalData::ErasurePurge()
    bool erasure_purge_failing = false;
  };
  std::string Render(const Gauges& gauges) const LEDGER_EXCLUDES(errors_mu_);

 private:
  std::atomic<uint64_t> requests_[6] = {};  // by status class: 1xx..5xx, [0] other
  std::atomic<uint64_t> append_requests_{0};
  std::atomic<uint64_t> events_appended_{0};
  std::atomic<uint64_t> events_refused_{0};
  std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> latency_counts_ = {};
  std::atomic<uint64_t> latency_sum_us_{0};
  std::atomic<int64_t> connections_{0};
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> delivery_messages_{0};
  std::atomic<uint64_t> frames_refused_{0};
  std::atomic<int64_t> heavy_{0};  // heavy requests running or waiting
  mutable Mutex errors_mu_;
  std::map<std::string, uint64_t, std::less<>> errors_ LEDGER_GUARDED_BY(errors_mu_);
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_METRICS_H_
