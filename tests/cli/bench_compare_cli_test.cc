// `ledger bench compare` end to end: against the PostgreSQL it starts itself (skipped when
// Debian's `postgresql` is not installed), and with a --pg it cannot reach. Either way nothing
// may be left running or left behind in the scratch directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../running_processes.h"
#include "../temp_dir.h"
#include "cli_runner.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;

bool PostgresInstalled() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "initdb") &&
        fs::exists(entry.path() / "bin" / "pg_ctl")) {
      return true;
    }
  }
  return false;
}

using ledger::testing::ProcessesMentioning;

class BenchCompareCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    // The scratch PostgreSQL runs as the `postgres` user when the test runs as root: it must
    // be able to reach its directory under this one.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::create_directory(dir_ / "scratch");
  }

  RunResult Compare(std::vector<std::string> args) {
    args.insert(args.begin(), {"bench", "compare", "--dir", (dir_ / "scratch").string()});
    RunFiles files{"/dev/null", dir_ / "out", dir_ / "err"};
    return RunLedger(dir_, args, files, "bench compare");
  }

  // Nothing of the run is left: no process mentions the scratch directory and it is empty.
  void ExpectNothingLeft() {
    EXPECT_EQ(ProcessesMentioning((dir_ / "scratch").string()), std::vector<std::string>{});
    EXPECT_TRUE(fs::is_empty(dir_ / "scratch"));
  }

  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};

TEST_F(BenchCompareCliTest, ComparesAgainstAScratchPostgresAndStopsIt) {
  if (!PostgresInstalled()) GTEST_SKIP() << "PostgreSQL is not installed (package postgresql)";
  RunResult r = Compare({"--participants", "50", "--runs", "1", "--format", "json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << Describe(r);
  const nlohmann::json& j = lines[0];
  EXPECT_GT(j.value("events", 0), 1000) << j.dump();
  EXPECT_EQ(j.value("streams", 0), 50) << j.dump();
  EXPECT_EQ(j["postgres"].value("fsync", ""), "on") << j.dump();
  EXPECT_EQ(j["postgres"].value("synchronous_commit", ""), "on") << j.dump();
  EXPECT_TRUE(j["postgres"].value("started_by_benchmark", false)) << j.dump();
  for (const char* side :
       {"ledger_appends", "postgres_appends", "ledger_replay", "postgres_replay"}) {
    const std::string name = side;
    ASSERT_TRUE(j[name + "_per_s_runs"].is_array()) << name << ": " << j.dump();
    EXPECT_EQ(j[name + "_per_s_runs"].size(), 1u) << name;
    EXPECT_GT(j.value(name + "_per_s_median", 0.0), 0.0) << name << ": " << j.dump();
  }
  EXPECT_NEAR(
      j.value("append_ratio", 0.0),
      j.value("ledger_appends_per_s_median", 0.0) / j.value("postgres_appends_per_s_median", 1.0),
      1e-9);
  EXPECT_NEAR(
      j.value("replay_ratio", 0.0),
      j.value("ledger_replay_per_s_median", 0.0) / j.value("postgres_replay_per_s_median", 1.0),
      1e-9);
  EXPECT_EQ(j.value("append_target_ratio", 0.0), 1.0);
  EXPECT_EQ(j.value("replay_target_ratio", 0.0), 4.0);
  // Both sides replayed the same events (the ledger's log also holds its key registrations).
  EXPECT_GE(j.value("ledger_entries_replayed", 0), j.value("events", 0)) << j.dump();
  EXPECT_NE(r.err.find("postgresql: stopping"), std::string::npos) << Describe(r);
  ExpectNothingLeft();
}

TEST_F(BenchCompareCliTest, AnUnreachableServerFailsNamingTheConnection) {
  const std::string socket_dir = (dir_ / "no-such-server").string();
  RunResult r = Compare({"--pg", "host=" + socket_dir + " dbname=bench connect_timeout=5",
                         "--participants", "50", "--runs", "1"});
  EXPECT_NE(r.exit_code, kExitOk) << Describe(r);
  EXPECT_NE(r.err.find("cannot connect to PostgreSQL"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find(socket_dir), std::string::npos) << Describe(r);  // libpq's own words
  // It fails before any work: no cohort was generated.
  EXPECT_EQ(r.err.find("preparing"), std::string::npos) << Describe(r);
  ExpectNothingLeft();
}

// Regression (review): a --dir that already held `postgres` lost it, since the server's
// directory was removed on the way out even when the benchmark had not made it.
TEST_F(BenchCompareCliTest, ADirThatHoldsItsNamesAlreadyIsRefusedAndKept) {
  fs::create_directory(dir_ / "scratch" / "postgres");
  WriteWholeFile(dir_ / "scratch" / "postgres" / "mine.txt", "kept");
  RunResult r = Compare({"--participants", "50", "--runs", "1"});
  EXPECT_EQ(r.exit_code, kExitPrecondition) << Describe(r);
  EXPECT_NE(r.err.find((dir_ / "scratch" / "postgres").string() + " exists already"),
            std::string::npos)
      << Describe(r);
  EXPECT_EQ(ReadWholeFile(dir_ / "scratch" / "postgres" / "mine.txt"), "kept");
  EXPECT_EQ(r.err.find("preparing"), std::string::npos) << Describe(r);
}

// pg_ctl passes the data directory through a shell: a --dir it would take apart is refused,
// naming the character, before anything runs.
TEST_F(BenchCompareCliTest, AScratchPathWithAQuoteIsRefusedNamingIt) {
  if (!PostgresInstalled()) GTEST_SKIP() << "PostgreSQL is not installed (package postgresql)";
  const fs::path quoted = dir_ / "it's";
  fs::create_directory(quoted);
  RunFiles files{"/dev/null", dir_ / "out", dir_ / "err"};
  RunResult r = RunLedger(
      dir_, {"bench", "compare", "--dir", quoted.string(), "--participants", "50", "--runs", "1"},
      files, "bench compare");
  EXPECT_NE(r.exit_code, kExitOk) << Describe(r);
  EXPECT_NE(r.err.find("holds the character '\\''"), std::string::npos) << Describe(r);
  EXPECT_TRUE(fs::is_empty(quoted));
  EXPECT_EQ(ProcessesMentioning(quoted.string()), std::vector<std::string>{});
}

}  // namespace
}  // namespace ledger::cli_testing
