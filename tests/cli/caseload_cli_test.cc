// `ledger caseload` end to end: the replayed caseload as of a date, as canonical JSON carrying
// its own SHA-256, and the same report twice for the same question.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "cli_runner.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;

class CaseloadCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
    // The demo makes a ledger with a generated cohort, signed by keys of the right roles.
    RunResult demo =
        Run({"demo", "--dir", "d", "--participants", "40", "--seed", "5", "--no-scenarios"});
    ASSERT_EQ(demo.exit_code, kExitOk) << Describe(demo);
  }
  RunResult Run(const std::vector<std::string>& args) {
    RunFiles files;
    files.stdout_path = dir_ / ".stdout";
    files.stderr_path = dir_ / ".stderr";
    return RunLedger(dir_, args, files, Subcommand(args));
  }
  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};

TEST_F(CaseloadCliTest, JsonReportIsCanonicalAndRepeatable) {
  RunResult a = Run({"caseload", "--data", "d/data", "--as-of", "2009-06-30", "--format", "json"});
  ASSERT_EQ(a.exit_code, kExitOk) << Describe(a);
  RunResult b = Run({"caseload", "--data", "d/data", "--as-of", "2009-06-30", "--format", "json"});
  EXPECT_EQ(a.out, b.out);
  auto j = nlohmann::json::parse(a.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << a.out.substr(0, 200);
  ASSERT_TRUE(j.contains("sha256"));
  EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u);
  ASSERT_TRUE(j.contains("report"));
}

TEST_F(CaseloadCliTest, TableAndCsvAndBadArguments) {
  RunResult table = Run({"caseload", "--data", "d/data", "--as-of", "2009-06-30"});
  ASSERT_EQ(table.exit_code, kExitOk) << Describe(table);
  EXPECT_NE(table.out.find("Open cases by office and phase"), std::string::npos);
  RunResult csv = Run({"caseload", "--data", "d/data", "--as-of", "2009-06-30", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, kExitOk) << Describe(csv);
  EXPECT_GT(SplitLines(csv.out).size(), 1u);
  RunResult bad_date = Run({"caseload", "--data", "d/data", "--as-of", "2009-02-30"});
  EXPECT_EQ(bad_date.exit_code, kExitRefused) << Describe(bad_date);
  EXPECT_NE(bad_date.err.find("--as-of"), std::string::npos);
  RunResult bad_zone = Run({"caseload", "--data", "d/data", "--zone", "Mars/Olympus"});
  EXPECT_EQ(bad_zone.exit_code, kExitRefused) << Describe(bad_zone);
}

}  // namespace
}  // namespace ledger::cli_testing
