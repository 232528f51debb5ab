// The server a server benchmark talks to over loopback or the network: where it listens, the
// tokens its clients present and the caseworker key that signs what they append. Either a
// running server (`bench server --url`) or a scratch one (bench_scratch_server.h).
#ifndef CLI_BENCH_SERVER_TARGET_H_
#define CLI_BENCH_SERVER_TARGET_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "ledger/signing_key.h"
#include "server/client.h"

namespace ledger::cli {

struct BenchServerTarget {
  std::string host;
  uint16_t port = 0;
  uint16_t binary_port = 0;       // 0: no binary protocol
  std::string token;              // a caseworker's: appends
  std::string sub_token;          // an auditor's or subscriber's: subscriptions, metrics, reports
  std::optional<SigningKey> key;  // the caseworker's key of `token`
};

// Client options for `token` at `t`, with a timeout long enough for a loaded machine.
inline server::ClientOptions BenchClientOptions(const BenchServerTarget& t,
                                                const std::string& token) {
  server::ClientOptions o;
  o.host = t.host;
  o.port = t.port;
  o.token = token;
  o.timeout = std::chrono::milliseconds(60000);
  return o;
}

}  // namespace ledger::cli

#endif  // CLI_BENCH_SERVER_TARGET_H_
