// follow: a verified replica of a ledger, built from its NATS JetStream stream, optionally
// serving reads as it goes (docs/replication.md).
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "late_metrics.h"
#include "ledger/time_format.h"
#include "replication/follower.h"
#include "server/server.h"

namespace ledger::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct FollowArgs {
  std::string nats, stream = "LEDGER", data, vkey, listen, format = "table";
  int wait_ms = 30000;
  int status_interval_ms = 1000;
};

void PrintStatus(const replication::FollowerStats& s, const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json j;
    j["size"] = s.size;
    j["pending"] = s.pending;
    j["checkpoints"] = s.checkpoints;
    j["refetched"] = s.refetched;
    j["retried_batches"] = s.retried_batches;
    j["lag_seconds"] = s.lag_seconds;
    j["connected"] = s.connected;
    j["stopped"] = s.stopped;
    if (s.stopped) j["failure"] = s.failure;
    fmt::print("{}\n", j.dump());
    std::fflush(stdout);
    return;
  }
  fmt::print(stderr, "{} replica: {} entries verified, {} waiting for a checkpoint{}{}\n",
             FormatInstantMicros(NowMicros()), s.size, s.pending,
             s.refetched ? fmt::format(", {} fetched from the primary", s.refetched) : "",
             s.connected ? "" : " (NATS unreachable)");
}

int RunFollow(const FollowArgs& a) {
  const std::string data = ResolveDataDir(a.data);
  replication::ReplicaSource source;
  source.nats_urls = a.nats;
  source.stream = a.stream;
  source.verifier_key = KeyArgumentText(a.vkey);
  ::signal(SIGINT, OnSignal);
  ::signal(SIGTERM, OnSignal);
  ::signal(SIGPIPE, SIG_IGN);
  auto opened =
      replication::OpenReplica(source, data, LedgerOptions{}, std::chrono::milliseconds(a.wait_ms));
  if (!opened.ok()) return Fail(opened.status());
  std::unique_ptr<Ledger> owned = std::move(opened).value();
  Ledger* replica = owned.get();

  auto late_metrics = std::make_shared<LateMetrics>();
  std::unique_ptr<server::Server> server;
  if (!a.listen.empty()) {
    const size_t colon = a.listen.rfind(':');
    if (colon == std::string::npos) {
      return Fail(Status::InvalidArgument("--listen: expected host:port, got " + a.listen));
    }
    server::ServerOptions so;
    so.data_dir = data;
    so.address = a.listen.substr(0, colon);
    so.http_port = static_cast<uint16_t>(std::stoi(a.listen.substr(colon + 1)));
    so.binary_port.reset();
    so.log = [](std::string_view line) {
      fmt::print(stderr, "{} ledger follow: {}\n", FormatInstantMicros(NowMicros()), line);
    };
    so.extra_metrics = LateMetrics::Hook(late_metrics);
    auto started = server::Server::Start(std::move(so), std::move(owned));
    if (!started.ok()) return Fail(started.status().WithContext("--listen"));
    server = std::move(started).value();
    replica = &server->ledger();
    fmt::print(stderr, "ledger follow: serving the replica read-only on http://{}:{}\n",
               a.listen.substr(0, colon), server->http_port());
  }

  replication::FollowerOptions fo;
  fo.source = source;
  fo.position_file = data + "/replica-position";
  fo.log = [](std::string_view line) {
    fmt::print(stderr, "{} ledger follow: {}\n", FormatInstantMicros(NowMicros()), line);
  };
  auto follower = replication::Follower::Start(*replica, std::move(fo));
  if (!follower.ok()) {
    if (server) server->Stop();
    return Fail(follower.status());
  }
  late_metrics->Set([f = follower->get()] { return f->MetricsText(); });
  fmt::print(stderr, "ledger follow: replicating stream {} from {} into {} ({} entries so far)\n",
             a.stream, a.nats, data, replica->log().Size());

  Status failure;
  auto next_status = std::chrono::steady_clock::now();
  while (!g_stop) {
    failure = (*follower)->Wait(std::chrono::milliseconds(50));
    if (!failure.ok()) break;
    if (a.status_interval_ms > 0 && std::chrono::steady_clock::now() >= next_status) {
      PrintStatus((*follower)->stats(), a.format);
      next_status += std::chrono::milliseconds(a.status_interval_ms);
    }
  }
  late_metrics->Set(nullptr);
  const replication::FollowerStats last = (*follower)->stats();
  (*follower)->Stop();
  if (a.format == "json") PrintStatus(last, a.format);
  if (server) server->Stop();
  if (!failure.ok()) {
    fmt::print(stderr,
               "ledger follow: stopped: {}\nThe replica holds {} entries, all verified; nothing "
               "after them was stored.\n",
               failure.ToString(), last.size);
    return Fail(failure);
  }
  fmt::print(stderr, "ledger follow: stopped; the replica holds {} entries, all verified\n",
             last.size);
  return kExitOk;
}

}  // namespace

void RegisterFollowCommand(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<FollowArgs>();
  auto* follow = app.add_subcommand(
      "follow", "Build and keep a verified replica of a ledger from its NATS JetStream stream");
  follow->add_option("--nats", a->nats, "NATS servers (comma-separated URLs)")->required();
  follow->add_option("--nats-stream", a->stream, "The ledger's JetStream stream")
      ->capture_default_str();
  follow->add_option("--data", a->data, "The replica's directory (created on first use)");
  follow->add_option("--vkey", a->vkey, "The ledger's verifier key, or a file holding it")
      ->required();
  follow->add_option("--listen", a->listen,
                     "Also serve the replica read-only over HTTP at host:port (0: any port)");
  follow
      ->add_option("--wait-ms", a->wait_ms,
                   "How long to wait for the primary's identity in the stream on first use")
      ->capture_default_str();
  follow
      ->add_option("--status-interval-ms", a->status_interval_ms,
                   "Print the replica's state this often (0: never)")
      ->capture_default_str();
  follow->add_option("--format", a->format, "table or json (one object per status line)")
      ->check(CLI::IsMember({"table", "json"}));
  follow->callback([=] { *exit_code = RunFollow(*a); });
}

}  // namespace ledger::cli
