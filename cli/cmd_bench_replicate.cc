// bench replicate: the primary's appends beside what the publisher and a verifying replica
// carry through NATS JetStream in the same run, the commit-to-replica lag at a steady rate, and
// the delivery lag of many JetStream consumers against as many WebSocket subscribers
// (bench_replicate_fanout.h; docs/replication.md, docs/cli.md).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "base/mutex.h"
#include "bench_common.h"
#include "bench_replicate_fanout.h"
#include "cli_common.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "local_nats.h"
#include "replication/follower.h"
#include "replication/publisher.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string nats, dir, format = "table";
  int events = 20000, clients = 4, batch = 64, seconds = 10, runs = 3;
  double rate = 1000;
  int checkpoint_ms = 100;
  int consumers = 1000;  // the fan-out phase's JetStream consumers and WebSocket subscribers
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Primary {
  SigningKey ledger_key = SigningKey::Generate("bench.example/ledger").value();
  SigningKey admin = SigningKey::Generate("bench-admin").value();
  SigningKey caseworker = SigningKey::Generate("bench-cw").value();
  std::unique_ptr<Ledger> ledger;
};

Result<Primary> MakePrimary(const std::string& dir, int checkpoint_ms) {
  Primary p;
  LedgerOptions o;
  o.checkpoint_key = p.ledger_key;
  o.checkpoint_interval_us = int64_t{checkpoint_ms} * 1000;
  o.master_key = MasterKey::Generate();
  LEDGER_ASSIGN_OR_RETURN(p.ledger, CreateLedgerWithAdmin(dir, p.ledger_key, p.admin, o));
  LEDGER_RETURN_IF_ERROR(
      RegisterKey(*p.ledger, p.admin, p.caseworker.verifier(), "caseworker", {}).status());
  return p;
}

std::vector<SignedEvent> SignEvents(const SigningKey& key, int n, int first) {
  std::vector<SignedEvent> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(
        SignEventJson(BenchCaseOpenedJson("b-" + std::to_string(first + i)).dump(), key).value());
  }
  return out;
}

struct RunFigures {
  double alone_append_rate = 0, alone_replica_rate = 0;
  double append_rate = 0, publish_rate = 0, replica_rate = 0, catch_up_ms = 0;
  double lag_p50_ms = 0, lag_p99_ms = 0, lag_max_ms = 0;
  size_t lag_samples = 0;
};

// One run: a fresh primary, stream and replica.
Result<RunFigures> RunOnce(const Args& a, const std::string& nats, const std::string& dir,
                           int run) {
  RunFigures f;
  std::error_code ec;
  fs::create_directories(dir, ec);
  LEDGER_ASSIGN_OR_RETURN(auto primary, MakePrimary(dir + "/primary", a.checkpoint_ms));
  // Unique per process: a second run against the same NATS server must not meet this one's.
  const std::string stream = "BENCH" + std::to_string(::getpid()) + "-" + std::to_string(run);
  replication::PublisherOptions po;
  po.nats_urls = nats;
  po.stream = stream;
  LEDGER_ASSIGN_OR_RETURN(auto publisher,
                          replication::Publisher::Start(*primary.ledger, primary.ledger_key, po));
  replication::ReplicaSource source{nats, stream, primary.ledger_key.verifier().ToString()};
  const int per_client = a.events / a.clients;
  // Appends `per_client` events from each of `clients` threads as fast as the primary takes them.
  auto append_all = [&](int first) {
    std::vector<std::vector<SignedEvent>> work;
    for (int c = 0; c < a.clients; ++c)
      work.push_back(SignEvents(primary.caseworker, per_client, first + c * per_client));
    const auto t0 = Clock::now();
    std::vector<std::thread> clients;
    for (int c = 0; c < a.clients; ++c) {
      clients.emplace_back([&, c] {
        const auto& events = work[c];
        for (size_t i = 0; i < events.size(); i += a.batch) {
          std::vector<SignedEvent> batch(events.begin() + i,
                                         events.begin() + std::min(events.size(), i + a.batch));
          primary.ledger->log().AppendEach(batch);
        }
      });
    }
    for (auto& t : clients) t.join();
    return t0;
  };

  // Alone: the primary (with its publisher) appends while no replica runs; then a new replica
  // catches up from the stream while the primary is idle. On one machine this is the fair
  // comparison: a replica runs on its own machine, and here it gets the cores the primary had.
  {
    const uint64_t start_size = primary.ledger->log().Size();
    const auto t0 = append_all(0);
    const auto t_append = Clock::now();
    const uint64_t target = primary.ledger->log().Size();
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (publisher->stats().published < target && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (publisher->stats().published < target) {
      return Status::Unavailable("the publisher did not catch up within 120 s");
    }
    f.alone_append_rate = static_cast<double>(target - start_size) / Seconds(t_append - t0);
    LEDGER_ASSIGN_OR_RETURN(auto replica, replication::OpenReplica(source, dir + "/replica-alone",
                                                                   {}, std::chrono::seconds(20)));
    const auto t1 = Clock::now();
    replication::FollowerOptions fo;
    fo.source = source;
    LEDGER_ASSIGN_OR_RETURN(auto follower, replication::Follower::Start(*replica, fo));
    while (replica->log().Size() < target && Clock::now() < t1 + std::chrono::seconds(120)) {
      LEDGER_RETURN_IF_ERROR(follower->Wait(std::chrono::milliseconds(1)));
    }
    if (replica->log().Size() < target) {
      return Status::Unavailable("the replica did not catch up within 120 s");
    }
    // Counted from the replica's creation: it stored every entry of the stream, `target` in all.
    f.alone_replica_rate = static_cast<double>(target) / Seconds(Clock::now() - t1);
    follower->Stop();
  }

  LEDGER_ASSIGN_OR_RETURN(auto replica, replication::OpenReplica(source, dir + "/replica", {},
                                                                 std::chrono::seconds(20)));
  Mutex stored_mu;
  std::vector<std::pair<uint64_t, int64_t>> stored;  // (end seq, when) per stored checkpoint
  replication::FollowerOptions fo;
  fo.source = source;
  fo.position_file = dir + "/replica-position";
  fo.on_stored = [&](uint64_t, uint64_t end) {
    MutexLock lock(stored_mu);
    stored.emplace_back(end, NowMicros());
  };
  LEDGER_ASSIGN_OR_RETURN(auto follower, replication::Follower::Start(*replica, fo));
  // The new replica first catches up with what the alone phase appended.
  {
    const uint64_t have = primary.ledger->log().Size();
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    while (replica->log().Size() < have && Clock::now() < deadline) {
      LEDGER_RETURN_IF_ERROR(follower->Wait(std::chrono::milliseconds(1)));
    }
  }

  // Together: the primary appends while the replica follows, both on this machine's cores.
  const uint64_t start_size = primary.ledger->log().Size();
  const auto t0 = append_all(a.events);
  const auto t_append = Clock::now();
  const uint64_t target = primary.ledger->log().Size();
  const double n = static_cast<double>(target - start_size);
  Clock::time_point t_published{}, t_replicated{};
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  while ((t_published == Clock::time_point{} || t_replicated == Clock::time_point{}) &&
         Clock::now() < deadline) {
    if (t_published == Clock::time_point{} && publisher->stats().published >= target) {
      t_published = Clock::now();
    }
    if (t_replicated == Clock::time_point{} && replica->log().Size() >= target) {
      t_replicated = Clock::now();
    }
    LEDGER_RETURN_IF_ERROR(follower->Wait(std::chrono::milliseconds(1)));
  }
  if (t_replicated == Clock::time_point{}) {
    return Status::Unavailable("the replica did not catch up within 120 s");
  }
  f.append_rate = n / Seconds(t_append - t0);
  f.publish_rate = n / Seconds(t_published - t0);
  f.replica_rate = n / Seconds(t_replicated - t0);
  f.catch_up_ms = Seconds(t_replicated - t_append) * 1000;

  // Lag at a steady rate: one event every 1/rate s, in slices of 10 ms.
  {
    MutexLock lock(stored_mu);
    stored.clear();
  }
  const int total = static_cast<int>(a.rate * a.seconds);
  auto steady = SignEvents(primary.caseworker, total, 2 * a.events + 1);
  const uint64_t lag_first = primary.ledger->log().Size();
  const auto begin = Clock::now();
  int sent = 0;
  while (sent < total) {
    const auto now = Clock::now();
    const int due = std::min(total, static_cast<int>(Seconds(now - begin) * a.rate) + 1);
    if (due > sent) {
      std::vector<SignedEvent> batch(steady.begin() + sent, steady.begin() + due);
      primary.ledger->log().AppendEach(batch);
      sent = due;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const uint64_t lag_end = primary.ledger->log().Size();
  while (replica->log().Size() < lag_end &&
         Clock::now() < begin + std::chrono::seconds(a.seconds + 60)) {
    LEDGER_RETURN_IF_ERROR(follower->Wait(std::chrono::milliseconds(5)));
  }
  std::vector<double> lags;
  {
    MutexLock lock(stored_mu);
    size_t k = 0;
    for (uint64_t seq = lag_first; seq < lag_end; ++seq) {
      while (k < stored.size() && stored[k].first <= seq) ++k;
      if (k == stored.size()) break;
      auto entry = primary.ledger->log().ReadSeq(seq);
      if (!entry.ok()) continue;
      lags.push_back(static_cast<double>(stored[k].second - entry->recorded_at_us) / 1000.0);
    }
  }
  f.lag_samples = lags.size();
  f.lag_p50_ms = Percentile(lags, 0.5);
  f.lag_p99_ms = Percentile(lags, 0.99);
  f.lag_max_ms = lags.empty() ? 0 : *std::max_element(lags.begin(), lags.end());
  follower->Stop();
  publisher->Stop();
  return f;
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

int RunBenchReplicate(const Args& a) {
  const bool keep = !a.dir.empty();
  const std::string dir =
      keep ? a.dir
           : (fs::temp_directory_path() / ("ledger-bench-replicate-" + std::to_string(::getpid())))
                 .string();
  fs::create_directories(dir);
  std::unique_ptr<LocalNats> local;
  std::string nats = a.nats;
  if (nats.empty()) {
    auto started = LocalNats::Start(dir + "/nats");
    if (!started.ok()) return Fail(started.status());
    local = std::move(started).value();
    nats = local->url();
  }
  std::vector<RunFigures> runs;
  const FanoutOptions fanout{nats, "", "", a.consumers, a.rate, a.seconds};
  std::vector<FanoutFigures> fanouts;
  for (int r = 0; r < a.runs; ++r) {
    if (StderrIsTerminal()) fmt::print(stderr, "run {} of {}...\n", r + 1, a.runs);
    auto f = RunOnce(a, nats, dir + "/run" + std::to_string(r), r);
    if (!f.ok()) return Fail(f.status());
    runs.push_back(*f);
    if (a.consumers > 0) {
      FanoutOptions o = fanout;
      o.stream = "FANOUT" + std::to_string(::getpid()) + "-" + std::to_string(r);
      o.dir = dir + "/run" + std::to_string(r) + "-fanout";
      auto fo = RunFanoutPhase(o);
      if (!fo.ok()) return Fail(fo.status().WithContext("fan-out phase"));
      fanouts.push_back(*fo);
    }
  }
  local.reset();
  if (!keep) fs::remove_all(dir);
  auto median = [&](double RunFigures::*field) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*field);
    return Median(v);
  };
  const double append = median(&RunFigures::append_rate);
  const double replica = median(&RunFigures::replica_rate);
  const double publish = median(&RunFigures::publish_rate);
  const double alone_append = median(&RunFigures::alone_append_rate);
  const double alone_replica = median(&RunFigures::alone_replica_rate);
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["runs"] = a.runs;
    j["events"] = a.events;
    j["checkpoint_interval_ms"] = a.checkpoint_ms;
    j["alone_append_events_per_s"] = alone_append;
    j["alone_replica_events_per_s"] = alone_replica;
    j["alone_replica_over_append"] = alone_replica / alone_append;
    j["append_events_per_s"] = append;
    j["publish_events_per_s"] = publish;
    j["replica_events_per_s"] = replica;
    j["replica_over_append"] = replica / append;
    j["catch_up_ms"] = median(&RunFigures::catch_up_ms);
    j["steady_rate"] = a.rate;
    j["lag_p50_ms"] = median(&RunFigures::lag_p50_ms);
    j["lag_p99_ms"] = median(&RunFigures::lag_p99_ms);
    j["lag_max_ms"] = median(&RunFigures::lag_max_ms);
    if (!fanouts.empty()) j["fanout"] = FanoutJson(fanout, CombineFanoutRuns(fanouts));
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  Table t({"measure", fmt::format("median of {} runs", a.runs)});
  t.AddRow({"alone: primary's durable appends, no replica running (events/s)",
            fmt::format("{:.0f}", alone_append)});
  t.AddRow({"alone: a new replica catching up, primary idle (events/s)",
            fmt::format("{:.0f}", alone_replica)});
  t.AddRow({"alone: replica / primary (target >= 1.0)",
            fmt::format("{:.2f}", alone_replica / alone_append)});
  t.AddRow({"together: primary's durable appends (events/s)", fmt::format("{:.0f}", append)});
  t.AddRow({"together: through the publisher (events/s)", fmt::format("{:.0f}", publish)});
  t.AddRow(
      {"together: stored by the verifying replica (events/s)", fmt::format("{:.0f}", replica)});
  t.AddRow({"together: replica / primary", fmt::format("{:.2f}", replica / append)});
  t.AddRow({"replica done after the last append (ms)",
            fmt::format("{:.0f}", median(&RunFigures::catch_up_ms))});
  t.AddRow({fmt::format("commit-to-replica lag p50 at {:.0f} ev/s (ms)", a.rate),
            fmt::format("{:.1f}", median(&RunFigures::lag_p50_ms))});
  t.AddRow(
      {"commit-to-replica lag p99 (ms)", fmt::format("{:.1f}", median(&RunFigures::lag_p99_ms))});
  t.AddRow({"checkpoint interval (ms)", std::to_string(a.checkpoint_ms)});
  if (!fanouts.empty()) AddFanoutRows(fanout, CombineFanoutRuns(fanouts), &t);
  fmt::print("{}", t.Render());
  return kExitOk;
}

}  // namespace

void RegisterBenchReplicateCommand(CLI::App& app, int* exit_code) {
  CLI::App* bench = app.get_subcommand("bench");
  auto a = std::make_shared<Args>();
  auto* cmd = bench->add_subcommand(
      "replicate", "Appends beside what the publisher and a verifying replica carry, and the lag");
  cmd->add_option("--nats", a->nats, "NATS URL (default: start a nats-server here)");
  cmd->add_option("--dir", a->dir, "Scratch directory (kept)");
  cmd->add_option("--events", a->events, "Events appended in the throughput phase")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  cmd->add_option("--clients", a->clients, "Appending threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--batch", a->batch, "Events per append call")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--rate", a->rate, "Events per second in the lag phase")->capture_default_str();
  cmd->add_option("--seconds", a->seconds, "Length of the lag phase")->capture_default_str();
  cmd->add_option("--runs", a->runs, "Repetitions; medians are reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  cmd->add_option("--checkpoint-interval-ms", a->checkpoint_ms,
                  "The primary's checkpoint interval (the replica stores what one covers)")
      ->capture_default_str();
  cmd->add_option("--consumers", a->consumers,
                  "JetStream consumers, and as many WebSocket subscribers, in the fan-out phase "
                  "(0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([=] { *exit_code = RunBenchReplicate(*a); });
}

}  // namespace ledger::cli
