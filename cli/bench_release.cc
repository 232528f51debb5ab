#include "bench_release.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "privacy_actions.h"
#include "release/release.h"
#include "release_actions.h"
#include "replay/outcomes.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Runs `ledger demo` (this binary) into `dir`, quietly.
Status MakeDemo(const std::string& dir, int participants) {
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return Status::IOError("cannot find this program's path");
  self[n] = '\0';
  fmt::print(stderr, "making a demo ledger of {} participants in {} (a few minutes)...\n",
             participants, dir);
  const std::string command = fmt::format("'{}' demo --dir '{}' --participants {} > '{}.log' 2>&1",
                                          self, dir, participants, dir);
  if (std::system(command.c_str()) != 0) {
    return Status::IOError("ledger demo failed; see " + dir + ".log");
  }
  return Status::Ok();
}

}  // namespace

int RunBenchRelease(const ReleaseBenchOptions& o) {
  std::string demo = o.demo;
  std::string scratch;
  if (demo.empty()) {
    scratch = (fs::temp_directory_path() / ("ledger-bench-release-" + std::to_string(::getpid())))
                  .string();
    fs::create_directories(scratch);
    demo = scratch + "/demo";
    if (Status s = MakeDemo(demo, o.participants); !s.ok()) return Fail(s);
  }
  auto cleanup = [&] {
    std::error_code ec;
    if (!scratch.empty()) fs::remove_all(scratch, ec);
  };
  const std::string keys = demo + "/keys";
  auto dpo = SigningKey::ReadFile(keys + "/dpo.key");
  auto ledger_key = SigningKey::ReadFile(keys + "/ledger.key");
  auto master = MasterKey::ReadFile(keys + "/master.key");
  if (!dpo.ok() || !ledger_key.ok() || !master.ok()) {
    cleanup();
    return Fail(Status::InvalidArgument(
        "--demo: not a directory `ledger demo` made (keys/dpo.key, ledger.key, master.key)"));
  }
  LedgerOptions options;
  options.checkpoint_key = *ledger_key;
  options.master_key = *master;
  auto ledger = Ledger::Open(demo + "/data", options);
  if (!ledger.ok()) {
    cleanup();
    return Fail(ledger.status());
  }
  const std::string id = fmt::format("bench-{}", ::getpid());
  auto approved = AppendSigned(
      **ledger, *dpo,
      ReleaseEvent(*dpo, "release.approved", "GDPR:6(1)(e)",
                   {{"release_id", id},
                    {"recipient_org", "bench"},
                    {"purpose", "evaluation"},
                    {"basis", "GDPR:6(1)(e)"},
                    {"expires_at", FormatInstantMicros(NowMicros() / 1000000 * 1000000 +
                                                       int64_t{86400} * 1000000)}}));
  if (!approved.ok()) {
    cleanup();
    return Fail(approved.status());
  }
  release::ExportParams params;
  params.release_id = id;
  params.intake_from = CivilDate{2008, 1, 1};
  params.intake_to = CivilDate{2009, 12, 31};
  params.as_of = CivilDate{2010, 12, 31};

  std::vector<double> scan_rates, export_seconds, replay_seconds;
  uint64_t entries = 0, events = 0, persons = 0;
  std::vector<std::pair<std::string, double>> phases;
  bool agree = true;
  const std::string out_base = (scratch.empty() ? demo : scratch) + "/bench-release-out";
  for (int run = 0; run < o.runs; ++run) {
    fmt::print(stderr, "run {}/{}: raw scan, export, replay...\n", run + 1, o.runs);
    // The machine's own limit: a raw scan of every entry of the same ledger.
    auto t = Clock::now();
    entries = 0;
    for (auto it = (*ledger)->log().Scan(0, /*decode=*/false); it->Valid(); it->Next()) ++entries;
    scan_rates.push_back(static_cast<double>(entries) / Since(t));

    const std::string out = out_base + std::to_string(run);
    std::error_code ec;
    fs::remove_all(out, ec);
    t = Clock::now();
    auto recorded = ExportAndRecord(**ledger, *master, *ledger_key, *dpo, params, out);
    if (!recorded.ok()) {
      cleanup();
      return Fail(recorded.status());
    }
    export_seconds.push_back(Since(t));
    events = recorded->summary.events;
    persons = recorded->summary.persons;
    phases = recorded->summary.seconds;
    agree = agree && recorded->summary.disagreements.empty();

    t = Clock::now();
    auto opened = release::OpenRelease(out, {ledger_key->verifier().ToString()});
    if (!opened.ok()) {
      cleanup();
      return Fail(opened.status());
    }
    replay::OutcomesOptions outcome_options;
    outcome_options.horizons = opened->horizons;
    auto report = release::ReleaseOutcomes(*opened, outcome_options);
    if (!report.ok()) {
      cleanup();
      return Fail(report.status());
    }
    replay_seconds.push_back(Since(t));
    fs::remove_all(out, ec);
  }
  cleanup();

  const double export_s = Median(export_seconds);
  const double scan = Median(scan_rates);
  const double export_rate = static_cast<double>(events) / export_s;
  if (o.format == "json") {
    nlohmann::ordered_json j = {{"entries", entries},
                                {"persons", persons},
                                {"events_released", events},
                                {"raw_scan_entries_per_s", scan},
                                {"export_seconds_median", export_s},
                                {"export_seconds", export_seconds},
                                {"export_target_seconds", 30},
                                {"export_events_per_s", export_rate},
                                {"ratio_export_to_raw_scan", export_rate / scan},
                                {"replay_seconds_median", Median(replay_seconds)},
                                {"agree_with_ledger", agree}};
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  Table t({"measure", "value"});
  t.AddRow({"ledger entries", Thousands(entries)});
  t.AddRow({"persons released", Thousands(persons)});
  t.AddRow({"events released", Thousands(events)});
  t.AddRow({"runs", std::to_string(o.runs)});
  t.AddRow({"raw RocksDB scan, median (entries/s)", Thousands(static_cast<uint64_t>(scan))});
  std::string each;
  for (double s : export_seconds) each += fmt::format("{}{:.1f}", each.empty() ? "" : ", ", s);
  t.AddRow({"export, each run (s)", each});
  t.AddRow({"export, median (s)", fmt::format("{:.1f}", export_s)});
  t.AddRow({"target (s)", "30.0"});
  std::string phase_text;
  for (const auto& [name, sec] : phases) {
    phase_text += fmt::format("{}{} {:.1f}", phase_text.empty() ? "" : ", ", name, sec);
  }
  t.AddRow({"  phases of the last run (s)", phase_text});
  t.AddRow({"export, released events/s", Thousands(static_cast<uint64_t>(export_rate))});
  t.AddRow({"ratio export / raw scan", fmt::format("{:.3f}", export_rate / scan)});
  t.AddRow(
      {"evaluator's check + replay, median (s)", fmt::format("{:.1f}", Median(replay_seconds))});
  t.AddRow({"release agrees with the ledger (O1-O11)", agree ? "yes" : "NO"});
  fmt::print("{}", t.Render());
  return kExitOk;
}

}  // namespace ledger::cli
