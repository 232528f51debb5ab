// End-to-end tests of the integrity promises through the `ledger` binary (docs/auditor-guide.md,
// docs/operations.md "When verify or opening finds damage"): the exit codes and messages an
// operator and an auditor see when the store is behind its anchor, when an older backup was
// restored and re-appended (caught by a held checkpoint), when an index was changed outside the
// ledger (refused, named, repaired, and a retry is not appended twice), and that reading commands
// work on a read-only copy as a user without write permission and leave every byte as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "cli_runner.h"
#include "ledger/event_codec.h"
#include "storage/kv_store.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

RunResult RunIn(const fs::path& cwd, const std::vector<std::string>& args) {
  RunFiles files;
  files.stdout_path = cwd / ".stdout";
  files.stderr_path = cwd / ".stderr";
  return RunLedger(cwd, args, files, Subcommand(args));
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every file under `dir` (but the test's own output files) with its bytes.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file())
      out[e.path().lexically_relative(dir).string()] = ReadWholeFile(e.path());
  }
  return out;
}

class IntegrityCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
    Ok({"init", "--data", "data", "--keys", "keys", "--origin", "integrity.example/ledger"});
    Ok({"keygen", "--name", "cw", "--out", "cw.key"});
    Ok({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "cw.key.pub",
        "--role", "caseworker"});
    Ok({"keygen", "--name", "svc", "--out", "svc.key"});
    Ok({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "svc.key.pub",
        "--role", "service"});
    Ok({"generate", "--participants", "6", "--seed", "3", "--out", "first.jsonl"});
    Ok({"generate", "--participants", "6", "--seed", "4", "--from", "2009-01", "--out",
        "second.jsonl"});
    Append("first.jsonl");
  }
  RunResult Ok(const std::vector<std::string>& args) {
    RunResult r = RunIn(dir_, args);
    EXPECT_EQ(r.exit_code, kExitOk) << args[0] << ": " << Describe(r);
    return r;
  }
  RunResult Append(const std::string& file) {
    return Ok({"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--key", "svc.key",
               "--input", file, "--errors-only"});
  }
  uint64_t Size(const std::string& data = "data") {
    RunResult r = Ok({"stats", "--data", data, "--format", "json"});
    json j = json::parse(r.out, nullptr, false);
    return j.is_object() ? j.value("entries", uint64_t{0}) : 0;
  }
  json VerifyJson(std::vector<std::string> extra, int expected_exit) {
    std::vector<std::string> args = {"verify",   "--data", "data", "--vkey", "keys/ledger.key.pub",
                                     "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunIn(dir_, args);
    EXPECT_EQ(r.exit_code, expected_exit) << Describe(r);
    json j = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << Describe(r);
    return j;
  }
  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};

TEST_F(IntegrityCliTest, StoreBehindItsAnchorRefusesAppendsAndFailsVerify) {
  Ok({"backup", "--data", "data", "--out", "older"});
  Append("second.jsonl");
  Ok({"checkpoint", "--data", "data", "--sign", "--keys", "keys"});
  // Put the older RocksDB files back under the newer anchor.
  for (const auto& e : fs::directory_iterator(dir_ / "data")) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("LEDGER-") || name == "server") continue;
    fs::remove_all(e.path());
  }
  for (const auto& e : fs::directory_iterator(dir_ / "older")) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("LEDGER-") || name == "server") continue;
    fs::copy(e.path(), dir_ / "data" / name, fs::copy_options::recursive);
  }
  RunResult append = RunIn(dir_, {"append", "--data", "data", "--keys", "keys", "--key", "cw.key",
                                  "--key", "svc.key", "--input", "second.jsonl"});
  EXPECT_EQ(append.exit_code, kExitCorruption) << Describe(append);
  EXPECT_TRUE(Contains(append.err, "LEDGER-CHECKPOINT")) << Describe(append);
  EXPECT_TRUE(Contains(append.err, "acknowledged entries are missing")) << Describe(append);
  EXPECT_TRUE(Contains(append.err, "docs/operations.md")) << Describe(append);

  RunResult stats = RunIn(dir_, {"stats", "--data", "data"});
  EXPECT_EQ(stats.exit_code, kExitOk) << Describe(stats);
  EXPECT_TRUE(Contains(stats.err, "warning")) << Describe(stats);

  json j = VerifyJson({}, kExitCorruption);
  EXPECT_EQ(j.value("ok", true), false);
  EXPECT_EQ(j.value("failed_check", ""), "anchor");
  EXPECT_EQ(j.value("error", ""), "Corruption");
}

TEST_F(IntegrityCliTest, RestoredAndReappendedLogFailsAgainstAHeldCheckpoint) {
  Ok({"backup", "--data", "data", "--out", "older"});
  Append("second.jsonl");
  RunResult cp = Ok({"checkpoint", "--data", "data", "--sign", "--keys", "keys"});
  WriteWholeFile(dir_ / "held.cp", cp.out);
  const uint64_t held_size = Size();
  // The whole older backup put back (its own anchor with it): the checkpoint kept beside the
  // ledger key still knows what was signed, and every writing command refuses.
  fs::remove_all(dir_ / "data");
  fs::copy(dir_ / "older", dir_ / "data", fs::copy_options::recursive);
  Ok({"generate", "--participants", "12", "--seed", "5", "--from", "2009-06", "--out",
      "third.jsonl"});
  RunResult refused = RunIn(dir_, {"append", "--data", "data", "--keys", "keys", "--key", "cw.key",
                                   "--key", "svc.key", "--input", "third.jsonl"});
  EXPECT_EQ(refused.exit_code, kExitCorruption) << Describe(refused);
  EXPECT_TRUE(Contains(refused.err, "ledger.key.checkpoint")) << Describe(refused);
  EXPECT_TRUE(
      Contains(refused.err, "the ledger's key signed a checkpoint of " + std::to_string(held_size)))
      << Describe(refused);
  // An insider with the keys removes that file too, and re-appends with the real keys.
  fs::remove(dir_ / "keys" / "ledger.key.checkpoint");
  Append("third.jsonl");
  Ok({"checkpoint", "--data", "data", "--sign", "--keys", "keys"});
  ASSERT_GT(Size(), held_size);

  json plain = VerifyJson({}, kExitOk);
  EXPECT_EQ(plain.value("ok", false), true);

  json held = VerifyJson({"--checkpoint", "held.cp"}, kExitCorruption);
  EXPECT_EQ(held.value("failed_check", ""), "checkpoint");
  const std::string m = held.value("message", "");
  EXPECT_TRUE(Contains(m, "held checkpoint held.cp of size " + std::to_string(held_size))) << m;
  EXPECT_TRUE(Contains(m, "has root") && Contains(m, "but the entries give")) << m;

  Ok({"audit-export", "--data", "data", "--out", "export"});
  RunResult exported = RunIn(dir_, {"audit-verify", "export", "--vkey", "keys/ledger.key.pub",
                                    "--checkpoint", "held.cp", "--format", "json"});
  EXPECT_EQ(exported.exit_code, kExitCorruption) << Describe(exported);
  json e = json::parse(exported.out, nullptr, false);
  ASSERT_TRUE(e.is_object()) << Describe(exported);
  EXPECT_EQ(e.value("failed_check", ""), "checkpoint");

  // A held checkpoint file that is not a checkpoint at all: named, exit 7.
  WriteWholeFile(dir_ / "junk.cp", "not a checkpoint\n");
  json junk = VerifyJson({"--checkpoint", "junk.cp"}, kExitCorruption);
  EXPECT_EQ(junk.value("failed_check", ""), "held checkpoint");
  EXPECT_TRUE(Contains(junk.value("message", ""), "junk.cp"));
}

TEST_F(IntegrityCliTest, DeletedIndexRecordsAreRefusedNamedAndRepairedAndARetryIsNotDuplicated) {
  const uint64_t size = Size();
  // 20 records of the id index deleted, as `ldb delete` would.
  std::vector<std::string> ids;
  for (const auto& line : SplitLines(ReadWholeFile(dir_ / "first.jsonl"))) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && ids.size() < 20) ids.push_back(j.value("id", ""));
  }
  {
    auto store = internal::OpenRocksDbStore((dir_ / "data").string(), false);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    internal::KvWriteBatch batch;
    for (const auto& id : ids) batch.Delete(internal::Column::kIds, id);
    ASSERT_TRUE((*store)->Write(batch, true).ok());
  }
  RunResult retry = RunIn(dir_, {"append", "--data", "data", "--keys", "keys", "--key", "cw.key",
                                 "--key", "svc.key", "--input", "first.jsonl"});
  EXPECT_EQ(retry.exit_code, kExitCorruption) << Describe(retry);
  EXPECT_TRUE(Contains(retry.err, "ids: ")) << Describe(retry);
  EXPECT_TRUE(Contains(retry.err, "ledger repair")) << Describe(retry);
  EXPECT_EQ(Size(), size);

  json j = VerifyJson({}, kExitCorruption);
  EXPECT_EQ(j.value("failed_check", ""), "ids");
  EXPECT_TRUE(j.contains("failed_seq"));
  EXPECT_TRUE(Contains(j.value("message", ""), ids[0]) || Contains(j.value("message", ""), "ids ["))
      << j.dump();

  RunResult repair = RunIn(
      dir_, {"repair", "--data", "data", "--vkey", "keys/ledger.key.pub", "--format", "json"});
  EXPECT_EQ(repair.exit_code, kExitOk) << Describe(repair);
  json r = json::parse(repair.out, nullptr, false);
  ASSERT_TRUE(r.is_object()) << Describe(repair);
  EXPECT_EQ(r["records_written"].value("ids", uint64_t{0}), size);

  RunResult again = Append("first.jsonl");
  EXPECT_TRUE(Contains(again.err, "appended 0")) << Describe(again);
  EXPECT_EQ(Size(), size);
  json ok = VerifyJson({}, kExitOk);
  EXPECT_EQ(ok.value("derived_columns_checked", false), true);
}

TEST_F(IntegrityCliTest, ReadingCommandsWorkOnAReadOnlyCopyAndWriteNothing) {
  Ok({"checkpoint", "--data", "data", "--sign", "--keys", "keys"});
  fs::copy(dir_ / "data", dir_ / "copy", fs::copy_options::recursive);
  // Writable by no one; readable by others as the ledger made it (RocksDB's files and the
  // anchor files are 0644: nothing is opened up by hand).
  ASSERT_EQ(std::system(("chmod -R a-w " + (dir_ / "copy").string()).c_str()), 0);
  ::chmod(dir_.c_str(), 0755);
  const auto before = Snapshot(dir_ / "copy");
  std::string vkey = ReadWholeFile(dir_ / "keys" / "ledger.key.pub");
  while (!vkey.empty() && vkey.back() == '\n') vkey.pop_back();
  const std::vector<std::vector<std::string>> commands = {
      {"verify", "--data", "copy", "--vkey", vkey},
      {"stats", "--data", "copy"},
      {"keys", "list", "--data", "copy"},
      {"read", "--data", "copy", "--limit", "5"},
      {"prove", "--data", "copy", "--seq", "3"},
      {"caseload", "--data", "copy", "--as-of", "2009-06-30"},
  };
  // Only where the binary is reachable by nobody (a checkout under /root is not).
  const bool can_drop = ::geteuid() == 0 &&
                        std::system(("setpriv --reuid=65534 --regid=65534 --clear-groups test -x " +
                                     std::string(LEDGER_BINARY) + " 2>/dev/null")
                                        .c_str()) == 0;
  if (!can_drop) std::fprintf(stderr, "note: not run as nobody (setpriv or access missing)\n");
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0]);
    // As root (who could write anyway): nothing may change.
    RunResult r = RunIn(dir_, args);
    EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
    if (can_drop) {
      // As a user without write permission, through the shell (setpriv drops to nobody).
      std::string cmd = "cd " + dir_.string() + " && setpriv --reuid=65534 --regid=65534 " +
                        "--clear-groups " + std::string(LEDGER_BINARY);
      for (const auto& a : args) cmd += " '" + a + "'";
      cmd += " >/dev/null 2>" + (dir_ / "nobody.err").string();
      int status = std::system(cmd.c_str());
      EXPECT_EQ(WEXITSTATUS(status), 0) << ReadWholeFile(dir_ / "nobody.err");
    }
  }
  EXPECT_EQ(Snapshot(dir_ / "copy"), before);
}

}  // namespace
}  // namespace ledger::cli_testing
