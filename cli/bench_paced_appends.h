// Appends at a fixed rate over HTTP, as the server benchmarks' paced phases make them.
#ifndef CLI_BENCH_PACED_APPENDS_H_
#define CLI_BENCH_PACED_APPENDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench_server_target.h"

namespace ledger::cli {

// The connections the paced appends come from: enough that one slow reply does not hold back
// the next event due.
inline constexpr int kPacedAppendClients = 8;

// Posts each of `bodies` (POST /v1/events bodies, bench_signed_events.h) to `t` with the
// caseworker token, body i due `i / rate` seconds after the start, from kPacedAppendClients
// connections (body i on connection i mod kPacedAppendClients). Returns once every body was
// sent: how many the server acknowledged (201).
uint64_t PacedHttpAppends(const BenchServerTarget& t, const std::vector<std::string>& bodies,
                          double rate);

}  // namespace ledger::cli

#endif  // CLI_BENCH_PACED_APPENDS_H_
