// A server on a scratch ledger in the benchmark's own process, on loopback with ephemeral ports,
// for `bench server` (without --url) and the fan-out phase of `bench replicate`: the clients
// still go through real sockets.
#ifndef CLI_BENCH_SCRATCH_SERVER_H_
#define CLI_BENCH_SCRATCH_SERVER_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "bench_server_target.h"
#include "ledger/signing_key.h"
#include "server/server.h"

namespace ledger::cli {

struct ScratchServerOptions {
  int delivery_interval_ms = -1;  // the server's (-1: ServerOptions' default)
  int report_threads = 0;         // the server's (0: ServerOptions' default)
};

struct ScratchServer {
  std::unique_ptr<server::Server> server;
  // A caseworker's token and key for appends, an auditor's token for subscriptions.
  BenchServerTarget target;
  // The ledger's key (checkpoints; a replication::Publisher signs the stream's identity).
  SigningKey ledger_key;
};

// Creates a ledger in `dir`/data with an admin, a caseworker and an auditor key, and serves it
// with no request rate limit and room for 8,192 connections, all from 127.0.0.1. The caller
// stops the server and removes `dir`.
Result<ScratchServer> StartScratchServer(const std::string& dir,
                                         const ScratchServerOptions& options);

}  // namespace ledger::cli

#endif  // CLI_BENCH_SCRATCH_SERVER_H_
