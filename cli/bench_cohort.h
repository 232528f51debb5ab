// What `bench append`, `bench verify`, `bench consent` and `bench compare` share: a synthetic
// cohort generated and signed in memory, a fresh ledger for it, the timed multi-client append
// of it, and the machine's raw Ed25519 verification rate measured on the same events.
#ifndef LEDGER_CLI_BENCH_COHORT_H_
#define LEDGER_CLI_BENCH_COHORT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cohort_loader.h"
#include "ledger/append_stages.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"
#include "thread_cpu.h"

namespace ledger::cli {

using BenchClock = std::chrono::steady_clock;

// Wall seconds since `since`.
double SecondsSince(BenchClock::time_point since);

// This process's resident memory now, in bytes.
uint64_t RssBytes();

// A cohort generated and signed in memory, with each event's client (by stream, so that one
// client owns each stream and its order is kept).
struct PreparedCohort {
  SigningKey ledger_key = SigningKey::Generate("bench.ledger/log").value();
  SigningKey admin = SigningKey::Generate("bench-admin").value();
  KeysByRole keys;
  std::vector<SignedEvent> events;
  std::vector<int> client_of;
  // The events' JSON lines as generated, in the same order as `events`; kept only when asked.
  std::vector<std::string> lines;
};

// Generates `participants` (synth::GenerateCohort) and signs them; `keep_lines` keeps the JSON.
Result<PreparedCohort> PrepareCohort(int participants, int clients, bool keep_lines = false);

// A fresh ledger in `dir` (whatever was there is removed) with the cohort's keys registered;
// `checkpoints` signs checkpoints with the cohort's ledger key.
Result<std::unique_ptr<Ledger>> FreshLedger(const std::string& dir, const PreparedCohort& c,
                                            bool checkpoints, bool case_rules = true);

struct AppendRun {
  double seconds = 0;
  uint64_t events = 0;
  uint64_t refused = 0;
  uint64_t rss_start = 0, rss_mid = 0, rss_end = 0;
  AppendStageTimes stages;  // ledger/append_stages.h, over the run (when they are on)
  ThreadCpu cpu;            // CPU seconds over the run, by kind of thread
};

// Appends `events` from `clients` threads (event i by client client_of[i]), each in calls of
// `batch` events (EventLog::AppendEach), and times the whole.
AppendRun RunAppend(Ledger& ledger, const std::vector<SignedEvent>& events,
                    const std::vector<int>& client_of, int clients, size_t batch);

// Verifies the given signed events' signatures over and over on `threads` threads for about
// `seconds`; returns verifications per second (0 if any fails). The work is exactly the
// signature check the ledger does per event, with nothing else.
double RawVerifyRate(const std::vector<SignedEvent>& sample, const KeysByRole& keys,
                     unsigned threads, double seconds);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_BENCH_COHORT_H_
