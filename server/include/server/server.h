// The ledger server (`ledger serve`): the one process that holds a ledger directory and serves
// it over HTTP/JSON (docs/api.md), server-sent events and WebSocket subscriptions, and the
// length-prefixed Cap'n Proto protocol (docs/protocol.md) on a second port.
//
// Threads: `network_threads` run every connection (one coroutine each, on its own strand);
// `worker_threads` run the handlers, which block on RocksDB and on the ledger's synced group
// commit (so no fsync ever runs on a network thread); `report_threads` run the heavy requests
// (reports, release exports, backups), apart, so that they cannot delay appends and reads; the
// hub's tail thread reads each new entry once for all subscribers; the ledger's own writer
// thread commits.
//
// Every request is authenticated by an API token (server/token_store.h) except GET /v1/health.
#ifndef SERVER_SERVER_H_
#define SERVER_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "ledger/ledger.h"

namespace ledger::server {

// Each exceeded limit has its own error code (docs/api.md, "Limits").
struct ServerLimits {
  size_t max_body_bytes = 16 << 20;  // HTTP body: 413 body_too_large
  // What bodies over 64 KiB in flight may take together, their parses counted (docs/api.md,
  // "Limits"): 503 body_memory_busy when spent. Smaller bodies are not counted.
  size_t max_body_memory = 256 << 20;
  size_t max_header_bytes = 16 << 10;  // HTTP header: 431 header_too_large
  size_t max_batch_events = 10000;     // events per batch: 413 batch_too_large
  size_t max_frame_bytes = 16 << 20;   // binary frame: error frame_too_large, then close
  size_t max_connections = 4096;       // open connections: 503 too_many_connections
  // HTTP connections over max_connections, up to this many more, are read for one request, and
  // only /v1/health is answered (anything else: 503 too_many_connections), then closed: so that
  // monitoring still reaches a server whose connections are all taken, by idle sockets say.
  size_t health_reserve_connections = 16;
  // Open connections (HTTP and binary together) from one client address; an IPv6 address counts
  // by its /64 (one host's usual share). Over it: 503 too_many_connections (the binary protocol:
  // its error frame), then closed. It keeps one client's idle sockets from taking the
  // max_connections of all. Behind a proxy every connection comes from the proxy's address:
  // raise it to max_connections there (docs/operations.md).
  size_t max_connections_per_address = 256;
  double requests_per_second = 2000;  // per token (0: no limit): 429 rate_limited
  double request_burst = 4000;
  // Heavy requests (reports, release exports, backups) waiting for a report thread (see
  // ServerOptions::report_threads); one more: 503 busy with Retry-After.
  size_t max_queued_reports = 64;
  // A request's header and body must arrive within this (slowloris): 408 request_timeout.
  std::chrono::milliseconds read_timeout{10000};
  // A kept-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{60000};
  // A response (or a subscription's message) not taken by the peer within this ends it.
  std::chrono::milliseconds write_timeout{30000};
};

struct ServerOptions {
  std::string data_dir;               // the ledger; server files live in <data_dir>/server/
  std::string address = "127.0.0.1";  // loopback unless told otherwise
  uint16_t http_port = 7400;          // 0: ephemeral (see Server::http_port)
  // The binary protocol's port; nullopt: not served. 0: ephemeral.
  std::optional<uint16_t> binary_port = 7401;
  // TLS for both ports when both are set (PEM files).
  std::string tls_cert_file, tls_key_file;
  LedgerOptions ledger_options;
  ServerLimits limits;
  int network_threads = 2;
  int worker_threads = 32;
  // Threads for heavy requests (GET /v1/reports/..., POST /v1/releases/<id>/export,
  // POST /v1/admin/backup), apart from the workers, so that they cannot delay appends and
  // reads. 0: half the cores, at least 1.
  int report_threads = 0;
  std::chrono::milliseconds heartbeat{5000};  // subscriptions' default heartbeat
  size_t subscription_cache_bytes = 64 << 20;
  // Live entries reach subscribers at most once per this interval while appends keep coming
  // (the first after a quiet spell at once): one message per subscriber per interval, not per
  // commit. It bounds the delivery lag it adds; 0 delivers every commit on its own.
  std::chrono::milliseconds delivery_interval{20};
  // POST /v1/admin/backup writes its copies in subdirectories of this directory (best on the
  // data directory's filesystem: the ledger's files are then hard links). Empty: refused.
  std::string backup_dir;
  // GET /v1/releases hands out the releases published in subdirectories of this directory (one
  // per release id; `ledger release export --out <releases_dir>/<id>`). Empty:
  // <data_dir>/releases.
  std::string releases_dir;
  // Tests only: called on a report thread before each heavy request's handler, with its path
  // (to hold heavy requests running while a test looks at the pool). Empty: none.
  std::function<void(std::string_view path)> before_heavy_request;
  // Operator messages (one line each, no newline). Empty: none.
  std::function<void(std::string_view)> log;
  // More metrics in the Prometheus text format, appended to GET /v1/metrics (the replication
  // publisher's or follower's, docs/replication.md). Called on a worker thread. Empty: none.
  std::function<std::string()> extra_metrics;
};

class Server {
 public:
  // Opens the ledger in options.data_dir (or takes `ledger`, already open on that directory),
  // loads tokens, groups and the access log, binds and starts serving.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options,
                                               std::unique_ptr<Ledger> ledger = nullptr);
  ~Server();  // Stop()s.
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t http_port() const;
  uint16_t binary_port() const;  // 0 if not served

  // Graceful stop: stops accepting, lets requests in flight (appends included) finish, sends
  // every subscriber its final position, closes connections, then flushes and closes the
  // ledger (which signs a last checkpoint when it has the key). Idempotent.
  void Stop();

  // The served ledger (tests and tools in the same process). Valid until Stop().
  Ledger& ledger();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::server

#endif  // SERVER_SERVER_H_
