// bench append: the durable append rate of pre-signed events against the machine's own raw
// Ed25519 verification rate on all cores, both measured in the same run.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_common.h"
#include "cohort_loader.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "synth/cohort_generator.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BenchArgs {
  std::string what = "append";
  std::string dir;
  int participants = 2000;
  int runs = 3;
  int clients = 4;
  size_t batch = 256;
  std::string format = "table";
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

uint64_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

// Verifies the given signed events' signatures over and over on `threads` threads for about
// `seconds`; returns verifications per second. The work is exactly the signature check the
// ledger does per event, with nothing else.
double RawVerifyRate(const std::vector<SignedEvent>& sample, const KeysByRole& keys,
                     unsigned threads, double seconds) {
  std::map<std::string, VerifierKey> by_id;
  for (const auto& [role, key] : keys) by_id.emplace(key.key_id(), key.verifier());
  std::vector<std::string> messages;
  for (const auto& e : sample) messages.push_back(EventSigningMessage(e.event));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::atomic<uint64_t> failures{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      uint64_t n = 0;
      for (size_t i = t; !stop.load(std::memory_order_relaxed); i = (i + 1) % messages.size()) {
        if (!by_id.at(sample[i].key_id).Verify(messages[i], sample[i].signature)) failures++;
        ++n;
      }
      total += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double rate = total / Seconds(start);
  return failures ? 0 : rate;
}

struct AppendRun {
  double seconds = 0;
  uint64_t events = 0;
  uint64_t refused = 0;
  uint64_t rss_start = 0, rss_mid = 0, rss_end = 0;
};

// Appends `events` from `clients` threads, each owning whole streams (so each stream's order
// is kept), in batches of `batch`.
AppendRun RunAppend(Ledger& ledger, const std::vector<SignedEvent>& events,
                    const std::vector<int>& client_of, int clients, size_t batch) {
  std::vector<std::vector<const SignedEvent*>> per_client(clients);
  for (size_t i = 0; i < events.size(); ++i) per_client[client_of[i]].push_back(&events[i]);
  AppendRun run;
  run.rss_start = RssBytes();
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> rss_mid{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int c = 0; c < clients; ++c) {
    pool.emplace_back([&, c] {
      std::vector<SignedEvent> chunk;
      const auto& mine = per_client[c];
      for (size_t i = 0; i < mine.size(); i += batch) {
        chunk.clear();
        for (size_t k = i; k < std::min(mine.size(), i + batch); ++k) chunk.push_back(*mine[k]);
        for (auto& r : ledger.AppendEach(chunk)) {
          if (!r.ok()) refused++;
        }
        uint64_t now_done = done += chunk.size();
        if (now_done >= events.size() / 2 && rss_mid == 0) rss_mid = RssBytes();
      }
    });
  }
  for (auto& th : pool) th.join();
  run.seconds = Seconds(start);
  run.events = events.size();
  run.refused = refused;
  run.rss_mid = rss_mid;
  run.rss_end = RssBytes();
  return run;
}

int RunBenchAppend(const BenchArgs& a) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::string root = a.dir.empty() ? (fs::temp_directory_path() /
                                      fmt::format("ledger-bench-{}", ::getpid())).string()
                                   : a.dir;
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Fail(Status::IOError("cannot create " + root));

  fmt::print(stderr, "preparing: generating and signing a cohort of {} participants...\n",
             a.participants);
  auto ledger_key = SigningKey::Generate("bench.ledger/log");
  auto admin = SigningKey::Generate("bench-admin");
  KeysByRole keys;
  keys.emplace("caseworker", SigningKey::Generate("bench-caseworker").value());
  keys.emplace("service", SigningKey::Generate("bench-service").value());
  synth::CohortOptions options;
  options.participants = a.participants;
  std::vector<std::string> lines;
  std::string error =
      synth::GenerateCohort(options, [&](std::string_view l) { lines.emplace_back(l); });
  if (!error.empty()) return Fail(Status::InvalidArgument(error));
  auto events = SignCohortLines(lines, keys);
  if (!events.ok()) return Fail(events.status());
  std::vector<int> client_of(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i]);
    client_of[i] = static_cast<int>(std::hash<std::string>{}(j["stream"].get<std::string>()) %
                                    static_cast<size_t>(a.clients));
  }
  lines.clear();
  lines.shrink_to_fit();

  std::vector<SignedEvent> sample(events->begin(),
                                  events->begin() + std::min<size_t>(events->size(), 4096));
  double verify_1 = RawVerifyRate(sample, keys, 1, 1.0);
  double verify_all = RawVerifyRate(sample, keys, cores, 2.0);

  std::vector<double> rates;
  std::vector<AppendRun> runs;
  for (int r = 0; r < a.runs; ++r) {
    std::string dir = root + fmt::format("/run-{}", r);
    fs::remove_all(dir, ec);
    auto ledger = CreateLedgerWithAdmin(dir, *ledger_key, *admin);
    if (!ledger.ok()) return Fail(ledger.status());
    for (const auto& [role, key] : keys) {
      auto reg = RegisterKey(**ledger, *admin, key.verifier(), role, {});
      if (!reg.ok()) return Fail(reg.status());
    }
    fmt::print(stderr, "run {}/{}: appending {} events from {} clients...\n", r + 1, a.runs,
               Thousands(events->size()), a.clients);
    auto run = RunAppend(**ledger, *events, client_of, a.clients, a.batch);
    if (run.refused) {
      return Fail(Status::FailedPrecondition(fmt::format("{} events were refused", run.refused)));
    }
    rates.push_back(run.events / run.seconds);
    runs.push_back(run);
    ledger->reset();
    fs::remove_all(dir, ec);
  }
  if (a.dir.empty()) fs::remove_all(root, ec);

  double median_rate = Median(rates);
  double ratio = verify_all > 0 ? median_rate / verify_all : 0;
  const auto& last = runs.back();
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["cores"] = cores;
    j["events"] = events->size();
    j["raw_verify_per_s_1_core"] = verify_1;
    j["raw_verify_per_s_all_cores"] = verify_all;
    j["durable_appends_per_s_median"] = median_rate;
    j["durable_appends_per_s_runs"] = rates;
    j["ratio"] = ratio;
    j["target_ratio"] = 0.8;
    j["rss_bytes"] = {last.rss_start, last.rss_mid, last.rss_end};
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  Table t({"measure", "value"});
  t.AddRow({"cores", std::to_string(cores)});
  t.AddRow({"events per run (pre-signed)", Thousands(events->size())});
  t.AddRow({"runs", std::to_string(a.runs)});
  t.AddRow({"raw Ed25519 verify, 1 core (/s)", Thousands(static_cast<uint64_t>(verify_1))});
  t.AddRow({"raw Ed25519 verify, all cores (/s)", Thousands(static_cast<uint64_t>(verify_all))});
  std::string per_run;
  for (double r : rates) per_run += (per_run.empty() ? "" : ", ") + Thousands(static_cast<uint64_t>(r));
  t.AddRow({"durable appends, each run (/s)", per_run});
  t.AddRow({"durable appends, median (/s)", Thousands(static_cast<uint64_t>(median_rate))});
  t.AddRow({"ratio to raw verify, all cores", fmt::format("{:.2f}", ratio)});
  t.AddRow({"target ratio", "0.80"});
  t.AddRow({"RSS at start / half / end (MiB)",
            fmt::format("{:.0f} / {:.0f} / {:.0f}", last.rss_start / 1048576.0,
                        last.rss_mid / 1048576.0, last.rss_end / 1048576.0)});
  fmt::print("{}", t.Render());
  return kExitOk;
}

}  // namespace

void RegisterBenchCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Benchmarks, printed against this machine's own limits");
  cmd->add_option("what", args->what, "append")->check(CLI::IsMember({"append"}));
  cmd->add_option("--dir", args->dir, "Scratch directory (default: a temporary one)");
  cmd->add_option("--participants", args->participants, "Cohort size to generate")
      ->capture_default_str();
  cmd->add_option("--runs", args->runs, "Repetitions; the median is reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 50));
  cmd->add_option("--clients", args->clients, "Concurrent appending threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--batch", args->batch, "Events per append call")->capture_default_str();
  cmd->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([=] { *exit_code = RunBenchAppend(*args); });
}

}  // namespace ledger::cli
