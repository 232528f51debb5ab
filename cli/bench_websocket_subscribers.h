// Many WebSocket subscribers of one server receiving every event while events are appended at a
// fixed rate: `bench server`'s subscribe phase and the WebSocket side of `bench replicate`'s
// fan-out phase.
#ifndef CLI_BENCH_WEBSOCKET_SUBSCRIBERS_H_
#define CLI_BENCH_WEBSOCKET_SUBSCRIBERS_H_

#include <cstdint>

#include "bench_delivery_figures.h"
#include "bench_server_target.h"

namespace ledger::cli {

struct WebSocketSubscribersFigures {
  DeliveryFigures delivery;
  uint64_t server_rss_bytes = 0;  // the server's resident memory after the last append (0: unknown)
};

// Opens `subscribers` subscriptions (from=end, case.opened; a thread each; the sub token), waits
// until all are open, then appends rate x seconds signed events over HTTP at `rate` per second
// (PacedHttpAppends) and lets the subscribers read until nothing more comes. The lag is
// sampled from each subscriber's every 16th entry.
WebSocketSubscribersFigures RunWebSocketSubscribers(const BenchServerTarget& t, int subscribers,
                                                    double rate, int seconds);

}  // namespace ledger::cli

#endif  // CLI_BENCH_WEBSOCKET_SUBSCRIBERS_H_
