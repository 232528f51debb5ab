// Replay speed on a real ledger directory (not run by default: set LEDGER_REPLAY_BENCH_DATA to
// a ledger's data directory, e.g. one made by `ledger demo --participants 2000`):
//
//   LEDGER_REPLAY_BENCH_DATA=/tmp/demo/data build/tests/replay_bench_test
//
// Prints entries per second on one core (CPU time of the calling thread, so that other load on
// the machine does not count) for the raw scan (without and with the ledger's entry decoding),
// scan + event decoding, the caseload replay, and event decoding + caseload over entries already
// in memory (the projection's own cost, without storage), and the state's size.
#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "replay/caseload.h"
#include "replay/compliance.h"
#include "replay/event_view.h"
#include "replay/outcomes.h"
#include "replay/replayer.h"

namespace ledger::replay {
namespace {

// CPU time of this thread, in seconds.
double ThreadSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timer {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = ThreadSeconds();
  double Wall() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  }
  double Cpu() const { return ThreadSeconds() - cpu; }
};

void Line(const char* what, const Timer& t, double n) {
  double cpu = t.Cpu(), wall = t.Wall();
  std::printf("%-34s cpu %7.3f s %10.0f entries/s   wall %7.3f s %10.0f entries/s\n", what, cpu,
              n / cpu, wall, n / wall);
}

TEST(ReplayBenchTest, ReplayRates) {
  const char* dir = std::getenv("LEDGER_REPLAY_BENCH_DATA");
  if (dir == nullptr) GTEST_SKIP() << "set LEDGER_REPLAY_BENCH_DATA to a ledger directory";
  auto ledger = Ledger::Open(dir);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  Ledger& l = **ledger;
  const double n = static_cast<double>(l.log().Size());
  std::printf("entries: %llu\n", static_cast<unsigned long long>(l.log().Size()));

  for (int round = 0; round < 2; ++round) {
    std::printf("-- round %d\n", round + 1);
    for (bool decode : {false, true}) {
      Timer t;
      size_t bytes = 0;
      auto it = l.log().Scan(0, decode);
      for (; it->Valid(); it->Next()) bytes += it->entry().bytes.size();
      ASSERT_TRUE(it->status().ok());
      Line(decode ? "scan (decode=true)" : "scan (decode=false)", t, n);
      if (!decode) std::printf("  (%.1f MB of entries)\n", static_cast<double>(bytes) / 1e6);
    }
    {
      Timer t;
      EventDecoder decoder;
      EventView v;
      auto it = l.log().Scan(0, false);
      for (; it->Valid(); it->Next()) {
        ASSERT_TRUE(decoder.DecodeEntryBytes(it->entry().seq, it->entry().bytes, &v).ok());
      }
      Line("scan + event decode", t, n);
    }
    CaseloadProjection caseload;
    auto replayer = Replayer::Create(l, {&caseload});
    ASSERT_TRUE(replayer.ok());
    {
      Timer t;
      auto stats = (*replayer)->Run();
      ASSERT_TRUE(stats.ok()) << stats.status().ToString();
      Line("caseload replay (Replayer::Run)", t, n);
    }
    {
      std::vector<std::string> entries;
      entries.reserve(l.log().Size());
      for (auto it = l.log().Scan(0, false); it->Valid(); it->Next()) {
        entries.push_back(it->entry().bytes);
      }
      CaseloadProjection in_memory;
      EventDecoder decoder;
      EventView v;
      Timer t;
      for (uint64_t seq = 0; seq < entries.size(); ++seq) {
        ASSERT_TRUE(decoder.DecodeEntryBytes(seq, entries[seq], &v).ok());
        in_memory.Apply(v);
      }
      Line("decode + caseload, from memory", t, n);
      ASSERT_EQ(in_memory.Serialize(), caseload.Serialize());
      // Each projection's own cost: decoding alone, then decoding and one projection.
      auto time_with = [&](const char* what, Projection* p) {
        EventDecoder d;
        EventView view;
        Timer timer;
        for (uint64_t seq = 0; seq < entries.size(); ++seq) {
          ASSERT_TRUE(d.DecodeEntryBytes(seq, entries[seq], &view).ok());
          if (p != nullptr) p->Apply(view);
        }
        Line(what, timer, n);
      };
      time_with("decode only, from memory", nullptr);
      OutcomesProjection outcomes;
      time_with("decode + outcomes, from memory", &outcomes);
      ComplianceProjection compliance;
      time_with("decode + compliance, from memory", &compliance);
    }
    std::printf("cases: %zu\n", caseload.case_count());
    Timer ser_t;
    std::string state = caseload.Serialize();
    double ser = ser_t.Cpu();
    CaseloadProjection restored;
    Timer res_t;
    ASSERT_TRUE(restored.Restore(state).ok());
    double res = res_t.Cpu();
    std::printf("state %.2f MB, serialize %.1f ms, restore %.1f ms\n",
                static_cast<double>(state.size()) / 1e6, ser * 1e3, res * 1e3);
    Timer rep_t;
    ReportTime at = ReportTime::EndOfDay(CivilDate{2009, 6, 30}, ReportZone::EuropeOslo());
    CaseloadReport report = caseload.Report(at, *(*replayer)->Point());
    std::string json = CaseloadJson(report);
    std::printf("report + JSON %.1f ms (%zu open cases, %.2f MB JSON)\n", rep_t.Cpu() * 1e3,
                report.cases.size(), static_cast<double>(json.size()) / 1e6);
  }
}

}  // namespace
}  // namespace ledger::replay
