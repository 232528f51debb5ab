// serve, tokens, access-log, backup: the ledger server (docs/api.md, docs/operations.md) and
// what its operator needs around it.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "late_metrics.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "replication/publisher.h"
#include "server/access_log.h"
#include "server/backup.h"
#include "server/server.h"
#include "server/token_store.h"
#include "tlog/base64.h"

namespace ledger::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

// "host:port" -> pair. Port 0 means an ephemeral port (printed at start).
Result<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("expected host:port, got " + text);
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos || std::stoi(digits) > 65535) {
    return Status::InvalidArgument("bad port in " + text);
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return std::make_pair(host, static_cast<uint16_t>(std::stoi(digits)));
}

struct ServeArgs {
  std::string data, keys_dir, ledger_key, master_key;
  std::string listen = "127.0.0.1:7400";
  std::string binary_listen = "127.0.0.1:7401";
  std::string tls_cert, tls_key, backup_dir, releases_dir;
  int threads = 2, workers = 32;
  size_t max_connections = 4096, max_connections_per_address = 256, max_body = 16 << 20,
         max_batch = 10000, max_queued_reports = 64;
  size_t max_body_memory = 256 << 20;
  int report_threads = 0;  // 0: half the cores
  double rate = 2000;
  int heartbeat_ms = 5000, read_timeout_ms = 10000, idle_timeout_ms = 60000,
      delivery_interval_ms = 20;
  bool read_only = false, promote = false;
  std::string nats, nats_stream = "LEDGER";
  int nats_replicas = 1;
  int64_t checkpoint_interval_ms = 1000;
};

int RunServe(const ServeArgs& a) {
  const std::string data = ResolveDataDir(a.data);
  if (a.read_only && !a.nats.empty()) {
    return Fail(Status::InvalidArgument("--nats publishes appends: not with --read-only"));
  }
  if (a.read_only && a.promote) {
    return Fail(
        Status::InvalidArgument("--promote opens the replica to append: not with --read-only"));
  }
  Result<LedgerOptions> options = LedgerOptions{};
  if (a.read_only) {
    // A copy (a stopped replica, a backup) served as it is: nothing is appended or signed,
    // and no personal value is shown.
    options->read_only = true;
  } else {
    options = WriterOptions(a.ledger_key, a.keys_dir);
    if (!options.ok()) return Fail(options.status());
    // The vault's master key: required, so that caseworkers and the DPO can read personal
    // values and events carrying them can be appended.
    auto master = ResolveMasterKey(a.master_key, a.keys_dir, data);
    if (!master.ok()) return Fail(master.status());
    options->master_key = std::move(master).value();
    options->checkpoint_interval_us = a.checkpoint_interval_ms * 1000;
    options->promote_replica = a.promote;
  }
  std::optional<SigningKey> ledger_key = options->checkpoint_key;
  if (!a.nats.empty() && !ledger_key) {
    return Fail(Status::InvalidArgument(
        "--nats needs the ledger's key (--ledger-key or <keys>/ledger.key): it signs the "
        "stream's identity message and the checkpoints replicas verify"));
  }
  auto late_metrics = std::make_shared<LateMetrics>();

  server::ServerOptions so;
  so.data_dir = data;
  auto http = SplitHostPort(a.listen);
  if (!http.ok()) return Fail(http.status().WithContext("--listen"));
  so.address = http->first;
  so.http_port = http->second;
  if (a.binary_listen != "off") {
    auto bin = SplitHostPort(a.binary_listen);
    if (!bin.ok()) return Fail(bin.status().WithContext("--binary-listen"));
    if (bin->first != so.address) {
      return Fail(Status::InvalidArgument("--binary-listen must use the same address as --listen"));
    }
    so.binary_port = bin->second;
  } else {
    so.binary_port.reset();
  }
  so.tls_cert_file = a.tls_cert;
  so.tls_key_file = a.tls_key;
  so.ledger_options = std::move(options).value();
  so.network_threads = a.threads;
  so.worker_threads = a.workers;
  so.limits.max_connections = a.max_connections;
  so.limits.max_connections_per_address = a.max_connections_per_address;
  so.report_threads = a.report_threads;
  so.limits.max_queued_reports = a.max_queued_reports;
  so.limits.max_body_bytes = a.max_body;
  so.limits.max_body_memory = a.max_body_memory;
  so.limits.max_batch_events = a.max_batch;
  so.limits.requests_per_second = a.rate;
  so.limits.request_burst = a.rate * 2;
  so.limits.read_timeout = std::chrono::milliseconds(a.read_timeout_ms);
  so.limits.idle_timeout = std::chrono::milliseconds(a.idle_timeout_ms);
  so.heartbeat = std::chrono::milliseconds(a.heartbeat_ms);
  so.backup_dir = a.backup_dir;
  so.releases_dir = a.releases_dir;
  so.delivery_interval = std::chrono::milliseconds(a.delivery_interval_ms);
  so.log = [](std::string_view line) {
    fmt::print(stderr, "{} ledger serve: {}\n", FormatInstantMicros(NowMicros()), line);
  };
  so.extra_metrics = LateMetrics::Hook(late_metrics);
  // Signals before the server starts, so that a SIGTERM right after the banner is graceful.
  ::signal(SIGINT, OnSignal);
  ::signal(SIGTERM, OnSignal);
  ::signal(SIGPIPE, SIG_IGN);
  auto server = server::Server::Start(std::move(so));
  if (!server.ok()) return Fail(server.status());
  const char* scheme = a.tls_cert.empty() ? "http" : "https";
  fmt::print("ledger serving {} on {}://{}:{}", data, scheme, http->first, (*server)->http_port());
  if ((*server)->binary_port() != 0) {
    fmt::print(", binary protocol on {}:{}", http->first, (*server)->binary_port());
  }
  std::unique_ptr<replication::Publisher> publisher;
  if (!a.nats.empty()) {
    replication::PublisherOptions po;
    po.nats_urls = a.nats;
    po.stream = a.nats_stream;
    po.stream_replicas = a.nats_replicas;
    po.log = so.log;
    auto started = replication::Publisher::Start((*server)->ledger(), *ledger_key, std::move(po));
    if (!started.ok()) {
      (*server)->Stop();
      return Fail(started.status().WithContext("--nats"));
    }
    publisher = std::move(started).value();
    late_metrics->Set([p = publisher.get()] { return p->MetricsText(); });
    fmt::print(", publishing to NATS stream {} at {}", a.nats_stream, a.nats);
  }
  fmt::print("\n");
  std::fflush(stdout);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fmt::print(stderr, "ledger serve: stopping (finishing appends, ending subscriptions)\n");
  if (publisher) {
    // What was committed before the stop is published now when NATS is there; what is
    // committed after (and the last checkpoint, signed at the close) at the next start.
    publisher->Drain(std::chrono::milliseconds(2000));
    late_metrics->Set(nullptr);
    publisher->Stop();
  }
  (*server)->Stop();
  fmt::print(stderr, "ledger serve: stopped\n");
  return kExitOk;
}

struct TokenArgs {
  std::string data, key_id, role, name, id, format = "table";
};

int RunTokenCreate(const TokenArgs& a) {
  const std::string data = ResolveDataDir(a.data);
  // Check the key now if the ledger is free; a running server holds it, and checks every
  // request against the registry anyway.
  auto ledger = OpenForReading(data);
  if (ledger.ok()) {
    bool found = false;
    for (const KeyInfo& k : (*ledger)->log().Keys()) {
      if (k.key_id_hex != a.key_id) continue;
      found = true;
      if (k.revoked) return Fail(Status::PermissionDenied("key " + a.key_id + " is revoked"));
      if (k.role != a.role) {
        return Fail(Status::InvalidArgument("key " + a.key_id + " is registered as " + k.role +
                                            ", not " + a.role));
      }
    }
    if (!found) return Fail(Status::NotFound("no key " + a.key_id + " in the ledger"));
  } else if (ledger.status().code() == StatusCode::kUnavailable) {
    fmt::print(stderr,
               "note: the ledger is open in another process (the server?); the key is checked "
               "when the token is used\n");
  } else {
    return Fail(ledger.status());
  }
  ledger = Status::Unavailable("closed");  // release the directory before writing
  auto token = server::TokenStore::Create(server::TokensPath(data), a.key_id, a.role, a.name);
  if (!token.ok()) return Fail(token.status());
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["id"] = token->record.id;
    j["token"] = token->token;
    j["key_id"] = token->record.key_id_hex;
    j["role"] = token->record.role;
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("{}\n", token->token);
    fmt::print(stderr, "token id {} for key {} ({}); it is shown only now\n", token->record.id,
               a.key_id, a.role);
  }
  return kExitOk;
}

int RunTokenList(const TokenArgs& a) {
  auto store = server::TokenStore::Load(server::TokensPath(ResolveDataDir(a.data)));
  if (!store.ok()) return Fail(store.status());
  if (a.format == "json") {
    for (const auto& t : store->tokens()) {
      nlohmann::ordered_json j;
      j["id"] = t.id;
      j["key_id"] = t.key_id_hex;
      j["role"] = t.role;
      j["name"] = t.name;
      j["created_at"] = FormatInstantMicros(t.created_at_us);
      j["revoked"] = t.revoked;
      fmt::print("{}\n", j.dump());
    }
    return kExitOk;
  }
  Table table({"id", "key", "role", "name", "created", "revoked"});
  for (const auto& t : store->tokens()) {
    table.AddRow({t.id, t.key_id_hex, t.role, t.name, FormatInstantMicros(t.created_at_us),
                  t.revoked ? "yes" : "no"});
  }
  fmt::print("{}", table.Render());
  return kExitOk;
}

struct BackupArgs {
  std::string data, out, format = "table";
};

// An offline backup (no server holds the ledger); with a server running, POST /v1/admin/backup
// makes the same copy through it.
int RunBackup(const BackupArgs& a) {
  const std::string data = ResolveDataDir(a.data);
  auto ledger = Ledger::Open(data);
  if (!ledger.ok()) {
    if (ledger.status().code() == StatusCode::kUnavailable) {
      return Fail(Status::Unavailable(
          ledger.status().message() +
          "\nIf `ledger serve` holds it, back up through the server (started with --backup-dir): "
          "curl -X POST -H \"Authorization: Bearer $ADMIN_TOKEN\" "
          "http://127.0.0.1:7400/v1/admin/backup"));
    }
    return Fail(ledger.status());
  }
  auto result = server::BackupDataDir(**ledger, data, a.out);
  if (!result.ok()) return Fail(result.status());
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["dir"] = result->dir;
    j["size"] = result->head.size;
    j["root"] = tlog::HashToBase64(result->head.root);
    j["server_files"] = result->server_files;
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("backup of {} entries (root {}) written to {}\n", result->head.size,
               tlog::HashToBase64(result->head.root), result->dir);
    fmt::print(stderr, "check it with: ledger verify --data {} --vkey ledger.key.pub\n",
               result->dir);
  }
  return kExitOk;
}

int RunAccessLogVerify(const std::string& data_flag) {
  auto summary = server::VerifyAccessLog(server::AccessLogPath(ResolveDataDir(data_flag)));
  if (!summary.ok()) return Fail(summary.status());
  fmt::print("access log verified: {} records, last hash {}\n", summary->records,
             summary->last_hash_hex);
  return kExitOk;
}

}  // namespace

void RegisterServeCommands(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand(
      "serve", "Serve the ledger over HTTP/JSON, WebSocket/SSE and the binary protocol");
  serve->add_option("--data", a->data, "Ledger directory");
  serve->add_option("--keys", a->keys_dir, "Key directory (ledger.key, master.key)");
  serve->add_option("--ledger-key", a->ledger_key, "The ledger's key, to sign checkpoints");
  serve->add_option("--master-key", a->master_key,
                    "The vault's master key file (default $LEDGER_MASTER_KEY, else "
                    "<keys>/master.key); required");
  serve->add_option("--listen", a->listen, "HTTP address:port (0: any free port)")
      ->capture_default_str();
  serve->add_option("--binary-listen", a->binary_listen, "Binary protocol address:port, or \"off\"")
      ->capture_default_str();
  serve->add_option("--tls-cert", a->tls_cert, "PEM certificate chain: serve TLS on both ports");
  serve->add_option("--tls-key", a->tls_key, "PEM private key of --tls-cert");
  serve->add_option("--threads", a->threads, "Network threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve->add_option("--workers", a->workers, "Worker threads (appends, reads)")
      ->capture_default_str()
      ->check(CLI::Range(1, 512));
  serve->add_option("--max-connections", a->max_connections, "Open connections")
      ->capture_default_str();
  serve
      ->add_option("--max-connections-per-address", a->max_connections_per_address,
                   "Open connections from one client address (behind a proxy: raise to "
                   "--max-connections)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--report-threads", a->report_threads,
                   "Threads for reports, release exports and backups (0: half the cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 512));
  serve
      ->add_option("--max-queued-reports", a->max_queued_reports,
                   "Reports, release exports and backups waiting for a report thread (more: "
                   "503 busy)")
      ->capture_default_str();
  serve->add_option("--max-body", a->max_body, "HTTP body bytes")->capture_default_str();
  serve
      ->add_option("--max-body-memory", a->max_body_memory,
                   "bytes that bodies over 64 KiB in flight may take together, parses counted "
                   "(503 body_memory_busy beyond)")
      ->capture_default_str();
  serve->add_option("--max-batch", a->max_batch, "Events per batch")->capture_default_str();
  serve->add_option("--rate", a->rate, "Requests per second per token (0: no limit)")
      ->capture_default_str();
  serve->add_option("--heartbeat-ms", a->heartbeat_ms, "Subscription heartbeat")
      ->capture_default_str();
  serve->add_option("--read-timeout-ms", a->read_timeout_ms, "Time to receive one request")
      ->capture_default_str();
  serve
      ->add_option("--delivery-interval-ms", a->delivery_interval_ms,
                   "Subscribers get new entries at most once per this many ms under load")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  serve->add_option("--backup-dir", a->backup_dir,
                    "Directory for POST /v1/admin/backup's copies (best on the data's filesystem)");
  serve->add_option("--releases-dir", a->releases_dir,
                    "Published releases for evaluators, one subdirectory per release id "
                    "(default: <data>/releases)");
  serve->add_option("--idle-timeout-ms", a->idle_timeout_ms, "Idle keep-alive connections")
      ->capture_default_str();
  serve
      ->add_option("--checkpoint-interval-ms", a->checkpoint_interval_ms,
                   "Sign a checkpoint at most this often while appending (and about this long "
                   "after the last append); replicas store entries when one covers them")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{3600000}));
  serve->add_flag("--read-only", a->read_only,
                  "Serve a copy (a stopped replica, a backup) read-only: no appends, no "
                  "checkpoints, no personal values; no keys needed");
  serve->add_flag("--promote", a->promote,
                  "Failover: make this replica the primary, for good (with the ledger's key; "
                  "docs/replication.md)");
  serve->add_option("--nats", a->nats,
                    "Publish every committed entry and checkpoint to NATS JetStream at these "
                    "servers (comma-separated URLs; docs/replication.md)");
  serve->add_option("--nats-stream", a->nats_stream, "The JetStream stream (and subject prefix)")
      ->capture_default_str();
  serve
      ->add_option("--nats-replicas", a->nats_replicas,
                   "Copies JetStream keeps when it creates the stream (3 in a cluster)")
      ->capture_default_str()
      ->check(CLI::Range(1, 5));
  serve->callback([=] { *exit_code = RunServe(*a); });

  auto t = std::make_shared<TokenArgs>();
  auto* tokens = app.add_subcommand("tokens", "API tokens for the server");
  tokens->require_subcommand(1);
  auto* create = tokens->add_subcommand("create", "A token for a registered key (shown once)");
  create->add_option("--data", t->data, "Ledger directory");
  create->add_option("--key-id", t->key_id, "The registered key (8 hex digits)")->required();
  create->add_option("--role", t->role, "The key's role")->required();
  create->add_option("--name", t->name, "A label");
  create->add_option("--format", t->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  create->callback([=] { *exit_code = RunTokenCreate(*t); });
  auto* list = tokens->add_subcommand("list", "Tokens (ids, keys, roles; never the secrets)");
  list->add_option("--data", t->data, "Ledger directory");
  list->add_option("--format", t->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  list->callback([=] { *exit_code = RunTokenList(*t); });
  auto* revoke = tokens->add_subcommand("revoke", "Revoke a token (takes effect within a second)");
  revoke->add_option("--data", t->data, "Ledger directory");
  revoke->add_option("--id", t->id, "Token id")->required();
  revoke->callback([=] {
    Status s = server::TokenStore::Revoke(server::TokensPath(ResolveDataDir(t->data)), t->id);
    *exit_code = s.ok() ? kExitOk : Fail(s);
  });

  auto data = std::make_shared<std::string>();
  auto* access = app.add_subcommand("access-log", "Verify the server's hash-chained access log");
  access->add_option("--data", *data, "Ledger directory");
  access->callback([=] { *exit_code = RunAccessLogVerify(*data); });

  auto b = std::make_shared<BackupArgs>();
  auto* backup = app.add_subcommand(
      "backup",
      "Copy a ledger (RocksDB checkpoint, hard links where possible) and its server files");
  backup->add_option("--data", b->data, "Ledger directory");
  backup->add_option("--out", b->out, "New (or empty) directory for the copy")->required();
  backup->add_option("--format", b->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  backup->callback([=] { *exit_code = RunBackup(*b); });
}

}  // namespace ledger::cli
