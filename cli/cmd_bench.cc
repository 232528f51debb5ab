// bench append: the durable append rate of pre-signed events against the machine's own raw
// Ed25519 verification rate on all cores, both measured in the same run. bench verify: full
// verification against the same. bench replay: bench_replay.h.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench_cohort.h"
#include "bench_common.h"
#include "bench_release.h"
#include "bench_replay.h"
#include "cli_common.h"
#include "cohort_loader.h"
#include "commands.h"
#include "ledger/append_stages.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "ledger/verify.h"
#include "ledger/verify_stages.h"
#include "thread_cpu.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;
using Clock = BenchClock;

struct BenchArgs {
  std::string what = "append";
  std::string dir;
  int participants = 2000;
  int runs = 3;
  int clients = 4;
  size_t batch = 256;
  std::string format = "table";
  // bench replay
  std::string data;
  int incremental = 2000;
  bool memory_child = false;
  // bench release
  std::string demo;
};

std::string ScratchRoot(const BenchArgs& a) {
  return a.dir.empty()
             ? (fs::temp_directory_path() / fmt::format("ledger-bench-{}", ::getpid())).string()
             : a.dir;
}

// One row of a breakdown: microseconds per event (bench append) or per entry (bench verify).
struct Stage {
  std::string key;    // for --format json
  std::string label;  // for the table
  double us_per_event;
};

// Where one run's time went, in microseconds per event: the appenders' and the writer's stages
// (ledger/append_stages.h), the CPU of each kind of thread, and the cores left idle.
std::vector<Stage> Breakdown(const AppendRun& run, unsigned cores) {
  const auto& t = run.stages;
  const double n = static_cast<double>(std::max<uint64_t>(1, run.events));
  auto us = [&](double ns) { return ns / 1000.0 / n; };
  auto us_s = [&](double seconds) { return seconds * 1e6 / n; };
  const double writer_stages =
      static_cast<double>(t.id_index_ns + t.rules_ns + t.tree_ns + t.records_ns);
  const double appender_cpu = run.cpu.process_s - run.cpu.writer_s - run.cpu.background_s;
  return {
      {"appenders_decode", "appenders: decode and validate", us(t.decode_ns)},
      {"appenders_verify", "appenders: signature check", us(t.verify_ns)},
      {"appenders_other", "appenders: the rest (batches, threads, waits)",
       us_s(appender_cpu) - us(t.decode_ns + t.verify_ns)},
      {"writer_id_index", "writer: id index", us(t.id_index_ns)},
      {"writer_rules", "writer: stream head, keys, case rules", us(t.rules_ns)},
      {"writer_tree", "writer: entry encoding, leaf hash, tree", us(t.tree_ns)},
      {"writer_records", "writer: index records, sealing, stream head", us(t.records_ns)},
      {"writer_units", "writer: units and groups (copies, merges)",
       us(static_cast<double>(t.apply_ns) - writer_stages)},
      {"writer_store_write_cpu", "writer: store write, CPU (memtables, WAL)", us(t.write_cpu_ns)},
      {"writer_sync_wait", "writer: waiting for the sync",
       us(static_cast<double>(t.write_ns) - static_cast<double>(t.write_cpu_ns))},
      {"writer_publish", "writer: after the write (caches, anchor)", us(t.publish_ns)},
      {"writer_checkpoints", "writer: checkpoints", us(t.checkpoint_ns)},
      {"cpu_appenders", "CPU: appenders' threads", us_s(appender_cpu)},
      {"cpu_writer", "CPU: writer thread", us_s(run.cpu.writer_s)},
      {"cpu_background", "CPU: RocksDB flushes and compactions", us_s(run.cpu.background_s)},
      {"idle", "cores idle", us_s(cores * run.seconds - run.cpu.process_s)},
  };
}

int RunBenchAppend(const BenchArgs& a) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::string root = ScratchRoot(a);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Fail(Status::IOError("cannot create " + root));
  auto cohort = PrepareCohort(a.participants, a.clients);
  if (!cohort.ok()) return Fail(cohort.status());
  const auto& events = cohort->events;

  std::vector<SignedEvent> sample(events.begin(),
                                  events.begin() + std::min<size_t>(events.size(), 4096));
  double verify_1 = RawVerifyRate(sample, cohort->keys, 1, 1.0);
  double verify_all = RawVerifyRate(sample, cohort->keys, cores, 2.0);

  // Runs rotate between the production configuration (checkpoints once a second, case rules),
  // one without checkpoints and one without case rules, so that all see the same machine
  // conditions and the cost of each is measured in the same run.
  enum Config { kProduction, kNoCheckpoints, kNoCaseRules };
  std::vector<double> rates, rates_plain, rates_no_rules;
  std::vector<AppendRun> runs;
  for (int r = 0; r < a.runs; ++r) {
    for (Config config : {kProduction, kNoCheckpoints, kNoCaseRules}) {
      std::string dir = root + fmt::format("/run-{}", r);
      auto ledger = FreshLedger(dir, *cohort, config != kNoCheckpoints, config != kNoCaseRules);
      if (!ledger.ok()) return Fail(ledger.status());
      fmt::print(stderr, "run {}/{} ({}): appending {} events from {} clients...\n", r + 1, a.runs,
                 config == kProduction      ? "production"
                 : config == kNoCheckpoints ? "without checkpoints"
                                            : "without case rules",
                 Thousands(events.size()), a.clients);
      auto run = RunAppend(**ledger, events, cohort->client_of, a.clients, a.batch);
      if (run.refused) {
        return Fail(Status::FailedPrecondition(fmt::format("{} events were refused", run.refused)));
      }
      (config == kProduction      ? rates
       : config == kNoCheckpoints ? rates_plain
                                  : rates_no_rules)
          .push_back(run.events / run.seconds);
      if (config == kProduction) runs.push_back(run);
      ledger->reset();
      fs::remove_all(dir, ec);
    }
  }
  // One more production run with the stage counters on (ledger/append_stages.h), for the
  // breakdown: the runs above are measured without them, since reading the thread's CPU clock
  // at every stage costs about 1.5 us per event.
  AppendRun profiled;
  {
    std::string dir = root + "/profiled";
    auto ledger = FreshLedger(dir, *cohort, /*checkpoints=*/true, /*case_rules=*/true);
    if (!ledger.ok()) return Fail(ledger.status());
    fmt::print(stderr, "profiled run (production, stage counters on): appending {} events...\n",
               Thousands(events.size()));
    EnableAppendStageTimes(true);
    profiled = RunAppend(**ledger, events, cohort->client_of, a.clients, a.batch);
    EnableAppendStageTimes(false);
    if (profiled.refused) {
      return Fail(
          Status::FailedPrecondition(fmt::format("{} events were refused", profiled.refused)));
    }
    ledger->reset();
    fs::remove_all(dir, ec);
  }
  if (a.dir.empty()) fs::remove_all(root, ec);

  double median_rate = Median(rates);
  double median_plain = Median(rates_plain);
  double ratio = verify_all > 0 ? median_rate / verify_all : 0;
  double checkpoint_cost = median_plain > 0 ? 1.0 - median_rate / median_plain : 0;
  double median_no_rules = Median(rates_no_rules);
  double rules_cost = median_no_rules > 0 ? 1.0 - median_rate / median_no_rules : 0;
  const auto& last = runs.back();
  const auto stages = Breakdown(profiled, cores);
  const double profiled_rate = profiled.events / profiled.seconds;
  const double groups = static_cast<double>(profiled.stages.groups);
  const double events_per_group = groups > 0 ? static_cast<double>(profiled.events) / groups : 0;
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["cores"] = cores;
    j["events"] = events.size();
    j["raw_verify_per_s_1_core"] = verify_1;
    j["raw_verify_per_s_all_cores"] = verify_all;
    j["durable_appends_per_s_median"] = median_rate;
    j["durable_appends_per_s_runs"] = rates;
    j["durable_appends_without_checkpoints_per_s_median"] = median_plain;
    j["ratio"] = ratio;
    j["target_ratio"] = 0.8;
    j["checkpoint_cost"] = checkpoint_cost;
    j["durable_appends_without_case_rules_per_s_median"] = median_no_rules;
    j["case_rules_cost"] = rules_cost;
    j["case_rules_cost_target"] = 0.10;
    j["rss_bytes"] = {last.rss_start, last.rss_mid, last.rss_end};
    j["profiled_run_appends_per_s"] = profiled_rate;
    j["events_per_group"] = events_per_group;
    nlohmann::ordered_json b;
    for (const auto& stage : stages) b[stage.key] = stage.us_per_event;
    j["breakdown_us_per_event"] = b;
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  Table t({"measure", "value"});
  t.AddRow({"cores", std::to_string(cores)});
  t.AddRow({"events per run (pre-signed)", Thousands(events.size())});
  t.AddRow({"runs", std::to_string(a.runs)});
  t.AddRow({"raw Ed25519 verify, 1 core (/s)", Thousands(static_cast<uint64_t>(verify_1))});
  t.AddRow({"raw Ed25519 verify, all cores (/s)", Thousands(static_cast<uint64_t>(verify_all))});
  t.AddRow({"durable appends, each run (/s)", RatesText(rates)});
  t.AddRow({"durable appends, median (/s)", Thousands(static_cast<uint64_t>(median_rate))});
  t.AddRow({"ratio to raw verify, all cores", fmt::format("{:.2f}", ratio)});
  t.AddRow({"target ratio", "0.80"});
  t.AddRow({"same, no checkpoints, median (/s)", Thousands(static_cast<uint64_t>(median_plain))});
  t.AddRow({"cost of checkpointing", fmt::format("{:.1f}%", 100 * checkpoint_cost)});
  t.AddRow({"same, no case rules, median (/s)", Thousands(static_cast<uint64_t>(median_no_rules))});
  t.AddRow({"cost of the case rules (target <= 10%)", fmt::format("{:.1f}%", 100 * rules_cost)});
  t.AddRow({"RSS at start / half / end (MiB)",
            fmt::format("{:.0f} / {:.0f} / {:.0f}", last.rss_start / 1048576.0,
                        last.rss_mid / 1048576.0, last.rss_end / 1048576.0)});
  fmt::print("{}", t.Render());
  Table b({"where the time goes (a production run with stage counters)", "us per event"});
  for (const auto& stage : stages)
    b.AddRow({stage.label, fmt::format("{:.1f}", stage.us_per_event)});
  b.AddRow({"events per group commit", fmt::format("{:.0f}", events_per_group)});
  b.AddRow({"that run's rate (/s)", Thousands(static_cast<uint64_t>(profiled_rate))});
  fmt::print("\n{}", b.Render());
  return kExitOk;
}

// Consent decisions from the kept state, against a raw point read of an entry (RocksDB get,
// checksum, decode) timed on the same ledger in the same run.
int RunBenchConsent(const BenchArgs& a) {
  std::string root = ScratchRoot(a);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Fail(Status::IOError("cannot create " + root));
  auto cohort = PrepareCohort(a.participants, a.clients);
  if (!cohort.ok()) return Fail(cohort.status());
  auto ledger = FreshLedger(root + "/consent", *cohort, false);
  if (!ledger.ok()) return Fail(ledger.status());
  auto run = RunAppend(**ledger, cohort->events, cohort->client_of, a.clients, a.batch);
  if (run.refused) {
    return Fail(Status::FailedPrecondition(fmt::format("{} events were refused", run.refused)));
  }
  std::vector<std::string> subjects;
  for (const auto& e : cohort->events) {
    auto s = SummarizeEvent(e.event);
    if (s.ok() && s->type == "case.opened") subjects.push_back(s->subject);
  }
  const int64_t from = ParseInstantMicros("2008-01-01T00:00:00Z").value();
  const int64_t span = int64_t{3} * 365 * 86400 * 1000000;
  std::mt19937_64 rng(7);
  constexpr int kSamples = 20001;
  std::vector<double> decide_us, read_us;
  size_t allowed = 0;
  const uint64_t size = (*ledger)->log().Size();
  Progress progress("consent", 2 * kSamples);
  for (int i = 0; i < kSamples; ++i) {
    ConsentQuestion q{subjects[rng() % subjects.size()],
                      "nav",
                      {"identity"},
                      "case_coordination",
                      from + static_cast<int64_t>(rng() % static_cast<uint64_t>(span))};
    auto start = Clock::now();
    auto d = (*ledger)->privacy().DecideConsent(q);
    decide_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!d.ok()) return Fail(d.status());
    allowed += d->allowed() ? 1 : 0;
    uint64_t seq = rng() % size;
    start = Clock::now();
    auto e = (*ledger)->log().ReadSeq(seq);
    read_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!e.ok()) return Fail(e.status());
    if (i % 1000 == 0) progress.Update(2 * static_cast<uint64_t>(i));
  }
  progress.Finish();
  ledger->reset();
  if (a.dir.empty()) fs::remove_all(root, ec);
  auto p99 = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() * 99 / 100];
  };
  double decide = Median(decide_us), read = Median(read_us);
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["subjects"] = subjects.size();
    j["events"] = cohort->events.size();
    j["decisions"] = kSamples;
    j["allowed_share"] = static_cast<double>(allowed) / kSamples;
    j["decision_us_median"] = decide;
    j["decision_us_p99"] = p99(decide_us);
    j["entry_read_us_median"] = read;
    j["ratio_to_entry_read"] = read > 0 ? decide / read : 0;
    j["target_us_median"] = 50;
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  Table t({"measure", "value"});
  t.AddRow({"subjects / events",
            fmt::format("{} / {}", Thousands(subjects.size()), Thousands(cohort->events.size()))});
  t.AddRow({"decisions (random subject and time)", Thousands(kSamples)});
  t.AddRow({"answered yes", fmt::format("{:.1f}%", 100.0 * allowed / kSamples)});
  t.AddRow({"consent decision, median (µs)", fmt::format("{:.1f}", decide)});
  t.AddRow({"consent decision, p99 (µs)", fmt::format("{:.1f}", p99(decide_us))});
  t.AddRow({"raw entry read, median (µs)", fmt::format("{:.1f}", read)});
  t.AddRow({"ratio decision / entry read", fmt::format("{:.2f}", read > 0 ? decide / read : 0)});
  t.AddRow({"target median (µs)", "50"});
  fmt::print("{}", t.Render());
  return kExitOk;
}

int RunBenchVerify(const BenchArgs& a) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::string root = ScratchRoot(a);
  std::error_code ec;
  fs::create_directories(root, ec);
  auto cohort = PrepareCohort(a.participants, a.clients);
  if (!cohort.ok()) return Fail(cohort.status());
  std::string dir = root + "/verify";
  {
    auto ledger = FreshLedger(dir, *cohort, /*checkpoints=*/true);
    if (!ledger.ok()) return Fail(ledger.status());
    fmt::print(stderr, "building a ledger of {} events...\n", Thousands(cohort->events.size()));
    auto run = RunAppend(**ledger, cohort->events, cohort->client_of, a.clients, a.batch);
    if (run.refused) return Fail(Status::FailedPrecondition("events were refused"));
  }
  std::vector<SignedEvent> sample(
      cohort->events.begin(),
      cohort->events.begin() + std::min<size_t>(cohort->events.size(), 4096));
  double verify_all = RawVerifyRate(sample, cohort->keys, cores, 2.0);
  cohort->events.clear();
  cohort->events.shrink_to_fit();

  auto ledger = OpenForReading(dir);  // as an auditor opens it
  if (!ledger.ok()) return Fail(ledger.status());
  // Each run verifies twice: the entries alone (signatures, keys, rules, tree, checkpoints),
  // then everything, derived columns included; their ratio is what the column checks cost.
  std::vector<double> rates, entries_only_rates;
  uint64_t size = (*ledger)->log().Size();
  for (int r = 0; r < a.runs; ++r) {
    for (bool derived : {false, true}) {
      fmt::print(stderr, "verify run {}/{}{}...\n", r + 1, a.runs,
                 derived ? "" : " (entries only)");
      VerifyOptions options;
      options.check_derived = derived;
      auto report = VerifyLedger(**ledger, options);
      if (!report.ok()) return Fail(report.status());
      if (!report->ok) return Fail(report->failure.WithContext("verification failed"));
      (derived ? rates : entries_only_rates).push_back(report->entries_checked / report->seconds);
    }
  }
  // One more full verification with the stage counters on (ledger/verify_stages.h), for the
  // breakdown only: the rates above come from runs without them.
  fmt::print(stderr, "profiled run (full verification, stage counters on)...\n");
  ResetVerifyStageTimes();
  EnableVerifyStageTimes(true);
  const double cpu_before = ReadThreadCpu().process_s;
  double profiled_rate = 0;
  {
    VerifyOptions options;
    options.check_derived = true;
    auto report = VerifyLedger(**ledger, options);
    EnableVerifyStageTimes(false);
    if (!report.ok()) return Fail(report.status());
    if (!report->ok) return Fail(report->failure.WithContext("verification failed"));
    profiled_rate = report->entries_checked / report->seconds;
  }
  const double profiled_cpu_s = ReadThreadCpu().process_s - cpu_before;
  const VerifyStageTimes st = ReadVerifyStageTimes();
  const double n_entries = std::max<double>(1, static_cast<double>(st.entries));
  auto us = [&](uint64_t ns) { return static_cast<double>(ns) / 1000.0 / n_entries; };
  const uint64_t staged = st.leaf_hash_ns + st.decode_ns + st.prepare_ns + st.signature_ns +
                          st.derived_ns + st.keys_ns + st.in_order_ns + st.nodes_ns;
  const std::vector<Stage> stages = {
      {"leaf_hash", "all cores: leaf hash (SHA-256 of the entry)", us(st.leaf_hash_ns)},
      {"decode", "all cores: entry decoded, canonical bytes checked", us(st.decode_ns)},
      {"prepare", "all cores: event decoded and validated", us(st.prepare_ns)},
      {"signature", "all cores: Ed25519 signature check", us(st.signature_ns)},
      {"derived", "all cores: derived records (point lookups)", us(st.derived_ns)},
      {"keys", "in order: keys as of each entry", us(st.keys_ns)},
      {"in_order", "in order: seq, versions, roles, rules, tree, roots", us(st.in_order_ns)},
      {"nodes", "in order: stored tree nodes compared", us(st.nodes_ns)},
      {"other", "other CPU: the scan, batching, threads (process CPU less the stages)",
       profiled_cpu_s * 1e6 / n_entries - us(staged)},
      {"process", "process CPU per entry, all threads", profiled_cpu_s * 1e6 / n_entries},
      {"raw_verify", "for comparison: one raw Ed25519 verify (CPU, from the all-core rate)",
       verify_all > 0 ? cores * 1e6 / verify_all : 0},
  };

  // Proofs for random entries of the whole tree and between random sizes.
  std::mt19937_64 rng(7);
  std::vector<double> inclusion_us, consistency_us;
  for (int i = 0; i < 2000; ++i) {
    uint64_t seq = rng() % size;
    auto t0 = Clock::now();
    auto proof = (*ledger)->audit().InclusionProof(seq, size);
    inclusion_us.push_back(SecondsSince(t0) * 1e6);
    if (!proof.ok()) return Fail(proof.status());
    uint64_t old_size = 1 + rng() % size;
    t0 = Clock::now();
    auto cons = (*ledger)->audit().ConsistencyProof(old_size, size);
    consistency_us.push_back(SecondsSince(t0) * 1e6);
    if (!cons.ok()) return Fail(cons.status());
  }
  ledger->reset();
  if (a.dir.empty()) fs::remove_all(root, ec);
  double median = Median(rates);
  double ratio = verify_all > 0 ? median / verify_all : 0;
  double entries_only = Median(entries_only_rates);
  double derived_share = entries_only > 0 ? median / entries_only : 0;
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["cores"] = cores;
    j["entries"] = size;
    j["raw_verify_per_s_all_cores"] = verify_all;
    j["verify_entries_per_s_runs"] = rates;
    j["verify_entries_per_s_median"] = median;
    j["ratio"] = ratio;
    j["target_ratio"] = 0.8;
    j["entries_only_per_s_runs"] = entries_only_rates;
    j["entries_only_per_s_median"] = entries_only;
    j["full_to_entries_only_ratio"] = derived_share;
    j["target_full_to_entries_only_ratio"] = 0.9;
    j["inclusion_proof_us_median"] = Median(inclusion_us);
    j["consistency_proof_us_median"] = Median(consistency_us);
    j["profiled_entries_per_s"] = profiled_rate;
    for (const auto& stage : stages) j["breakdown_us_per_entry"][stage.key] = stage.us_per_event;
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  Table t({"measure", "value"});
  t.AddRow({"cores", std::to_string(cores)});
  t.AddRow({"entries in the ledger", Thousands(size)});
  t.AddRow({"raw Ed25519 verify, all cores (/s)", Thousands(static_cast<uint64_t>(verify_all))});
  t.AddRow({"full verification, each run (entries/s)", RatesText(rates)});
  t.AddRow({"full verification, median (entries/s)", Thousands(static_cast<uint64_t>(median))});
  t.AddRow({"ratio to raw verify, all cores", fmt::format("{:.2f}", ratio)});
  t.AddRow({"target ratio", "0.80"});
  t.AddRow(
      {"entries only (no derived columns), each run (entries/s)", RatesText(entries_only_rates)});
  t.AddRow({"entries only, median (entries/s)", Thousands(static_cast<uint64_t>(entries_only))});
  t.AddRow({"full to entries-only ratio (target >= 0.90)", fmt::format("{:.2f}", derived_share)});
  t.AddRow({"inclusion proof, median (us)", fmt::format("{:.1f}", Median(inclusion_us))});
  t.AddRow({"consistency proof, median (us)", fmt::format("{:.1f}", Median(consistency_us))});
  t.AddRow({"proof target (us)", "1000"});
  fmt::print("{}", t.Render());
  Table b({fmt::format("where the CPU goes (a full verification with stage counters, {} "
                       "entries/s)",
                       Thousands(static_cast<uint64_t>(profiled_rate))),
           "us per entry"});
  for (const auto& stage : stages)
    b.AddRow({stage.label, fmt::format("{:.1f}", stage.us_per_event)});
  fmt::print("\n{}", b.Render());
  return kExitOk;
}

}  // namespace

void RegisterBenchCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Benchmarks, printed against this machine's own limits");
  cmd->add_option("what", args->what, "append, verify, replay, consent or release")
      ->check(CLI::IsMember({"append", "verify", "replay", "consent", "release"}));
  cmd->add_option("--dir", args->dir, "Scratch directory (default: a temporary one)");
  cmd->add_option("--participants", args->participants,
                  "Cohort size to generate (replay: default 10000)")
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
  cmd->add_option("--data", args->data, "replay: measure this ledger instead of a generated one");
  cmd->add_option("--incremental", args->incremental,
                  "replay: events appended one by one after the rebuild")
      ->capture_default_str();
  cmd->add_option("--demo", args->demo,
                  "release: a directory `ledger demo` made (default: make one in a temporary "
                  "directory)");
  cmd->add_flag("--memory-child", args->memory_child)->group("");  // internal
  cmd->callback([=] {
    if (cmd->got_subcommand("server")) return;     // ledger bench server: cmd_bench_server.cc
    if (cmd->got_subcommand("attack")) return;     // ledger bench attack: cmd_bench_attack.cc
    if (cmd->got_subcommand("replicate")) return;  // cmd_bench_replicate.cc
    if (cmd->got_subcommand("compare")) return;    // cmd_bench_compare.cc
    if (args->what == "replay") {
      ReplayBenchOptions o;
      o.data = args->data;
      o.dir = args->dir;
      // Defaults of their own: a log of over a million events, five runs.
      o.participants = cmd->get_option("--participants")->count() > 0 ? args->participants : 10000;
      o.runs = cmd->get_option("--runs")->count() > 0 ? args->runs : 5;
      o.incremental = args->incremental;
      o.format = args->format;
      o.memory_child = args->memory_child;
      *exit_code = RunBenchReplay(o);
      return;
    }
    if (args->what == "consent") {
      *exit_code = RunBenchConsent(*args);
      return;
    }
    if (args->what == "release") {
      ReleaseBenchOptions o;
      o.demo = args->demo;
      o.participants = cmd->get_option("--participants")->count() > 0 ? args->participants : 10000;
      o.runs = args->runs;
      o.format = args->format;
      *exit_code = RunBenchRelease(o);
      return;
    }
    *exit_code = args->what == "verify" ? RunBenchVerify(*args) : RunBenchAppend(*args);
  });
}

}  // namespace ledger::cli
