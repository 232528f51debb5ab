// bench compare: the ledger against a plain PostgreSQL event store (Marten-style schema,
// pg_event_store.h) on the same machine, in the same run, with the same events: durable signed
// appends against PostgreSQL's unsigned ones with synchronous commit, and a rebuild of every
// projection against PostgreSQL reading the events back with a trivial projection
// (docs/cli.md, "bench compare").
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_set>

#include "base/mutex.h"
#include "bench_cohort.h"
#include "bench_common.h"
#include "bench_replay.h"
#include "cli_common.h"
#include "commands.h"
#include "local_postgres.h"
#include "pg_event_store.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;

// Ctrl-C, TERM or HUP during the run: `cleanup` (stop the scratch server, remove the scratch
// directory) and exit 128 + the signal, since a server pg_ctl started is in a session of its
// own and would outlive this process. The signals are blocked in the constructing thread and
// so in every thread started after it, and taken by one watcher thread. REQUIRES: constructed
// before any other thread of the process starts.
class CleanupOnSignal {
 public:
  explicit CleanupOnSignal(std::function<void()> cleanup) : cleanup_(std::move(cleanup)) {
    sigemptyset(&signals_);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals_, s);
    pthread_sigmask(SIG_BLOCK, &signals_, &before_);
    watcher_ = std::thread([this] {
      while (!done_.load()) {
        const timespec tick{0, 200 * 1000 * 1000};
        const int sig = sigtimedwait(&signals_, nullptr, &tick);
        if (sig <= 0) continue;
        fmt::print(stderr, "interrupted (signal {}): stopping PostgreSQL, removing scratch...\n",
                   sig);
        cleanup_();
        std::_Exit(128 + sig);
      }
    });
  }
  ~CleanupOnSignal() {
    done_ = true;
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &before_, nullptr);
  }
  CleanupOnSignal(const CleanupOnSignal&) = delete;
  CleanupOnSignal& operator=(const CleanupOnSignal&) = delete;

 private:
  std::function<void()> cleanup_;
  sigset_t signals_{}, before_{};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

struct Args {
  std::string pg, dir, format = "table";
  int participants = 2000, runs = 3, clients = 4;
  size_t batch = 256;
};

// The cohort as the PostgreSQL side appends it: the same ids, streams, types and JSON bodies.
Result<std::vector<PgEvent>> PgEvents(const PreparedCohort& cohort) {
  std::vector<PgEvent> out;
  out.reserve(cohort.lines.size());
  for (const std::string& line : cohort.lines) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j["id"].is_string() || !j["stream"].is_string() ||
        !j["type"].is_string()) {
      return Status::InvalidArgument("a generated event without id, stream or type: " + line);
    }
    out.push_back({j["id"].get<std::string>(), j["stream"].get<std::string>(),
                   j["type"].get<std::string>(), &line});
  }
  return out;
}

// Appends every event to a fresh schema from `clients` connections, each the only writer of
// the streams the ledger side gives the same client, in transactions of `batch` events.
// Returns the events per second.
Result<double> PgAppendRun(const std::string& conninfo, PgConnection& admin,
                           const std::vector<PgEvent>& events, const std::vector<int>& client_of,
                           int clients, size_t batch) {
  LEDGER_RETURN_IF_ERROR(ResetPgSchema(admin));
  std::vector<std::unique_ptr<PgConnection>> conns;
  std::vector<std::unique_ptr<PgAppender>> appenders;
  for (int c = 0; c < clients; ++c) {
    LEDGER_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(conninfo));
    LEDGER_ASSIGN_OR_RETURN(auto appender, PgAppender::Create(*conn, batch));
    conns.push_back(std::move(conn));
    appenders.push_back(std::move(appender));
  }
  std::vector<std::vector<const PgEvent*>> per_client(clients);
  for (size_t i = 0; i < events.size(); ++i) per_client[client_of[i]].push_back(&events[i]);
  Mutex mu;
  Status first_error;
  const auto start = BenchClock::now();
  std::vector<std::thread> pool;
  for (int c = 0; c < clients; ++c) {
    pool.emplace_back([&, c] {
      const auto& mine = per_client[c];
      std::vector<const PgEvent*> chunk;
      for (size_t i = 0; i < mine.size(); i += batch) {
        chunk.assign(mine.begin() + static_cast<ptrdiff_t>(i),
                     mine.begin() + static_cast<ptrdiff_t>(std::min(mine.size(), i + batch)));
        Status s = appenders[c]->AppendBatch(chunk);
        if (!s.ok()) {
          MutexLock lock(mu);
          if (first_error.ok()) first_error = s;
          return;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = SecondsSince(start);
  LEDGER_RETURN_IF_ERROR(first_error);
  return static_cast<double>(events.size()) / seconds;
}

struct Figures {
  std::vector<double> ledger_append, pg_append, ledger_replay, ledger_replay_cpu, pg_replay,
      pg_read;
  uint64_t events = 0, streams = 0, ledger_entries = 0;
  size_t pg_types = 0;
  std::string pg_version, pg_fsync, pg_synchronous_commit;
  bool local_pg = false;
};

// One run of each side; the side that goes first alternates between runs, so that both see
// the same machine conditions.
Status RunOnce(const Args& a, int r, const std::string& root, const std::string& conninfo,
               PgConnection& admin, const PreparedCohort& cohort,
               const std::vector<PgEvent>& pg_events, Figures& f) {
  auto ledger_side = [&]() -> Status {
    const std::string dir = root + fmt::format("/ledger-run-{}", r);
    fmt::print(stderr, "run {}/{}: ledger: appending {} signed events from {} clients...\n", r + 1,
               a.runs, Thousands(cohort.events.size()), a.clients);
    LEDGER_ASSIGN_OR_RETURN(auto ledger, FreshLedger(dir, cohort, /*checkpoints=*/true));
    AppendRun run = RunAppend(*ledger, cohort.events, cohort.client_of, a.clients, a.batch);
    if (run.refused) {
      return Status::FailedPrecondition(fmt::format("the ledger refused {} events", run.refused));
    }
    f.ledger_append.push_back(static_cast<double>(run.events) / run.seconds);
    // Into table files (untimed), as a ledger that has been running a while is.
    LEDGER_RETURN_IF_ERROR(ledger->log().Flush());
    fmt::print(stderr, "run {}/{}: ledger: rebuilding every projection...\n", r + 1, a.runs);
    LEDGER_ASSIGN_OR_RETURN(RebuildTiming t, TimeRebuildAll(*ledger));
    f.ledger_entries = t.applied;
    f.ledger_replay.push_back(static_cast<double>(t.applied) / t.wall_seconds);
    f.ledger_replay_cpu.push_back(static_cast<double>(t.applied) / t.cpu_seconds);
    ledger.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
    return Status::Ok();
  };
  auto pg_side = [&]() -> Status {
    fmt::print(stderr, "run {}/{}: postgresql: appending {} events from {} connections...\n", r + 1,
               a.runs, Thousands(pg_events.size()), a.clients);
    LEDGER_ASSIGN_OR_RETURN(
        double rate, PgAppendRun(conninfo, admin, pg_events, cohort.client_of, a.clients, a.batch));
    f.pg_append.push_back(rate);
    // Statistics for the planner (untimed), so that reading in seq_id order takes the primary
    // key's index rather than sorting on disk.
    LEDGER_RETURN_IF_ERROR(admin.Exec("ANALYZE ledger_bench.events"));
    fmt::print(stderr, "run {}/{}: postgresql: reading every event back...\n", r + 1, a.runs);
    const auto start = BenchClock::now();
    LEDGER_ASSIGN_OR_RETURN(PgReplay replay, ReplayPgEvents(admin));
    const double seconds = SecondsSince(start);
    if (replay.events != pg_events.size() || replay.per_stream.size() != f.streams) {
      return Status::Corruption(
          fmt::format("PostgreSQL gave back {} events of {} streams, not {} of {}", replay.events,
                      replay.per_stream.size(), pg_events.size(), f.streams));
    }
    f.pg_types = replay.per_type.size();
    f.pg_replay.push_back(static_cast<double>(replay.events) / seconds);
    // The read alone, without parsing: PostgreSQL's own limit for the replay.
    const auto read_start = BenchClock::now();
    LEDGER_ASSIGN_OR_RETURN(PgReplay read, ReplayPgEvents(admin, /*parse=*/false));
    f.pg_read.push_back(static_cast<double>(read.events) / SecondsSince(read_start));
    // PostgreSQL's deferred writes (dirty pages, a checkpoint the WAL volume calls for) done
    // now, untimed, rather than during the ledger's timing; the ledger's background work ends
    // when it is closed. Needs a superuser or pg_checkpoint on a --pg server: without, a note says
    // so.
    Status checkpoint = admin.Exec("CHECKPOINT");
    if (!checkpoint.ok()) {
      fmt::print(stderr, "note: {}; PostgreSQL's deferred writes may fall into the ledger's run\n",
                 checkpoint.ToString());
    }
    return Status::Ok();
  };
  if (r % 2 == 0) {
    LEDGER_RETURN_IF_ERROR(ledger_side());
    return pg_side();
  }
  LEDGER_RETURN_IF_ERROR(pg_side());
  return ledger_side();
}

void Print(const Args& a, const Figures& f) {
  const double ledger_append = Median(f.ledger_append), pg_append = Median(f.pg_append);
  const double ledger_replay = Median(f.ledger_replay), pg_replay = Median(f.pg_replay);
  const double append_ratio = pg_append > 0 ? ledger_append / pg_append : 0;
  const double replay_ratio = pg_replay > 0 ? ledger_replay / pg_replay : 0;
  // Against the read alone: what the ratio would be with a JSON parser that cost nothing.
  const double pg_read = Median(f.pg_read);
  const double read_ratio = pg_read > 0 ? ledger_replay / pg_read : 0;
  if (a.format == "json") {
    nlohmann::ordered_json j;
    j["cores"] = std::max(1u, std::thread::hardware_concurrency());
    j["participants"] = a.participants;
    j["events"] = f.events;
    j["streams"] = f.streams;
    j["clients"] = a.clients;
    j["batch"] = a.batch;
    j["runs"] = a.runs;
    j["postgres"] = {{"server_version", f.pg_version},
                     {"fsync", f.pg_fsync},
                     {"synchronous_commit", f.pg_synchronous_commit},
                     {"started_by_benchmark", f.local_pg}};
    j["ledger_appends_per_s_runs"] = f.ledger_append;
    j["ledger_appends_per_s_median"] = ledger_append;
    j["postgres_appends_per_s_runs"] = f.pg_append;
    j["postgres_appends_per_s_median"] = pg_append;
    j["append_ratio"] = append_ratio;
    j["append_target_ratio"] = 1.0;
    j["ledger_entries_replayed"] = f.ledger_entries;
    j["ledger_replay_per_s_runs"] = f.ledger_replay;
    j["ledger_replay_per_s_median"] = ledger_replay;
    j["ledger_replay_cpu_per_s_median"] = Median(f.ledger_replay_cpu);
    j["postgres_replay_per_s_runs"] = f.pg_replay;
    j["postgres_replay_per_s_median"] = pg_replay;
    j["postgres_read_only_per_s_median"] = pg_read;
    j["postgres_replay_event_types"] = f.pg_types;
    j["replay_ratio"] = replay_ratio;
    j["replay_ratio_to_read_only"] = read_ratio;
    j["replay_target_ratio"] = 4.0;
    fmt::print("{}\n", j.dump());
    return;
  }
  auto n = [](double v) { return Thousands(static_cast<uint64_t>(v)); };
  Table t({"measure", "value"});
  t.AddRow({"events (participants)", fmt::format("{} ({})", Thousands(f.events), a.participants)});
  t.AddRow({"clients x batch", fmt::format("{} x {}", a.clients, a.batch)});
  t.AddRow({"runs", std::to_string(a.runs)});
  t.AddRow({"PostgreSQL", f.pg_version.substr(0, f.pg_version.find(' ')) +
                              (f.local_pg ? " (started here)" : " (--pg)")});
  t.AddRow({"PostgreSQL fsync / synchronous_commit",
            fmt::format("{} / {}", f.pg_fsync, f.pg_synchronous_commit)});
  t.AddRow({"ledger: durable signed appends, each run (/s)", RatesText(f.ledger_append)});
  t.AddRow({"ledger: durable signed appends, median (/s)", n(ledger_append)});
  t.AddRow({"PostgreSQL: unsigned appends, each run (/s)", RatesText(f.pg_append)});
  t.AddRow({"PostgreSQL: unsigned appends, median (/s)", n(pg_append)});
  t.AddRow({"ratio ledger / PostgreSQL (target >= 1.0)", fmt::format("{:.2f}", append_ratio)});
  t.AddRow({"ledger: rebuild of every projection, each run (/s)", RatesText(f.ledger_replay)});
  t.AddRow({"ledger: rebuild of every projection, median (/s)", n(ledger_replay)});
  t.AddRow({"PostgreSQL: read back + trivial projection, each run (/s)", RatesText(f.pg_replay)});
  t.AddRow({"PostgreSQL: read back + trivial projection, median (/s)", n(pg_replay)});
  t.AddRow({"ratio ledger / PostgreSQL (target >= 4.0)", fmt::format("{:.2f}", replay_ratio)});
  t.AddRow({"PostgreSQL: the read alone, no parsing, median (/s)", n(pg_read)});
  t.AddRow({"ratio ledger / the read alone", fmt::format("{:.2f}", read_ratio)});
  fmt::print("{}", t.Render());
}

// Removes what a run puts in the scratch directory `root` (the server's directory, the
// ledgers), or all of `root` when the benchmark made it.
void RemoveScratchOf(const std::string& root, bool own_root) {
  std::error_code ignored;
  if (own_root) {
    fs::remove_all(root, ignored);
    return;
  }
  for (const auto& entry : fs::directory_iterator(root, ignored)) {
    const std::string name = entry.path().filename().string();
    if (name == "postgres" || name.rfind("ledger-run-", 0) == 0) {
      fs::remove_all(entry.path(), ignored);
    }
  }
}

int RunBenchCompare(const Args& a) {
  const bool own_root = a.dir.empty();
  const std::string root =
      own_root ? (fs::temp_directory_path() / fmt::format("ledger-bench-compare-{}", ::getpid()))
                     .string()
               : a.dir;
  std::error_code ec;
  if (!own_root) {
    // What the run makes in a given --dir is removed afterwards: it may not be there already.
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      const std::string name = entry.path().filename().string();
      if (name == "postgres" || name.rfind("ledger-run-", 0) == 0) {
        return Fail(
            Status::FailedPrecondition(entry.path().string() +
                                       " exists already: the benchmark makes and removes that "
                                       "name in --dir, so give a directory without it"));
      }
    }
    ec.clear();
  }
  fs::create_directories(root, ec);
  if (ec) return Fail(Status::IOError("cannot create " + root));
  // Declared before the server, so that the server stops before its directory goes.
  struct RemoveScratch {
    const std::string& root;
    bool own_root;
    ~RemoveScratch() { RemoveScratchOf(root, own_root); }
  } remove_scratch{root, own_root};

  Figures f;
  std::unique_ptr<LocalPostgres> local;
  std::atomic<LocalPostgres*> running{nullptr};
  const bool start_local = a.pg.empty();
  CleanupOnSignal on_signal([&] {
    if (LocalPostgres* pg = running.load()) {
      pg->Stop();
    } else if (start_local) {
      // Interrupted while starting: no object stands for the server yet.
      LocalPostgres::StopServerIn(root + "/postgres");
    }
    RemoveScratchOf(root, own_root);
  });
  // Declared after the watcher, so that the server stops while the signals are still taken by
  // it (its directory goes later, with `local`).
  struct StopServerFirst {
    std::unique_ptr<LocalPostgres>& local;
    ~StopServerFirst() {
      if (local) local->Stop();
    }
  } stop_server_first{local};
  std::string conninfo = a.pg;
  if (conninfo.empty()) {
    auto started = LocalPostgres::Start(root + "/postgres");
    if (!started.ok()) return Fail(started.status());
    local = std::move(started).value();
    running = local.get();
    conninfo = local->conninfo();
    f.local_pg = true;
  }
  auto admin = PgConnection::Connect(conninfo);
  if (!admin.ok()) return Fail(admin.status());
  for (auto [query, out] :
       {std::pair{"SHOW server_version", &f.pg_version}, std::pair{"SHOW fsync", &f.pg_fsync},
        std::pair{"SHOW synchronous_commit", &f.pg_synchronous_commit}}) {
    auto v = (*admin)->QueryValue(query);
    if (!v.ok()) return Fail(v.status());
    *out = *v;
  }
  struct DropSchema {
    PgConnection* conn;
    ~DropSchema() { (void)DropPgSchema(*conn); }
  } drop_schema{admin->get()};

  auto cohort = PrepareCohort(a.participants, a.clients, /*keep_lines=*/true);
  if (!cohort.ok()) return Fail(cohort.status());
  auto pg_events = PgEvents(*cohort);
  if (!pg_events.ok()) return Fail(pg_events.status());
  std::unordered_set<std::string_view> streams;
  for (const PgEvent& e : *pg_events) streams.insert(e.stream);
  f.events = pg_events->size();
  f.streams = streams.size();

  for (int r = 0; r < a.runs; ++r) {
    Status s = RunOnce(a, r, root, conninfo, **admin, *cohort, *pg_events, f);
    if (!s.ok()) return Fail(s);
  }
  Print(a, f);
  return kExitOk;
}

}  // namespace

void RegisterBenchCompareCommand(CLI::App& app, int* exit_code) {
  CLI::App* bench = app.get_subcommand("bench");
  auto a = std::make_shared<Args>();
  auto* cmd = bench->add_subcommand(
      "compare", "The ledger against a plain PostgreSQL event store: appends and replay");
  cmd->add_option("--pg", a->pg,
                  "libpq connection string of the PostgreSQL to compare against; the benchmark "
                  "makes and drops the schema ledger_bench in it (default: start a scratch "
                  "PostgreSQL from /usr/lib/postgresql)");
  cmd->add_option("--dir", a->dir, "Scratch directory (default: a temporary one, removed)");
  cmd->add_option("--participants", a->participants, "Cohort size to generate")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--runs", a->runs, "Repetitions; the medians are reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 50));
  cmd->add_option("--clients", a->clients, "Concurrent appending threads and connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--batch", a->batch, "Events per append call and per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 13107));
  cmd->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([=] { *exit_code = RunBenchCompare(*a); });
}

}  // namespace ledger::cli
