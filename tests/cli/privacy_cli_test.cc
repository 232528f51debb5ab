// Erasure through the `ledger` binary reaches the files: `ledger erasure shred` and `ledger
// retention run` return only once the shredded subjects' sealed keys and values are gone from
// every file of the data directory (docs/privacy.md, "What erasure does"), while the other
// subjects' are still found; and `ledger erasure shred` on a subject already shredded only makes
// sure of that.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../file_search.h"
#include "../temp_dir.h"
#include "cli_runner.h"
#include "storage/kv_store.h"
#include "vault.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;
using ledger::testing::FilesContaining;
using nlohmann::json;

class PrivacyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
    Ok({"init", "--data", "data", "--keys", "keys", "--origin", "privacy.example/ledger"});
    for (const auto& [name, role] : std::map<std::string, std::string>{
             {"cw", "caseworker"}, {"svc", "service"}, {"dpo", "dpo"}}) {
      Ok({"keygen", "--name", name, "--out", name + ".key"});
      Ok({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", name + ".key.pub",
          "--role", role});
    }
    Ok({"generate", "--participants", "12", "--seed", "5", "--out", "cohort.jsonl"});
    Ok({"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--key", "svc.key",
        "--input", "cohort.jsonl", "--errors-only"});
  }
  RunResult Run(const std::vector<std::string>& args) {
    RunFiles files;
    files.stdout_path = dir_ / ".stdout";
    files.stderr_path = dir_ / ".stderr";
    return RunLedger(dir_, args, files, Subcommand(args));
  }
  RunResult Ok(const std::vector<std::string>& args) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << args[0] << ": " << Describe(r);
    return r;
  }
  // Every subject with a sealed key, and that key's sealed record (read with no process open).
  std::map<std::string, std::string> SealedKeys() {
    std::map<std::string, std::string> out;
    auto store = internal::OpenRocksDbStore((dir_ / "data").string(), false).value();
    auto it = store->NewIterator(internal::Column::kPersonal);
    for (it->Seek("k/"); it->Valid() && it->key().starts_with("k/"); it->Next()) {
      out[std::string(it->key().substr(2))] = std::string(it->value());
    }
    return out;
  }
  std::vector<std::string> Dpo(std::vector<std::string> args) {
    args.insert(args.end(), {"--data", "data", "--keys", "keys", "--key", "dpo.key"});
    return args;
  }

  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};

TEST_F(PrivacyCliTest, ErasureShredLeavesNothingInTheFilesAndARepeatOnlyChecks) {
  auto keys = SealedKeys();
  ASSERT_GE(keys.size(), 2u);
  const std::string gone = keys.begin()->first, kept = keys.rbegin()->first;
  Ok(Dpo({"erasure", "request", "--subject", gone, "--request", "er-1"}));
  Ok(Dpo({"erasure", "decide", "--subject", gone, "--request", "er-1", "--grant", "--ground",
          "GDPR:17(1)(b)"}));
  RunResult shred = Ok(Dpo({"erasure", "shred", "--subject", gone, "--request", "er-1"}));
  EXPECT_NE(shred.out.find(gone + " shredded"), std::string::npos) << shred.out;
  EXPECT_TRUE(FilesContaining(dir_ / "data", keys[gone]).empty());
  EXPECT_FALSE(FilesContaining(dir_ / "data", keys[kept]).empty());
  // Again, as a dpo would after shredding through the server: no second shredding is appended.
  RunResult again = Ok(Dpo({"erasure", "shred", "--subject", gone, "--request", "er-1"}));
  EXPECT_NE(again.out.find("already shredded"), std::string::npos) << again.out;
  RunResult stats = Ok({"stats", "--data", "data", "--format", "json"});
  EXPECT_EQ(json::parse(stats.out)["events_by_type"].value("subject.shredded", 0), 1) << stats.out;
}

TEST_F(PrivacyCliTest, RetentionRunLeavesNothingInTheFiles) {
  WriteWholeFile(
      dir_ / "policy.json",
      R"({"archive": [], "retention": [{"name": "closed-0m", "months_after_closure": 0}]})");
  Ok({"policy", "set", "--data", "data", "--file", "policy.json", "--key", "keys/admin.key"});
  RunResult plan = Ok(Dpo({"retention", "run", "--dry-run", "--format", "json"}));
  std::vector<std::string> due, keep;
  for (const auto& r : json::parse(plan.out)) {
    (r["due_rule"].get<std::string>().empty() ? keep : due).push_back(r["subject"]);
  }
  ASSERT_FALSE(due.empty()) << plan.out;
  auto keys = SealedKeys();
  Ok(Dpo({"retention", "run"}));
  for (const auto& subject : due) {
    ASSERT_TRUE(keys.count(subject)) << subject;
    EXPECT_TRUE(FilesContaining(dir_ / "data", keys[subject]).empty()) << subject;
  }
  // Open cases keep their sealed keys (the search works).
  size_t still_found = 0;
  for (const auto& [subject, sealed] : keys) {
    if (std::find(due.begin(), due.end(), subject) == due.end()) {
      still_found += FilesContaining(dir_ / "data", sealed).empty() ? 0 : 1;
    }
  }
  EXPECT_GT(still_found, 0u);
}

}  // namespace
}  // namespace ledger::cli_testing
