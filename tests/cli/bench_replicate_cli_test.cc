// `ledger bench replicate` end to end with a small configuration: the nats-server it starts
// itself, the replica phases and the fan-out phase (JetStream consumers against WebSocket
// subscribers), and nothing left running afterwards. nats-server is required: without it the
// test fails naming the package, as the replication tests do.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "../replication/nats_cluster.h"
#include "../running_processes.h"
#include "../temp_dir.h"
#include "cli_runner.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;

using ledger::testing::ProcessesMentioning;

class BenchReplicateCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger::testing::NatsCluster::Available())
        << "nats-server is not installed (apt-get install nats-server)";
    dir_ = temp_.path();
  }

  // A run small enough for a test: 500 events, one run, 2 s at 200 events/s.
  RunResult Replicate(std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "bench",     "replicate", "--dir",  (dir_ / "scratch").string(),
        "--events",  "500",       "--runs", "1",
        "--seconds", "2",         "--rate", "200",
        "--format",  "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunFiles files{"/dev/null", dir_ / "out", dir_ / "err"};
    return RunLedger(dir_, args, files, "bench replicate");
  }

  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};

bool PositiveAndFinite(const nlohmann::json& v) {
  return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0;
}

TEST_F(BenchReplicateCliTest, EveryConsumerAndSubscriberGetsEveryEvent) {
  RunResult r = Replicate({"--consumers", "20"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << Describe(r);
  const nlohmann::json& j = lines[0];
  EXPECT_TRUE(PositiveAndFinite(j["append_events_per_s"])) << j.dump();
  EXPECT_TRUE(PositiveAndFinite(j["lag_p99_ms"])) << j.dump();
  ASSERT_TRUE(j["fanout"].is_object()) << j.dump();
  const nlohmann::json& f = j["fanout"];
  EXPECT_EQ(f.value("receivers", 0), 20) << f.dump();
  EXPECT_EQ(f.value("malformed_messages", -1), 0) << f.dump();
  for (const char* side : {"jetstream", "websocket"}) {
    const nlohmann::json& s = f[side];
    ASSERT_TRUE(s.is_object()) << side << ": " << f.dump();
    EXPECT_EQ(s.value("receivers", 0), 20) << side << ": " << s.dump();
    EXPECT_EQ(s.value("receivers_complete", 0), 20) << side << ": " << s.dump();
    // 200 events/s for 2 s, every one acknowledged.
    EXPECT_EQ(s.value("events", 0), 400) << side << ": " << s.dump();
    // Every consumer samples every 16th of them.
    EXPECT_GE(s.value("lag_samples", 0), 20 * 400 / 16) << side << ": " << s.dump();
    for (const char* lag : {"lag_p50_ms", "lag_p99_ms", "lag_max_ms"}) {
      EXPECT_TRUE(PositiveAndFinite(s[lag])) << side << " " << lag << ": " << s.dump();
    }
    EXPECT_LE(s.value("lag_p50_ms", 0.0), s.value("lag_p99_ms", 0.0)) << side;
    EXPECT_LE(s.value("lag_p99_ms", 0.0), s.value("lag_max_ms", 0.0)) << side;
  }
  // The nats-server it started is gone.
  EXPECT_EQ(ProcessesMentioning((dir_ / "scratch").string()), std::vector<std::string>{});
}

TEST_F(BenchReplicateCliTest, NoConsumersSkipsTheFanOutPhase) {
  RunResult r = Replicate({"--consumers", "0"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << Describe(r);
  EXPECT_FALSE(lines[0].contains("fanout")) << lines[0].dump();
  EXPECT_TRUE(PositiveAndFinite(lines[0]["replica_events_per_s"])) << lines[0].dump();
}

}  // namespace
}  // namespace ledger::cli_testing
