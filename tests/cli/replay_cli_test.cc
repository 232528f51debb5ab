// `ledger replay DIR check|outcomes` on hostile releases (issue 13, finding 5): the evaluator's
// tool exits with a code (7 for a file that fails a check, 6 for another key's signature) and a
// message naming the file, line and field; it never dies of a signal or an uncaught exception.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../release/signed_release.h"
#include "../temp_dir.h"
#include "cli_runner.h"
#include "ledger/signing_key.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;
using release_testing::NestedLine;
using release_testing::SignedRelease;

inline constexpr int kExitPermission = 6;

class ReplayCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    auto key = SigningKey::Generate("replay.cli.test/ledger");
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<SigningKey>(std::move(*key));
  }

  // `ledger replay <dir_>/r WHAT --vkey <the test key>` on `r`.
  RunResult Replay(SignedRelease& r, const std::string& what = "check") {
    fs::remove_all(dir_ / "r");
    r.Write(dir_ / "r", *key_);
    RunFiles files{"/dev/null", dir_ / "out", dir_ / "err"};
    return RunLedger(dir_,
                     {"replay", (dir_ / "r").string(), what, "--vkey", key_->verifier().ToString()},
                     files, "replay " + what);
  }

  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
  std::unique_ptr<SigningKey> key_;
};

TEST_F(ReplayCliTest, AValidReleaseChecksAndReplays) {
  SignedRelease r = SignedRelease::FromSeed();
  RunResult check = Replay(r);
  ASSERT_EQ(check.exit_code, kExitOk) << Describe(check);
  EXPECT_NE(check.out.find("1 persons, 62 events, every line valid"), std::string::npos)
      << Describe(check);
  RunResult outcomes = Replay(r, "outcomes");
  EXPECT_EQ(outcomes.exit_code, kExitOk) << Describe(outcomes);
}

TEST_F(ReplayCliTest, AManifestWithANumberForFormatExitsSevenWithNoKeyNeeded) {
  SignedRelease r = SignedRelease::FromSeed();
  r.Write(dir_ / "r", *key_);
  r.sign = false;  // the attacker has no key: the signature is the genuine one
  r.manifest["format"] = 5;
  for (const char* what : {"check", "outcomes"}) {
    RunFiles files{"/dev/null", dir_ / "out", dir_ / "err"};
    r.Write(dir_ / "r", *key_);
    RunResult res = RunLedger(
        dir_, {"replay", (dir_ / "r").string(), what, "--vkey", key_->verifier().ToString()}, files,
        "replay");
    EXPECT_EQ(res.exit_code, kExitCorruption) << Describe(res);
    EXPECT_NE(res.err.find("ledger: Corruption: manifest.json: its SHA-256 is not the one the "
                           "signature covers"),
              std::string::npos)
        << Describe(res);
  }
  // Signed, it is refused by the manifest's reader, naming the field.
  r.sign = true;
  RunResult res = Replay(r);
  EXPECT_EQ(res.exit_code, kExitCorruption) << Describe(res);
  EXPECT_NE(res.err.find("manifest.json: format: not a string"), std::string::npos)
      << Describe(res);
}

TEST_F(ReplayCliTest, ADeeplyNestedEventLineExitsSevenNamingLineAndColumn) {
  SignedRelease r = SignedRelease::FromSeed();
  const std::string person = r.events[0].substr(11, 17);
  r.events.insert(r.events.begin() + 6, NestedLine(person, 30'000));
  for (const char* what : {"check", "outcomes"}) {
    RunResult res = Replay(r, what);
    EXPECT_EQ(res.exit_code, kExitCorruption) << Describe(res);
    EXPECT_NE(res.err.find("ledger: Corruption: events.jsonl line 7: column "), std::string::npos)
        << Describe(res);
    EXPECT_NE(res.err.find("nesting deeper than 64 levels"), std::string::npos) << Describe(res);
  }
}

TEST_F(ReplayCliTest, APersonThatIsANumberExitsSevenNamingTheField) {
  SignedRelease r = SignedRelease::FromSeed();
  r.events[3].replace(r.events[3].find("\"person\":\"") + 9, 19, "5");
  ASSERT_EQ(r.events[3].substr(0, 12), "{\"person\":5,") << r.events[3];
  for (const char* what : {"check", "outcomes"}) {
    RunResult res = Replay(r, what);
    EXPECT_EQ(res.exit_code, kExitCorruption) << Describe(res);
    EXPECT_NE(res.err.find("ledger: Corruption: events.jsonl line 4: person: required, a string"),
              std::string::npos)
        << Describe(res);
  }
}

TEST_F(ReplayCliTest, AnUnlistedFileFailsTheCheckNamingIt) {
  SignedRelease r = SignedRelease::FromSeed();
  r.extra_files["extra.csv"] = "person\np1\n";
  RunResult res = Replay(r);
  EXPECT_EQ(res.exit_code, kExitCorruption) << Describe(res);
  EXPECT_NE(res.err.find("ledger: Corruption: extra.csv: in the release directory but not listed "
                         "in manifest.json"),
            std::string::npos)
      << Describe(res);
}

TEST_F(ReplayCliTest, ASignedSmallCellThresholdOfMinusOneExitsSeven) {
  SignedRelease r = SignedRelease::FromSeed();
  r.manifest["privacy"]["small_cell_threshold"] = -1;
  for (const char* what : {"check", "outcomes"}) {
    RunResult res = Replay(r, what);
    EXPECT_EQ(res.exit_code, kExitCorruption) << Describe(res);
    EXPECT_NE(res.err.find("ledger: Corruption: manifest.json: privacy.small_cell_threshold: -1 "
                           "is not what an export accepts (--small-cells: 1 to 1000)"),
              std::string::npos)
        << Describe(res);
  }
}

TEST_F(ReplayCliTest, AnotherKeysSignatureExitsSix) {
  SignedRelease r = SignedRelease::FromSeed();
  auto other = SigningKey::Generate("someone.else/ledger");
  ASSERT_TRUE(other.ok());
  r.Write(dir_ / "r", *other);
  RunFiles files{"/dev/null", dir_ / "out", dir_ / "err"};
  RunResult res = RunLedger(
      dir_, {"replay", (dir_ / "r").string(), "check", "--vkey", key_->verifier().ToString()},
      files, "replay");
  EXPECT_EQ(res.exit_code, kExitPermission) << Describe(res);
  EXPECT_NE(res.err.find("manifest.sig: not signed by the given ledger key"), std::string::npos)
      << Describe(res);
}

TEST_F(ReplayCliTest, ABadPersonsRowExitsSevenNamingLineAndColumn) {
  SignedRelease r = SignedRelease::FromSeed();
  const size_t comma = r.persons.find(",18-24,");
  ASSERT_NE(comma, std::string::npos);
  r.persons.replace(comma + 1, 5, "eighteen");
  RunResult res = Replay(r);
  EXPECT_EQ(res.exit_code, kExitCorruption) << Describe(res);
  EXPECT_NE(res.err.find("ledger: Corruption: persons.csv line 2: age_band: "), std::string::npos)
      << Describe(res);
}

}  // namespace
}  // namespace ledger::cli_testing
