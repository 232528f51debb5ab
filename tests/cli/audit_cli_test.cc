// End-to-end tests of the auditor's commands of the `ledger` binary (docs/cli.md,
// docs/auditor-guide.md): checkpoint, verify, prove, entry, verify-proof, consistency,
// audit-export and audit-verify, their output and their exit codes. One ledger with a generated
// cohort is built for the suite; tests only read it (and tamper with their own exports).
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "cli_runner.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kOrigin[] = "audit.example/ledger";

bool IsBase64Hash(const std::string& s) {
  if (s.size() != 44 || s[43] != '=') return false;
  for (size_t i = 0; i < 43; ++i) {
    char c = s[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return false;
  }
  return true;
}

// Runs the binary with `args` in `cwd`; stdin is /dev/null. LEDGER_DATA and LEDGER_KEYS unset.
RunResult RunIn(const fs::path& cwd, const std::vector<std::string>& args) {
  RunFiles files;
  files.stdout_path = cwd / ".stdout";
  files.stderr_path = cwd / ".stderr";
  return RunLedger(cwd, args, files, Subcommand(args));
}

// The suite's ledger: init, a caseworker key, a generated cohort of 10 participants appended
// with the ledger key at hand (so that a checkpoint covers everything).
class AuditCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_temp_ =
        new testing::TempDir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
    root_ = new fs::path(root_temp_->path());
    const fs::path& dir = *root_;
    auto run = [&](const std::vector<std::string>& args) {
      RunResult r = RunIn(dir, args);
      EXPECT_EQ(r.exit_code, kExitOk) << args[0] << ": " << Describe(r);
      return r;
    };
    run({"init", "--data", "data", "--keys", "keys", "--origin", kOrigin});
    RunResult gen = run({"keygen", "--name", "cw", "--out", "cw.key"});
    run({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "cw.key.pub",
         "--role", "caseworker"});
    // The cohort's payments are recorded by a service: they need a key of that role.
    run({"keygen", "--name", "svc", "--out", "svc.key"});
    run({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "svc.key.pub",
         "--role", "service"});
    run({"generate", "--participants", "10", "--seed", "3", "--out", "cohort.jsonl"});
    RunResult app = run({"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--key",
                         "svc.key", "--input", "cohort.jsonl", "--errors-only"});
    EXPECT_NE(app.err.find("refused 0"), std::string::npos) << Describe(app);
    RunResult stats = run({"stats", "--data", "data", "--format", "json"});
    json j = json::parse(stats.out, nullptr, false);
    if (j.is_object()) size_ = j.value("entries", uint64_t{0});
  }
  static void TearDownTestSuite() {
    delete root_;
    root_ = nullptr;
    delete root_temp_;  // removes the directory
    root_temp_ = nullptr;
  }

  void SetUp() override {
    ASSERT_GT(size_, 100u) << "building the suite's ledger failed";
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
  }

  // Runs in the test's own directory with --data pointing at the suite's ledger where needed.
  RunResult Run(const std::vector<std::string>& args) { return RunIn(dir_, args); }
  static std::string Data() { return (*root_ / "data").string(); }
  static std::string LedgerVKeyFile() { return (*root_ / "keys" / "ledger.key.pub").string(); }
  static std::string AdminVKeyFile() { return (*root_ / "keys" / "admin.key.pub").string(); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static testing::TempDir* root_temp_;
  static fs::path* root_;
  static uint64_t size_;
  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};

testing::TempDir* AuditCliTest::root_temp_ = nullptr;
fs::path* AuditCliTest::root_ = nullptr;
uint64_t AuditCliTest::size_ = 0;

TEST_F(AuditCliTest, CheckpointPrintsASignedNoteOfTheWholeLog) {
  RunResult r = Run({"checkpoint", "--data", Data()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_GE(lines.size(), 4u) << Describe(r);
  EXPECT_EQ(lines[0], kOrigin);
  EXPECT_EQ(lines[1], std::to_string(size_));
  EXPECT_TRUE(IsBase64Hash(lines[2])) << lines[2];
  // The signature line: "— <origin> <base64>".
  EXPECT_EQ(lines[3].rfind(std::string("\xE2\x80\x94 ") + kOrigin + " ", 0), 0u) << lines[3];
  // The blank line between text and signatures.
  EXPECT_NE(r.out.find(lines[2] + "\n\n"), std::string::npos) << Describe(r);

  // The stored checkpoint of that exact size is the same note; another size is not found.
  RunResult at = Run({"checkpoint", "--data", Data(), "--size", std::to_string(size_)});
  ASSERT_EQ(at.exit_code, kExitOk) << Describe(at);
  EXPECT_EQ(at.out, r.out);
  RunResult none = Run({"checkpoint", "--data", Data(), "--size", "7"});
  EXPECT_EQ(none.exit_code, kExitNotFound) << Describe(none);

  // Signing again with nothing new appended returns the same checkpoint.
  RunResult sign =
      Run({"checkpoint", "--data", Data(), "--sign", "--keys", (*root_ / "keys").string()});
  ASSERT_EQ(sign.exit_code, kExitOk) << Describe(sign);
  EXPECT_EQ(sign.out, r.out);
}

TEST_F(AuditCliTest, VerifyReportsOkAsJson) {
  RunResult r = Run({"verify", "--data", Data(), "--format", "json"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << Describe(r);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["entries"], size_);
  EXPECT_EQ(j["entries_checked"], size_);
  EXPECT_EQ(j["entries_replayed"], 0);
  EXPECT_EQ(j["keys"], 3);
  EXPECT_GE(j["checkpoints_checked"].get<uint64_t>(), 1u);
  EXPECT_TRUE(IsBase64Hash(j["root"].get<std::string>())) << j;
  EXPECT_FALSE(j.contains("failed_seq"));

  // The root is the checkpoint's.
  RunResult cp = Run({"checkpoint", "--data", Data()});
  ASSERT_EQ(cp.exit_code, kExitOk);
  EXPECT_EQ(SplitLines(cp.out)[2], j["root"].get<std::string>());

  RunResult part =
      Run({"verify", "--data", Data(), "--from", "100", "--to", "500", "--format", "json"});
  ASSERT_EQ(part.exit_code, kExitOk) << Describe(part);
  json p = json::parse(part.out, nullptr, false);
  ASSERT_TRUE(p.is_object()) << Describe(part);
  EXPECT_EQ(p["ok"], true);
  EXPECT_EQ(p["entries_checked"], 400);
  EXPECT_EQ(p["entries_replayed"], 100);
  EXPECT_EQ(p["entries"], 500);

  RunResult table = Run({"verify", "--data", Data()});
  ASSERT_EQ(table.exit_code, kExitOk) << Describe(table);
  EXPECT_NE(table.out.find("OK"), std::string::npos) << Describe(table);

  RunResult bad_format = Run({"verify", "--data", Data(), "--format", "yaml"});
  EXPECT_EQ(bad_format.exit_code, kExitUsage) << Describe(bad_format);
}

TEST_F(AuditCliTest, ProofOfAnEntryVerifiesOfflineWithTheVerifierKey) {
  RunResult prove = Run({"prove", "--data", Data(), "--seq", "3", "-o", "p"});
  ASSERT_EQ(prove.exit_code, kExitOk) << Describe(prove);
  std::string proof = ReadWholeFile(Path("p"));
  EXPECT_EQ(proof.rfind("c2sp.org/tlog-proof@v1\nindex 3\n", 0), 0u) << proof;
  // The checkpoint travels with the proof.
  RunResult cp = Run({"checkpoint", "--data", Data()});
  EXPECT_NE(proof.find("\n\n" + cp.out), std::string::npos) << proof;

  RunResult entry = Run({"entry", "--data", Data(), "--seq", "3", "--format", "raw", "-o", "e"});
  ASSERT_EQ(entry.exit_code, kExitOk) << Describe(entry);
  ASSERT_GT(fs::file_size(Path("e")), 0u);

  RunResult ok = Run({"verify-proof", "p", "--vkey", LedgerVKeyFile(), "--entry", "e"});
  EXPECT_EQ(ok.exit_code, kExitOk) << Describe(ok);
  EXPECT_NE(ok.out.find("entry 3"), std::string::npos) << Describe(ok);
  EXPECT_NE(ok.out.find(kOrigin), std::string::npos) << Describe(ok);

  // The verifier key may be given as text too.
  std::string vkey = ReadWholeFile(LedgerVKeyFile());
  while (!vkey.empty() && vkey.back() == '\n') vkey.pop_back();
  RunResult as_text = Run({"verify-proof", "p", "--vkey", vkey, "--entry", "e"});
  EXPECT_EQ(as_text.exit_code, kExitOk) << Describe(as_text);

  // Another entry's bytes: the proof does not hold.
  RunResult other = Run({"entry", "--data", Data(), "--seq", "4", "--format", "raw", "-o", "e4"});
  ASSERT_EQ(other.exit_code, kExitOk) << Describe(other);
  RunResult wrong = Run({"verify-proof", "p", "--vkey", LedgerVKeyFile(), "--entry", "e4"});
  EXPECT_NE(wrong.exit_code, kExitOk) << Describe(wrong);
  EXPECT_EQ(wrong.exit_code, kExitCorruption) << Describe(wrong);

  // A flipped byte in the entry.
  std::string bytes = ReadWholeFile(Path("e"));
  bytes[bytes.size() / 2] ^= 0x01;
  WriteWholeFile(Path("e_bad"), bytes);
  RunResult flipped = Run({"verify-proof", "p", "--vkey", LedgerVKeyFile(), "--entry", "e_bad"});
  EXPECT_EQ(flipped.exit_code, kExitCorruption) << Describe(flipped);

  // Another key than the ledger's: the checkpoint is not trusted.
  RunResult wrong_key = Run({"verify-proof", "p", "--vkey", AdminVKeyFile(), "--entry", "e"});
  EXPECT_NE(wrong_key.exit_code, kExitOk) << Describe(wrong_key);

  // The entry in the other formats.
  RunResult hex = Run({"entry", "--data", Data(), "--seq", "3", "--format", "hex"});
  ASSERT_EQ(hex.exit_code, kExitOk) << Describe(hex);
  EXPECT_EQ(hex.out.size(), 2 * ReadWholeFile(Path("e")).size() + 1);
  RunResult missing = Run({"verify-proof", "nope", "--vkey", LedgerVKeyFile(), "--entry", "e"});
  EXPECT_EQ(missing.exit_code, kExitNotFound) << Describe(missing);
}

TEST_F(AuditCliTest, ConsistencyPrintsBase64Lines) {
  RunResult r =
      Run({"consistency", "--data", Data(), "--from", "5", "--to", std::to_string(size_)});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_FALSE(lines.empty()) << Describe(r);
  for (const auto& l : lines) EXPECT_TRUE(IsBase64Hash(l)) << l;
  EXPECT_EQ(r.out.back(), '\n');

  RunResult same = Run({"consistency", "--data", Data(), "--from", "9", "--to", "9"});
  ASSERT_EQ(same.exit_code, kExitOk) << Describe(same);
  EXPECT_TRUE(same.out.empty()) << Describe(same);
  RunResult from_zero = Run({"consistency", "--data", Data(), "--from", "0", "--to", "9"});
  ASSERT_EQ(from_zero.exit_code, kExitOk) << Describe(from_zero);
  EXPECT_TRUE(from_zero.out.empty()) << Describe(from_zero);

  RunResult beyond =
      Run({"consistency", "--data", Data(), "--from", "5", "--to", std::to_string(size_ + 1)});
  EXPECT_EQ(beyond.exit_code, kExitRefused) << Describe(beyond);
  RunResult backwards = Run({"consistency", "--data", Data(), "--from", "50", "--to", "5"});
  EXPECT_EQ(backwards.exit_code, kExitRefused) << Describe(backwards);
  RunResult no_to = Run({"consistency", "--data", Data(), "--from", "5"});
  EXPECT_EQ(no_to.exit_code, kExitUsage) << Describe(no_to);
}

TEST_F(AuditCliTest, ExitCodesForBadArguments) {
  // An entry the latest checkpoint does not cover.
  RunResult beyond = Run({"prove", "--data", Data(), "--seq", std::to_string(size_)});
  EXPECT_EQ(beyond.exit_code, kExitPrecondition) << Describe(beyond);
  EXPECT_NE(beyond.err.find("checkpoint --sign"), std::string::npos) << Describe(beyond);
  RunResult no_such_checkpoint = Run({"prove", "--data", Data(), "--seq", "2", "--size", "7"});
  EXPECT_EQ(no_such_checkpoint.exit_code, kExitNotFound) << Describe(no_such_checkpoint);
  RunResult no_seq = Run({"prove", "--data", Data()});
  EXPECT_EQ(no_seq.exit_code, kExitUsage) << Describe(no_seq);
  RunResult not_a_number = Run({"prove", "--data", Data(), "--seq", "three"});
  EXPECT_EQ(not_a_number.exit_code, kExitUsage) << Describe(not_a_number);

  RunResult no_entry = Run({"entry", "--data", Data(), "--seq", std::to_string(size_ + 100)});
  EXPECT_EQ(no_entry.exit_code, kExitNotFound) << Describe(no_entry);
  RunResult bad_format = Run({"entry", "--data", Data(), "--seq", "1", "--format", "pdf"});
  EXPECT_EQ(bad_format.exit_code, kExitUsage) << Describe(bad_format);

  RunResult no_ledger = Run({"verify", "--data", Path("nothing-here")});
  EXPECT_EQ(no_ledger.exit_code, kExitNotFound) << Describe(no_ledger);
  RunResult no_vkey = Run({"audit-verify", Path("x")});
  EXPECT_EQ(no_vkey.exit_code, kExitUsage) << Describe(no_vkey);
  RunResult no_out = Run({"audit-export", "--data", Data()});
  EXPECT_EQ(no_out.exit_code, kExitUsage) << Describe(no_out);
}

TEST_F(AuditCliTest, AuditExportVerifiesAndCorruptionIsNamed) {
  ASSERT_GT(size_, 512u) << "tile/entries/001 must be a full bundle";
  RunResult exp = Run({"audit-export", "--data", Data(), "--out", "x"});
  ASSERT_EQ(exp.exit_code, kExitOk) << Describe(exp);
  EXPECT_NE(exp.out.find("exported"), std::string::npos) << Describe(exp);
  ASSERT_TRUE(fs::is_regular_file(Path("x/checkpoint")));
  ASSERT_TRUE(fs::is_regular_file(Path("x/tile/entries/001")));

  // Exporting into a non-empty directory is refused.
  RunResult again = Run({"audit-export", "--data", Data(), "--out", "x"});
  EXPECT_EQ(again.exit_code, kExitPrecondition) << Describe(again);

  RunResult ok = Run({"audit-verify", "x", "--vkey", LedgerVKeyFile()});
  ASSERT_EQ(ok.exit_code, kExitOk) << Describe(ok);
  RunResult ok_json = Run({"audit-verify", "x", "--vkey", LedgerVKeyFile(), "--format", "json"});
  ASSERT_EQ(ok_json.exit_code, kExitOk) << Describe(ok_json);
  json j = json::parse(ok_json.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << Describe(ok_json);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["entries_checked"], size_);

  // The admin's key is not the ledger's: the checkpoint is not trusted.
  RunResult wrong_key = Run({"audit-verify", "x", "--vkey", AdminVKeyFile()});
  EXPECT_NE(wrong_key.exit_code, kExitOk) << Describe(wrong_key);

  // A flipped byte in the middle of entry 300 (the 45th of bundle 1).
  fs::path bundle = Path("x/tile/entries/001");
  std::string original = ReadWholeFile(bundle);
  size_t offset = 0;
  for (int i = 0; i < 44; ++i) {
    offset += 2 + ((static_cast<unsigned char>(original[offset]) << 8) |
                   static_cast<unsigned char>(original[offset + 1]));
  }
  size_t len = (static_cast<unsigned char>(original[offset]) << 8) |
               static_cast<unsigned char>(original[offset + 1]);
  std::string changed = original;
  changed[offset + 2 + len / 2] ^= 0x01;
  WriteWholeFile(bundle, changed);
  RunResult bad = Run({"audit-verify", "x", "--vkey", LedgerVKeyFile()});
  EXPECT_EQ(bad.exit_code, kExitCorruption) << Describe(bad);
  EXPECT_NE(bad.err.find("at entry 300"), std::string::npos) << Describe(bad);
  RunResult bad_json = Run({"audit-verify", "x", "--vkey", LedgerVKeyFile(), "--format", "json"});
  EXPECT_EQ(bad_json.exit_code, kExitCorruption) << Describe(bad_json);
  json b = json::parse(bad_json.out, nullptr, false);
  ASSERT_TRUE(b.is_object()) << Describe(bad_json);
  EXPECT_EQ(b["ok"], false);
  EXPECT_EQ(b["failed_seq"], 300);
  EXPECT_FALSE(b["failed_check"].get<std::string>().empty());

  // A removed bundle: the first entry it held is named.
  WriteWholeFile(bundle, original);
  fs::remove(bundle);
  RunResult gone = Run({"audit-verify", "x", "--vkey", LedgerVKeyFile(), "--format", "json"});
  EXPECT_EQ(gone.exit_code, kExitCorruption) << Describe(gone);
  json g = json::parse(gone.out, nullptr, false);
  ASSERT_TRUE(g.is_object()) << Describe(gone);
  EXPECT_EQ(g["failed_seq"], 256);
  EXPECT_EQ(g["failed_check"], "bundle");

  // No checkpoint at all: it cannot run.
  WriteWholeFile(bundle, original);
  fs::remove(Path("x/checkpoint"));
  RunResult no_cp = Run({"audit-verify", "x", "--vkey", LedgerVKeyFile()});
  EXPECT_EQ(no_cp.exit_code, kExitNotFound) << Describe(no_cp);
}

TEST_F(AuditCliTest, AuditExportOfAHashTileCorruptionFailsTheTree) {
  ASSERT_GT(size_, 768u) << "tile/0/002 must be a full tile";
  RunResult exp = Run({"audit-export", "--data", Data(), "--out", "x"});
  ASSERT_EQ(exp.exit_code, kExitOk) << Describe(exp);
  fs::path tile = Path("x/tile/0/002");
  std::string bytes = ReadWholeFile(tile);
  ASSERT_EQ(bytes.size(), 256u * 32);
  bytes[7 * 32] ^= 0x01;  // leaf 512 + 7
  WriteWholeFile(tile, bytes);
  RunResult bad = Run({"audit-verify", "x", "--vkey", LedgerVKeyFile(), "--format", "json"});
  EXPECT_EQ(bad.exit_code, kExitCorruption) << Describe(bad);
  json b = json::parse(bad.out, nullptr, false);
  ASSERT_TRUE(b.is_object()) << Describe(bad);
  EXPECT_EQ(b["failed_seq"], 519);
  EXPECT_EQ(b["failed_check"], "tree");
}

}  // namespace
}  // namespace ledger::cli_testing
