// `ledger outcomes`, `ledger compliance` and `ledger report --html` end to end on a demo
// ledger: canonical JSON with its SHA-256, the same report twice for the same question, CSV and
// tables, the HTML page the demo and `report` write, and clear errors for bad options.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../temp_dir.h"
#include "cli_runner.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ReportsCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_temp_ =
        new testing::TempDir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
    dir_ = new fs::path(dir_temp_->path());
    ASSERT_FALSE(dir_->empty());
    RunResult demo =
        Run({"demo", "--dir", "d", "--participants", "40", "--seed", "5", "--no-scenarios"});
    ASSERT_EQ(demo.exit_code, kExitOk) << Describe(demo);
    demo_out_ = new std::string(demo.out);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete dir_temp_;  // removes the directory
    delete demo_out_;
  }
  static RunResult Run(const std::vector<std::string>& args) {
    RunFiles files;
    files.stdout_path = *dir_ / ".stdout";
    files.stderr_path = *dir_ / ".stderr";
    return RunLedger(*dir_, args, files, Subcommand(args));
  }
  static json Sealed(const RunResult& r) {
    json j = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.out.substr(0, 200);
    EXPECT_EQ(j.dump() + "\n", r.out);  // canonical, one line
    EXPECT_EQ(j.value("sha256", "").size(), 64u);
    return j;
  }
  static testing::TempDir* dir_temp_;
  static fs::path* dir_;
  static std::string* demo_out_;
};

testing::TempDir* ReportsCliTest::dir_temp_ = nullptr;
fs::path* ReportsCliTest::dir_ = nullptr;
std::string* ReportsCliTest::demo_out_ = nullptr;

TEST_F(ReportsCliTest, TheDemoPrintsOutcomesAndComplianceAndWritesTheHtmlReport) {
  EXPECT_NE(demo_out_->find("Outcomes as of 2010-12-31"), std::string::npos);
  EXPECT_NE(demo_out_->find("Time to exit (O8)"), std::string::npos);
  EXPECT_NE(demo_out_->find("Compliance as of 2010-12-31"), std::string::npos);
  fs::path html = *dir_ / "d" / "report.html";
  ASSERT_TRUE(fs::is_regular_file(html));
  std::string page = ReadWholeFile(html);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

TEST_F(ReportsCliTest, OutcomesJsonIsCanonicalAndRepeatable) {
  std::vector<std::string> args = {"outcomes", "--data", "d/data",   "--as-of", "2010-12-31",
                                   "--by",     "sex",    "--format", "json"};
  RunResult a = Run(args);
  ASSERT_EQ(a.exit_code, kExitOk) << Describe(a);
  RunResult b = Run(args);
  EXPECT_EQ(a.out, b.out);
  json j = Sealed(a);
  const json& rep = j["report"];
  EXPECT_EQ(rep["kind"], "outcomes");
  EXPECT_EQ(rep["cohort"]["size"], 40);
  EXPECT_EQ(rep["options"]["grouping"], "sex");
  EXPECT_EQ(rep["groups"][0]["dimension"], "all");
  EXPECT_GE(rep["groups"].size(), 3u);
  EXPECT_EQ(rep["options"]["horizons"], (json{6, 12, 24}));
}

TEST_F(ReportsCliTest, OutcomesTableCsvAndWindow) {
  RunResult t = Run({"outcomes", "--data", "d/data", "--as-of", "2010-12-31", "--horizons", "3,12",
                     "--cohort-from", "2008-01", "--cohort-to", "2008-06", "--baseline-month",
                     "2008-12", "--stock-month", "2009-12"});
  ASSERT_EQ(t.exit_code, kExitOk) << Describe(t);
  EXPECT_NE(t.out.find("Status 3 months after intake"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("intake 2008-01-01 to 2008-06-30"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("Recipients in 2009-12 against 2008-12 (O13)"), std::string::npos);
  RunResult csv = Run({"outcomes", "--data", "d/data", "--as-of", "2010-12-31", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, kExitOk) << Describe(csv);
  std::vector<std::string> lines = SplitLines(csv.out);
  ASSERT_GT(lines.size(), 10u);
  EXPECT_EQ(lines[0], "group_dimension,group_value,indicator,horizon,key,num,den,value");
}

TEST_F(ReportsCliTest, ComplianceJsonCsvAndTable) {
  RunResult j =
      Run({"compliance", "--data", "d/data", "--as-of", "2010-12-31", "--format", "json"});
  ASSERT_EQ(j.exit_code, kExitOk) << Describe(j);
  json rep = Sealed(j)["report"];
  ASSERT_EQ(rep["checks"].size(), 5u);
  size_t exceptions = 0;
  for (const json& c : rep["checks"]) {
    EXPECT_EQ(c["passed"].get<uint64_t>() + c["exceptions"].size(), c["checked"].get<uint64_t>());
    exceptions += c["exceptions"].size();
  }
  RunResult csv =
      Run({"compliance", "--data", "d/data", "--as-of", "2010-12-31", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, kExitOk) << Describe(csv);
  EXPECT_EQ(SplitLines(csv.out).size(), exceptions + 1);
  RunResult summary = Run({"compliance", "--data", "d/data", "--format", "csv", "--summary"});
  ASSERT_EQ(summary.exit_code, kExitOk) << Describe(summary);
  EXPECT_EQ(SplitLines(summary.out)[0], "measure,num,den,value");
  RunResult table = Run({"compliance", "--data", "d/data", "--as-of", "2010-12-31"});
  ASSERT_EQ(table.exit_code, kExitOk);
  EXPECT_NE(table.out.find("Consent dynamics (C3)"), std::string::npos);
}

TEST_F(ReportsCliTest, ReportWritesOneSelfContainedPage) {
  RunResult r = Run({"report", "--data", "d/data", "--as-of", "2010-06-30", "--html", "r.html",
                     "--by", "age_band"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_NE(r.out.find("wrote r.html"), std::string::npos) << r.out;
  std::string page = ReadWholeFile(*dir_ / "r.html");
  EXPECT_NE(page.find("as of 2010-06-30"), std::string::npos);
  for (const char* forbidden : {"<script", "http:", "https:", "src="}) {
    EXPECT_EQ(page.find(forbidden), std::string::npos) << forbidden;
  }
  RunResult again = Run({"report", "--data", "d/data", "--as-of", "2010-06-30", "--html", "r2.html",
                         "--by", "age_band"});
  ASSERT_EQ(again.exit_code, kExitOk);
  EXPECT_EQ(ReadWholeFile(*dir_ / "r2.html"), page);
}

TEST_F(ReportsCliTest, BadOptionsAreRefusedNamingTheOption) {
  RunResult by = Run({"outcomes", "--data", "d/data", "--by", "gender"});
  EXPECT_EQ(by.exit_code, kExitRefused) << Describe(by);
  EXPECT_NE(by.err.find("--by"), std::string::npos) << by.err;
  EXPECT_NE(by.err.find("gender"), std::string::npos) << by.err;
  RunResult horizons = Run({"outcomes", "--data", "d/data", "--horizons", "6,x"});
  EXPECT_EQ(horizons.exit_code, kExitRefused);
  EXPECT_NE(horizons.err.find("--horizons"), std::string::npos) << horizons.err;
  RunResult order = Run({"outcomes", "--data", "d/data", "--horizons", "12,6"});
  EXPECT_EQ(order.exit_code, kExitRefused);
  RunResult window = Run({"outcomes", "--data", "d/data", "--cohort-from", "2008-13"});
  EXPECT_EQ(window.exit_code, kExitRefused);
  EXPECT_NE(window.err.find("--cohort-from"), std::string::npos) << window.err;
  RunResult date = Run({"compliance", "--data", "d/data", "--as-of", "2009-02-30"});
  EXPECT_EQ(date.exit_code, kExitRefused);
  EXPECT_NE(date.err.find("--as-of"), std::string::npos);
  RunResult zone = Run({"report", "--data", "d/data", "--zone", "Mars/Olympus", "--html", "x"});
  EXPECT_EQ(zone.exit_code, kExitRefused);
  RunResult no_html = Run({"report", "--data", "d/data"});
  EXPECT_EQ(no_html.exit_code, kExitUsage);
}

}  // namespace
}  // namespace ledger::cli_testing
