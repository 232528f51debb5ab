// The events the server benchmarks append, signed on every core before any timing starts.
#ifndef CLI_BENCH_SIGNED_EVENTS_H_
#define CLI_BENCH_SIGNED_EVENTS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "ledger/signing_key.h"
#include "ledger/types.h"

namespace ledger::cli {

// `n` case.opened events (BenchCaseOpenedJson) for the fresh subjects <prefix>0 .. <prefix>n-1,
// each in a stream of its own, signed by `key`.
std::vector<SignedEvent> SignBenchEvents(const SigningKey& key, size_t n,
                                         const std::string& prefix);

// The same as POST /v1/events bodies.
std::vector<std::string> SignBenchEventBodies(const SigningKey& key, size_t n,
                                              const std::string& prefix);

}  // namespace ledger::cli

#endif  // CLI_BENCH_SIGNED_EVENTS_H_
