// What a fan-out benchmark reports of one kind of receiver (WebSocket subscribers, JetStream
// consumers): the delivery lag of the events appended while they listened, and how many
// receivers got every one of them.
#ifndef CLI_BENCH_DELIVERY_FIGURES_H_
#define CLI_BENCH_DELIVERY_FIGURES_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "bench_common.h"

namespace ledger::cli {

// Each receiver samples every 16th entry it receives (decoding a recorded_at for each would cost
// a loaded machine more than the delivery it measures).
inline constexpr uint64_t kDeliveryLagSampleEvery = 16;

// Lag: the time a receiver had an entry less the entry's recorded_at (the primary's clock at
// commit; receivers and primary share the machine's clock).
struct DeliveryFigures {
  double lag_p50_ms = 0, lag_p99_ms = 0, lag_max_ms = 0;
  size_t lag_samples = 0;
  int receivers = 0;           // subscribers or consumers started
  int receivers_complete = 0;  // of them, those that received every event
  uint64_t events = 0;         // events appended while they listened
};

// The lag figures of `lags_ms` (the other fields are left as they are).
inline void SetDeliveryLags(const std::vector<double>& lags_ms, DeliveryFigures* f) {
  f->lag_samples = lags_ms.size();
  f->lag_p50_ms = Percentile(lags_ms, 0.5);
  f->lag_p99_ms = Percentile(lags_ms, 0.99);
  f->lag_max_ms = lags_ms.empty() ? 0 : *std::max_element(lags_ms.begin(), lags_ms.end());
}

}  // namespace ledger::cli

#endif  // CLI_BENCH_DELIVERY_FIGURES_H_
