// The fan-out phase of `ledger bench replicate` (issue 16): the same events delivered to many
// JetStream consumers of the ledger's stream and, on the same server, to as many WebSocket
// subscribers, with the delivery lag of each (docs/replication.md, "Sizing").
#ifndef CLI_BENCH_REPLICATE_FANOUT_H_
#define CLI_BENCH_REPLICATE_FANOUT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "bench_delivery_figures.h"
#include "cli_common.h"

namespace ledger::cli {

struct FanoutOptions {
  std::string nats_urls;
  std::string stream;    // the run's own stream: unique per process and run
  std::string dir;       // scratch directory of the run's ledger and server
  int receivers = 1000;  // JetStream consumers, and then as many WebSocket subscribers
  double rate = 1000;    // events appended per second while each side listens
  int seconds = 10;      // for that long
};

struct FanoutFigures {
  DeliveryFigures jetstream, websocket;
  uint64_t malformed_messages = 0;  // entries messages the consumers could not decode
};

// One run: a scratch ledger served in this process (bench_scratch_server.h) and published to
// `stream` by a replication::Publisher. First `receivers` durable JetStream push consumers
// (replication/entries_consumers.h) listen while rate x seconds events are appended over HTTP;
// they are deleted, then `receivers` WebSocket subscribers (bench_websocket_subscribers.h)
// listen to as many more. The publisher runs throughout, so both sides face the same server.
Result<FanoutFigures> RunFanoutPhase(const FanoutOptions& options);

// Over runs: the median of each lag figure, the fewest receivers complete in any run, and the
// fewest events.
FanoutFigures CombineFanoutRuns(const std::vector<FanoutFigures>& runs);

// The rows of `bench replicate`'s table and its "fanout" JSON object.
void AddFanoutRows(const FanoutOptions& options, const FanoutFigures& f, Table* table);
nlohmann::ordered_json FanoutJson(const FanoutOptions& options, const FanoutFigures& f);

}  // namespace ledger::cli

#endif  // CLI_BENCH_REPLICATE_FANOUT_H_
