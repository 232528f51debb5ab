#include "bench_replay.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench_common.h"
#include "cli_common.h"
#include "cohort_loader.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "replay/caseload.h"
#include "replay/compliance.h"
#include "replay/event_view.h"
#include "replay/outcomes.h"
#include "replay/replayer.h"
#include "synth/cohort_generator.h"
#include "thread_cpu.h"

extern char** environ;

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Events generated, signed and appended at a time: bounds the memory of building the ledger.
constexpr size_t kSlice = 65536;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// CPU time of the calling thread (what "on one core" means on a shared machine) and wall time.
struct Stopwatch {
  double cpu0 = ThreadCpuSeconds();
  Clock::time_point wall0 = Clock::now();
  double Cpu() const { return ThreadCpuSeconds() - cpu0; }
  double Wall() const { return std::chrono::duration<double>(Clock::now() - wall0).count(); }
};

// The three projections and a replayer feeding them.
struct AllProjections {
  replay::CaseloadProjection caseload;
  replay::OutcomesProjection outcomes;
  replay::ComplianceProjection compliance;
  std::unique_ptr<replay::Replayer> replayer;
};

Result<std::unique_ptr<AllProjections>> NewProjections(Ledger& ledger) {
  auto all = std::make_unique<AllProjections>();
  LEDGER_ASSIGN_OR_RETURN(
      all->replayer,
      replay::Replayer::Create(ledger, {&all->caseload, &all->outcomes, &all->compliance}));
  return all;
}

// One rebuild of `all` from where its replayer stands (position 0 when new), timed.
Result<RebuildTiming> TimeRebuild(AllProjections& all) {
  const double process_cpu = ReadThreadCpu().process_s;
  Stopwatch w;
  LEDGER_ASSIGN_OR_RETURN(replay::RunStats stats, all.replayer->Run());
  return RebuildTiming{stats.applied, w.Cpu(), w.Wall(), ReadThreadCpu().process_s - process_cpu};
}

// The reports a rebuild is for, at the ledger's clock: they are part of the memory measured.
Result<size_t> MakeReports(Ledger& ledger, AllProjections& all) {
  LEDGER_ASSIGN_OR_RETURN(replay::LogPoint point, all.replayer->Point());
  int64_t clock = NowMicros();
  if (point.size > 0) {
    LEDGER_ASSIGN_OR_RETURN(Entry last, ledger.log().ReadSeq(point.size - 1));
    clock = last.recorded_at_us;
  }
  const auto at = replay::ReportTime::AtInstant(clock, replay::ReportZone::EuropeOslo());
  replay::OutcomesOptions options;
  options.grouping = replay::OutcomeGrouping::kCategory;
  return replay::CaseloadJson(all.caseload.Report(at, point)).size() +
         replay::OutcomesJson(all.outcomes.Report(at, point, options)).size() +
         replay::ComplianceJson(all.compliance.Report(at, point)).size();
}

// A fresh ledger in `dir` with a generated cohort appended, all but its last `held_back`
// events, which are returned signed (to be appended later).
Result<std::vector<SignedEvent>> BuildLedger(const std::string& dir, int participants,
                                             size_t held_back) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(fs::path(dir).parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + fs::path(dir).parent_path().string());
  LEDGER_ASSIGN_OR_RETURN(SigningKey ledger_key, SigningKey::Generate("bench.ledger/replay"));
  LEDGER_ASSIGN_OR_RETURN(SigningKey admin, SigningKey::Generate("bench-admin"));
  LedgerOptions options;
  options.master_key = MasterKey::Generate();  // the cohort carries personal values
  LEDGER_ASSIGN_OR_RETURN(auto ledger, CreateLedgerWithAdmin(dir, ledger_key, admin, options));
  KeysByRole keys;
  for (const char* role : {"caseworker", "service"}) {
    LEDGER_ASSIGN_OR_RETURN(SigningKey key, SigningKey::Generate(std::string("bench-") + role));
    LEDGER_RETURN_IF_ERROR(RegisterKey(*ledger, admin, key.verifier(), role, {}).status());
    keys.emplace(role, std::move(key));
  }
  synth::CohortOptions cohort;
  cohort.participants = participants;
  std::deque<std::string> pending;
  Status failed;
  uint64_t appended = 0;
  auto flush = [&](size_t keep) {
    if (!failed.ok() || pending.size() <= keep) return;
    std::vector<std::string> lines;
    while (pending.size() > keep) {
      lines.push_back(std::move(pending.front()));
      pending.pop_front();
    }
    auto events = SignCohortLines(lines, keys);
    if (!events.ok()) {
      failed = events.status();
      return;
    }
    LoadSummary s = AppendInBatches(*ledger, *events, 1024, "append");
    appended += s.appended;
    if (s.refused > 0) failed = s.first_error.WithContext("the generated cohort was refused");
  };
  fmt::print(stderr, "building a ledger of {} participants in {}...\n", participants, dir);
  std::string error = synth::GenerateCohort(cohort, [&](std::string_view line) {
    pending.emplace_back(line);
    if (pending.size() >= kSlice + held_back) flush(held_back);
  });
  if (!error.empty()) return Status::InvalidArgument(error);
  flush(held_back);
  LEDGER_RETURN_IF_ERROR(failed);
  // Into table files, as a ledger that has been running a while is: a reopened ledger then
  // replays no write-ahead log into memory tables.
  LEDGER_RETURN_IF_ERROR(ledger->log().Flush());
  std::vector<std::string> rest(pending.begin(), pending.end());
  fmt::print(stderr, "appended {} events, holding back {}\n", Thousands(appended), rest.size());
  return SignCohortLines(rest, keys);
}

// The peak resident memory of this process so far (VmHWM), in bytes.
uint64_t PeakRssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB
  }
  return 0;
}

// The peak resident memory (bytes) of a child process that rebuilds every projection of the
// ledger in `data` and makes their reports: a process of its own, so that building the ledger
// does not count. The child prints its own peak (VmHWM, which exec starts afresh) on its
// standard output, a file here: the rusage of a spawned child also counts the pages it shared
// with this process before exec.
Result<uint64_t> ChildPeakMemory(const std::string& data, const std::string& scratch) {
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::string out = scratch + fmt::format("/memory-child-{}.out", ::getpid());
  std::vector<std::string> args = {self, "bench", "replay", "--data", data, "--memory-child"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return Status::IOError("cannot start " + self);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::IOError("the memory-measuring child failed");
  }
  LEDGER_ASSIGN_OR_RETURN(std::string text, ReadFile(out));
  std::error_code ec;
  fs::remove(out, ec);
  if (text.empty() || text.find_first_not_of("0123456789\n") != std::string::npos) {
    return Status::IOError("the memory-measuring child printed no figure");
  }
  return std::stoull(text);
}

int RunMemoryChild(const std::string& data) {
  auto ledger = Ledger::Open(data);
  if (!ledger.ok()) return Fail(ledger.status());
  auto all = NewProjections(**ledger);
  if (!all.ok()) return Fail(all.status());
  auto run = (*all)->replayer->Run();
  if (!run.ok()) return Fail(run.status());
  auto reports = MakeReports(**ledger, **all);
  if (!reports.ok()) return Fail(reports.status());
  fmt::print("{}\n", PeakRssBytes());
  return kExitOk;
}

struct Figures {
  uint64_t entries = 0;
  double scan_bytes = 0;
  std::vector<double> scan_rates, decode_rates, rebuild_rates, rebuild_wall_rates;
  std::vector<double> scan_wall_rates;
  std::vector<double> rebuild_cpu_us;  // CPU of every thread of the process per entry
  std::vector<double> incremental_us, incremental_wall_us;  // ApplyAppended
  std::vector<double> catch_up_us, catch_up_wall_us;        // Run, reading one entry
  double report_ms = 0;
  size_t state_bytes = 0;
  uint64_t peak_rss = 0;
};

void Print(const Figures& f, const std::string& format) {
  // The rebuild reads the log on one core while it decodes and applies on another
  // (replay/src/entry_prefetcher.h): its wall-clock rate is set against the raw scan's, which
  // runs on one thread. The CPU of the replaying thread alone is shown beside it.
  const double scan = Median(f.scan_wall_rates), rebuild = Median(f.rebuild_wall_rates);
  const double ratio = scan > 0 ? rebuild / scan : 0;
  const double incremental = Median(f.incremental_us);
  if (format == "json") {
    nlohmann::ordered_json j;
    j["entries"] = f.entries;
    j["raw_scan_per_s_runs"] = f.scan_wall_rates;
    j["raw_scan_per_s_median"] = scan;
    j["raw_scan_cpu_per_s_median"] = Median(f.scan_rates);
    j["scan_and_decode_cpu_per_s_median"] = Median(f.decode_rates);
    j["rebuild_all_per_s_runs"] = f.rebuild_wall_rates;
    j["rebuild_all_per_s_median"] = rebuild;
    j["rebuild_all_replaying_thread_cpu_per_s_median"] = Median(f.rebuild_rates);
    j["rebuild_all_cpu_us_per_entry_median"] = Median(f.rebuild_cpu_us);
    j["ratio_to_raw_scan"] = ratio;
    j["target_rebuild_per_s"] = 1000000;
    j["target_ratio"] = 0.8;
    j["incremental_us_per_event_median"] = incremental;
    j["incremental_wall_us_per_event_median"] = Median(f.incremental_wall_us);
    j["catch_up_read_us_per_event_median"] = Median(f.catch_up_us);
    j["target_incremental_us"] = 5;
    j["peak_rss_bytes"] = f.peak_rss;
    j["target_peak_rss_bytes"] = 500u << 20;
    j["reports_ms"] = f.report_ms;
    j["state_bytes"] = f.state_bytes;
    fmt::print("{}\n", j.dump());
    return;
  }
  Table t({"measure (wall clock; CPU time where it says so)", "value"});
  t.AddRow({"entries", Thousands(f.entries)});
  t.AddRow({"entry bytes (MB)", fmt::format("{:.1f}", f.scan_bytes / 1e6)});
  t.AddRow({"runs", std::to_string(f.rebuild_rates.size())});
  t.AddRow({"raw RocksDB scan, each run (entries/s)", RatesText(f.scan_wall_rates)});
  t.AddRow({"raw RocksDB scan, median (entries/s)", Thousands(static_cast<uint64_t>(scan))});
  t.AddRow({"  scan + event decode, one core's CPU (entries/s)",
            Thousands(static_cast<uint64_t>(Median(f.decode_rates)))});
  t.AddRow({"rebuild of all projections, each run (entries/s)", RatesText(f.rebuild_wall_rates)});
  t.AddRow({"rebuild of all projections, median (entries/s)",
            Thousands(static_cast<uint64_t>(rebuild))});
  t.AddRow({"  CPU of the replaying thread (entries/s)",
            Thousands(static_cast<uint64_t>(Median(f.rebuild_rates)))});
  t.AddRow(
      {"  CPU of all threads per entry (us)", fmt::format("{:.2f}", Median(f.rebuild_cpu_us))});
  t.AddRow({"target (entries/s)", "1,000,000"});
  t.AddRow({"ratio rebuild / raw scan", fmt::format("{:.2f}", ratio)});
  t.AddRow({"target ratio", "0.80"});
  auto us = [](const std::vector<double>& v) {
    return v.empty() ? std::string("-") : fmt::format("{:.2f}", Median(v));
  };
  t.AddRow({"incremental, per appended event, median (us)", us(f.incremental_us)});
  t.AddRow({"  same, wall clock (us)", us(f.incremental_wall_us)});
  t.AddRow({"  reading it back from the log instead (us)", us(f.catch_up_us)});
  t.AddRow({"target incremental (us)", "5"});
  t.AddRow({"peak memory of a rebuild + reports (MiB)",
            fmt::format("{:.0f}", static_cast<double>(f.peak_rss) / 1048576.0)});
  t.AddRow({"target peak memory (MiB)", "500"});
  t.AddRow({"three reports from the state (ms)", fmt::format("{:.0f}", f.report_ms)});
  t.AddRow({"state of all projections (MB)",
            fmt::format("{:.1f}", static_cast<double>(f.state_bytes) / 1e6)});
  fmt::print("{}", t.Render());
}

Status Measure(Ledger& ledger, const ReplayBenchOptions& o, std::vector<SignedEvent>& held_back,
               Figures& f) {
  f.entries = ledger.log().Size();
  const double n = static_cast<double>(f.entries);
  std::unique_ptr<AllProjections> last;
  for (int r = 0; r < o.runs; ++r) {
    fmt::print(stderr, "run {}/{}: scan, decode, rebuild of {} entries...\n", r + 1, o.runs,
               Thousands(f.entries));
    {
      Stopwatch w;
      size_t bytes = 0;
      auto it = ledger.log().Scan(0, /*decode=*/false);
      for (; it->Valid(); it->Next()) bytes += it->entry().bytes.size();
      LEDGER_RETURN_IF_ERROR(it->status());
      f.scan_rates.push_back(n / w.Cpu());
      f.scan_wall_rates.push_back(n / w.Wall());
      f.scan_bytes = static_cast<double>(bytes);
    }
    {
      Stopwatch w;
      replay::EventDecoder decoder;
      replay::EventView view;
      auto it = ledger.log().Scan(0, /*decode=*/false);
      for (; it->Valid(); it->Next()) {
        LEDGER_RETURN_IF_ERROR(decoder.DecodeEntryBytes(it->entry().seq, it->entry().bytes, &view));
      }
      LEDGER_RETURN_IF_ERROR(it->status());
      f.decode_rates.push_back(n / w.Cpu());
    }
    LEDGER_ASSIGN_OR_RETURN(auto all, NewProjections(ledger));
    LEDGER_ASSIGN_OR_RETURN(RebuildTiming t, TimeRebuild(*all));
    f.rebuild_rates.push_back(static_cast<double>(t.applied) / t.cpu_seconds);
    f.rebuild_wall_rates.push_back(static_cast<double>(t.applied) / t.wall_seconds);
    f.rebuild_cpu_us.push_back(t.process_cpu_seconds * 1e6 /
                               static_cast<double>(std::max<uint64_t>(1, t.applied)));
    last = std::move(all);
  }
  {
    Stopwatch w;
    LEDGER_ASSIGN_OR_RETURN(size_t bytes, MakeReports(ledger, *last));
    (void)bytes;
    f.report_ms = w.Cpu() * 1e3;
  }
  // Incremental: append one event (not timed), bring the projections up to date (timed): the
  // first half applies the appended event (Replayer::ApplyAppended), the second half reads it
  // back from the log (Replayer::Run).
  for (size_t i = 0; i < held_back.size(); ++i) {
    auto appended = ledger.log().Append(held_back[i]);
    if (!appended.ok()) return appended.status().WithContext("incremental append");
    const bool apply = i < held_back.size() / 2;
    Stopwatch w;
    if (apply) {
      LEDGER_RETURN_IF_ERROR(last->replayer->ApplyAppended(held_back[i], *appended));
    } else {
      LEDGER_ASSIGN_OR_RETURN(replay::RunStats stats, last->replayer->Run());
      if (stats.applied + stats.skipped != 1) {
        return Status::FailedPrecondition("incremental run read " + std::to_string(stats.applied) +
                                          " entries, not 1");
      }
    }
    (apply ? f.incremental_us : f.catch_up_us).push_back(w.Cpu() * 1e6);
    (apply ? f.incremental_wall_us : f.catch_up_wall_us).push_back(w.Wall() * 1e6);
  }
  if (!held_back.empty()) {
    // The incremental state must be the state a rebuild gives.
    LEDGER_ASSIGN_OR_RETURN(auto fresh, NewProjections(ledger));
    LEDGER_RETURN_IF_ERROR(fresh->replayer->Run().status());
    if (fresh->outcomes.Serialize() != last->outcomes.Serialize() ||
        fresh->compliance.Serialize() != last->compliance.Serialize() ||
        fresh->caseload.Serialize() != last->caseload.Serialize()) {
      return Status::Corruption("the incremental state differs from a rebuild");
    }
  }
  f.state_bytes = last->caseload.Serialize().size() + last->outcomes.Serialize().size() +
                  last->compliance.Serialize().size();
  return Status::Ok();
}

}  // namespace

Result<RebuildTiming> TimeRebuildAll(Ledger& ledger) {
  LEDGER_ASSIGN_OR_RETURN(auto all, NewProjections(ledger));
  return TimeRebuild(*all);
}

int RunBenchReplay(const ReplayBenchOptions& o) {
  if (o.memory_child) return RunMemoryChild(o.data);
  std::string data = o.data;
  std::string root;
  std::vector<SignedEvent> held_back;
  if (data.empty()) {
    root = o.dir.empty()
               ? (fs::temp_directory_path() / fmt::format("ledger-bench-replay-{}", ::getpid()))
                     .string()
               : o.dir;
    data = root + "/replay";
    auto built = BuildLedger(data, o.participants, static_cast<size_t>(std::max(0, o.incremental)));
    if (!built.ok()) return Fail(built.status());
    held_back = std::move(built).value();
  }
  Figures f;
  {
    auto ledger = Ledger::Open(data);
    if (!ledger.ok()) return Fail(ledger.status());
    // Measured on the log without the held-back events, before they are appended.
    Status s = Measure(**ledger, o, held_back, f);
    if (!s.ok()) return Fail(s);
  }
  fmt::print(stderr, "peak memory: a child process rebuilds and reports...\n");
  auto rss = ChildPeakMemory(data, root.empty() ? fs::temp_directory_path().string() : root);
  if (!rss.ok()) return Fail(rss.status());
  f.peak_rss = *rss;
  if (!root.empty() && o.dir.empty()) {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  Print(f, o.format);
  return kExitOk;
}

}  // namespace ledger::cli
