// The storage-free library (ledger_verify) on its own: this binary links ledger_verify and no
// ledger_core, so no RocksDB (tests/CMakeLists.txt checks its link closure for librocksdb). It
// does what a client and an auditor do: sign an event and check the signature, verify an audit
// export the `ledger` binary wrote (and find a changed entry in it), and read every exported
// entry with the ledger's EntryReader.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../cli/cli_runner.h"
#include "../temp_dir.h"
#include "ledger/audit_export.h"
#include "ledger/entry_reader.h"
#include "ledger/event_codec.h"
#include "ledger/signing_key.h"
#include "tlog/tiles.h"

namespace ledger {
namespace {

namespace fs = std::filesystem;
using cli_testing::Describe;
using cli_testing::kExitOk;
using cli_testing::ReadWholeFile;
using cli_testing::RunResult;
using cli_testing::WriteWholeFile;

// A ledger with a few cases, exported for auditors (built once by the `ledger` binary).
class VerifyOnlyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_temp_ =
        new testing::TempDir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
    root_ = new fs::path(root_temp_->path());
    auto run = [&](const std::vector<std::string>& args) {
      cli_testing::RunFiles files;
      files.stdout_path = *root_ / ".stdout";
      files.stderr_path = *root_ / ".stderr";
      RunResult r = cli_testing::RunLedger(*root_, args, files, cli_testing::Subcommand(args));
      EXPECT_EQ(r.exit_code, kExitOk) << args[0] << ": " << Describe(r);
    };
    run({"init", "--data", "data", "--keys", "keys", "--origin", "verify-only.example/ledger"});
    run({"keygen", "--name", "cw", "--out", "cw.key"});
    run({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "cw.key.pub",
         "--role", "caseworker"});
    run({"keygen", "--name", "svc", "--out", "svc.key"});
    run({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "svc.key.pub",
         "--role", "service"});
    run({"generate", "--participants", "3", "--seed", "5", "--out", "cohort.jsonl"});
    run({"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--key", "svc.key",
         "--input", "cohort.jsonl", "--errors-only"});
    run({"audit-export", "--data", "data", "--out", "export"});
  }
  static void TearDownTestSuite() {
    delete root_;
    root_ = nullptr;
    delete root_temp_;  // removes the directory
    root_temp_ = nullptr;
  }

  static std::string VerifierKeyText() {
    std::string vkey = ReadWholeFile(*root_ / "keys" / "ledger.key.pub");
    while (!vkey.empty() && vkey.back() == '\n') vkey.pop_back();
    return vkey;
  }

  // The export's first entry bundle (full or partial).
  static fs::path FirstBundle(const fs::path& export_dir) {
    fs::path full = export_dir / tlog::EntryBundlePath(0, tlog::kTileWidth);
    if (fs::exists(full)) return full;
    for (const auto& e : fs::recursive_directory_iterator(export_dir / "tile" / "entries")) {
      if (e.is_regular_file()) return e.path();
    }
    return {};
  }

  static testing::TempDir* root_temp_;
  static fs::path* root_;
};

testing::TempDir* VerifyOnlyTest::root_temp_ = nullptr;
fs::path* VerifyOnlyTest::root_ = nullptr;

TEST_F(VerifyOnlyTest, AnExportVerifiesWithOnlyTheVerifierKey) {
  auto report = VerifyAuditExport((*root_ / "export").string(), VerifierKeyText(), {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->failed_check << ": " << report->failure.ToString();
  EXPECT_GT(report->size, 10u);
  EXPECT_EQ(report->entries_checked, report->size);
  EXPECT_GT(report->tree_nodes_checked, 0u);
}

TEST_F(VerifyOnlyTest, AChangedEntryIsFoundAndNamed) {
  fs::path copy = *root_ / "changed";
  fs::remove_all(copy);
  fs::copy(*root_ / "export", copy, fs::copy_options::recursive);
  fs::path bundle_path = FirstBundle(copy);
  ASSERT_FALSE(bundle_path.empty());
  auto entries = tlog::DecodeEntryBundle(ReadWholeFile(bundle_path));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_GT(entries->size(), 5u);
  // A byte in the middle of entry 5, the bundle's framing kept intact.
  std::string& entry = (*entries)[5];
  entry[entry.size() / 2] ^= 0x01;
  auto rewritten = tlog::EncodeEntryBundle(*entries);
  ASSERT_TRUE(rewritten.ok());
  WriteWholeFile(bundle_path, *rewritten);

  auto report = VerifyAuditExport(copy.string(), VerifierKeyText(), {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->ok);
  ASSERT_TRUE(report->failed_seq.has_value());
  EXPECT_EQ(*report->failed_seq, 5u) << report->failed_check << ": " << report->failure.ToString();
}

// ledger-audit-verify, the command linked with ledger_verify alone, judges as the library does.
TEST_F(VerifyOnlyTest, TheStandaloneAuditVerifyToolAgrees) {
  auto run = [&](const std::vector<std::string>& args) {
    cli_testing::RunFiles files;
    files.stdout_path = *root_ / ".tool.stdout";
    files.stderr_path = *root_ / ".tool.stderr";
    return cli_testing::RunLedger(*root_, args, files, "ledger-audit-verify",
                                  LEDGER_AUDIT_VERIFY_BINARY);
  };
  RunResult ok = run({"export", "--vkey", VerifierKeyText(), "--format", "json"});
  ASSERT_EQ(ok.exit_code, kExitOk) << Describe(ok);
  auto j = nlohmann::json::parse(ok.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << Describe(ok);
  EXPECT_EQ(j["ok"], true);
  EXPECT_GT(j["entries_checked"].get<uint64_t>(), 10u);

  // The same export with entry 3 changed (its bundle's framing kept).
  fs::path copy = *root_ / "changed_for_tool";
  fs::remove_all(copy);
  fs::copy(*root_ / "export", copy, fs::copy_options::recursive);
  fs::path bundle_path = FirstBundle(copy);
  auto entries = tlog::DecodeEntryBundle(ReadWholeFile(bundle_path));
  ASSERT_TRUE(entries.ok());
  (*entries)[3][(*entries)[3].size() / 2] ^= 0x01;
  WriteWholeFile(bundle_path, tlog::EncodeEntryBundle(*entries).value());
  RunResult bad = run({"changed_for_tool", "--vkey", VerifierKeyText()});
  EXPECT_EQ(bad.exit_code, cli_testing::kExitCorruption) << Describe(bad);
  EXPECT_NE(bad.err.find("at entry 3"), std::string::npos) << Describe(bad);

  RunResult no_key = run({"export"});
  EXPECT_EQ(no_key.exit_code, cli_testing::kExitUsage) << Describe(no_key);
}

TEST_F(VerifyOnlyTest, TheEntryReaderReadsEveryExportedEntry) {
  auto entries = tlog::DecodeEntryBundle(ReadWholeFile(FirstBundle(*root_ / "export")));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EntryReader reader;
  EntryFields f;
  for (uint64_t seq = 0; seq < entries->size(); ++seq) {
    ASSERT_TRUE(reader.Read(seq, (*entries)[seq], &f).ok()) << seq;
    EXPECT_EQ(f.seq, seq);
    auto summary = SummarizeEvent(f.event);
    ASSERT_TRUE(summary.ok()) << seq << ": " << summary.status().ToString();
    EXPECT_FALSE(summary->type.empty());
  }
  // Entry 0 is the first admin's self-signed registration.
  ASSERT_TRUE(reader.Read(0, (*entries)[0], &f).ok());
  EXPECT_EQ(SummarizeEvent(f.event)->type, "key.registered");
}

TEST(VerifyOnlySigningTest, AClientSignsAnEventThatVerifiesUnderItsKey) {
  auto key = SigningKey::Generate("client");
  ASSERT_TRUE(key.ok());
  nlohmann::json event = {
      {"id", "0b9c8a52-6f1e-4d2a-9c3b-5e7f1a2b3c4d"},
      {"stream", "case/sub-1"},
      {"type", "phase.entered"},
      {"occurred_at", "2008-01-16T10:00:00+01:00"},
      {"subject", "sub-1"},
      {"actor", {{"id", "cw-001"}, {"role", "caseworker"}}},
      {"legal_basis", {"NO:sotjl§17"}},
      {"data", {{"phase", "intake"}}},
  };
  auto signed_event = SignEventJson(event.dump(), *key);
  ASSERT_TRUE(signed_event.ok()) << signed_event.status().ToString();
  EXPECT_EQ(signed_event->key_id, key->key_id());
  const std::string message = EventSigningMessage(signed_event->event);
  EXPECT_TRUE(key->verifier().Verify(message, signed_event->signature));
  std::string changed = signed_event->signature;
  changed[0] ^= 0x01;
  EXPECT_FALSE(key->verifier().Verify(message, changed));

  // A wrong value is refused before signing, naming the field.
  event["data"]["phase"] = "nowhere";
  auto refused = SignEventJson(event.dump(), *key);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("data.phase"), std::string::npos)
      << refused.status().message();
}

}  // namespace
}  // namespace ledger
