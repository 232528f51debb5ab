// The personal-data vault (docs/privacy.md): personal values never reach a file in plain text;
// shredding a subject removes its key and values from every file while proofs and verification
// stay good; only dpo and in-scope caseworker keys read values; a missing or wrong master key is
// a clear error and never a partial read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "storage/kv_store.h"
#include "test_events.h"
#include "vault.h"

namespace ledger {
namespace {

using testing::CaseEvent;
using testing::CaseOpened;
using testing::MakeKey;
using testing::Sign;
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = (fs::temp_directory_path() /
             ("ledger-vault-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The files under `dir` that contain `needle` byte for byte.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) out.push_back(entry.path().string());
  }
  return out;
}

nlohmann::json Opened(const std::string& subject, const std::string& name,
                      const std::string& national_id) {
  auto j = CaseOpened(subject);
  j["personal"] = {{"name", name}, {"national_id", national_id}, {"birth_date", "1989-01-15"}};
  return j;
}

class VaultTest : public ::testing::Test {
 protected:
  LedgerOptions Options() const {
    LedgerOptions o;
    o.master_key = master_;
    return o;
  }

  void Create() {
    auto ledger = CreateLedgerWithAdmin(dir_.path(), ledger_key_, admin_, Options()).value();
    ASSERT_TRUE(RegisterKey(*ledger, admin_, cw_.verifier(), "caseworker", {}).ok());
    ASSERT_TRUE(RegisterKey(*ledger, admin_, office_cw_.verifier(), "caseworker",
                            {"office:elsewhere"}).ok());
    ASSERT_TRUE(RegisterKey(*ledger, admin_, dpo_.verifier(), "dpo", {}).ok());
    ASSERT_TRUE(RegisterKey(*ledger, admin_, auditor_.verifier(), "auditor", {}).ok());
    auto kari = ledger->Append(Sign(Opened("ykari", "Kari Nordmann", "15818912345"), cw_));
    auto ola = ledger->Append(Sign(Opened("yola", "Ola Hansen", "03829054321"), cw_));
    ASSERT_TRUE(kari.ok() && ola.ok());
    kari_seq_ = kari->seq;
    ola_seq_ = ola->seq;
  }

  std::unique_ptr<Ledger> OpenLedger() { return Ledger::Open(dir_.path(), Options()).value(); }

  // The sealed subject key record, read from the files directly.
  std::string SealedKeyOf(const std::string& subject) {
    auto store = internal::OpenRocksDbStore(dir_.path(), false).value();
    return store->Get(internal::Column::kPersonal, internal::SubjectKeyKey(subject)).value();
  }

  TempDir dir_;
  MasterKey master_ = MasterKey::Generate();
  SigningKey ledger_key_ = MakeKey("vault.example/ledger");
  SigningKey admin_ = MakeKey("admin");
  SigningKey cw_ = MakeKey("cw");
  SigningKey office_cw_ = MakeKey("cw-elsewhere");
  SigningKey dpo_ = MakeKey("dpo");
  SigningKey auditor_ = MakeKey("auditor");
  uint64_t kari_seq_ = 0, ola_seq_ = 0;  // the two case.opened events
};

TEST_F(VaultTest, NoPersonalValueReachesAFileInPlainText) {
  Create();
  {
    auto ledger = OpenLedger();
    ASSERT_TRUE(ledger->Flush().ok());
  }
  for (const char* value : {"Kari Nordmann", "15818912345", "Ola Hansen", "03829054321"}) {
    EXPECT_TRUE(FilesContaining(dir_.path(), value).empty()) << value;
  }
}

TEST_F(VaultTest, ShreddingRemovesTheKeyAndValuesFromEveryFileAndProofsStayGood) {
  Create();
  const std::string kari_key = SealedKeyOf("ykari");
  const std::string ola_key = SealedKeyOf("yola");
  auto ledger = OpenLedger();
  auto before = ledger->Head();
  auto dpo = [&](const std::string& type, nlohmann::json data) {
    return ledger->Append(Sign(CaseEvent("ykari", type, std::move(data),
                                         "2008-03-01T10:00:00+01:00", "dpo"),
                               dpo_));
  };
  ASSERT_TRUE(dpo("erasure.requested", {{"request_id", "er-1"}}).ok());
  ASSERT_TRUE(dpo("erasure.decided", {{"request_id", "er-1"}, {"decision", "granted"},
                                      {"ground", "GDPR:17(1)(b)"}}).ok());
  ASSERT_TRUE(dpo("subject.shredded", {{"request_id", "er-1"}}).ok());
  ASSERT_TRUE(ledger->Compact().ok());

  // Reads show the erasure; the other subject is untouched.
  auto kari = ledger->ReadPersonal(kari_seq_, dpo_.key_id());
  ASSERT_TRUE(kari.ok()) << kari.status().ToString();
  EXPECT_EQ(kari->state, PersonalValues::State::kErased);
  auto ola = ledger->ReadPersonal(ola_seq_, dpo_.key_id());
  ASSERT_TRUE(ola.ok()) << ola.status().ToString();
  ASSERT_EQ(ola->state, PersonalValues::State::kPresent);
  bool named = false;
  for (const auto& d : ola->values) named = named || (d.field == "name" && d.value == "Ola Hansen");
  EXPECT_TRUE(named);

  // The proofs of the history before the shredding still hold, and the whole log verifies.
  auto proof = ledger->ConsistencyProof(before.size, ledger->Size());
  ASSERT_TRUE(proof.ok());
  auto report = VerifyLedger(*ledger, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->failure.ToString();

  // Nothing more about the subject is accepted.
  auto later = ledger->Append(Sign(CaseEvent("ykari", "phase.entered", {{"phase", "intake"}}), cw_));
  EXPECT_EQ(later.status().code(), StatusCode::kFailedPrecondition);

  ledger.reset();
  EXPECT_TRUE(FilesContaining(dir_.path(), kari_key).empty());
  EXPECT_TRUE(FilesContaining(dir_.path(), "Kari Nordmann").empty());
  // The search does find what is there: the other subject's sealed key.
  EXPECT_FALSE(FilesContaining(dir_.path(), ola_key).empty());
}

TEST_F(VaultTest, ShreddingInTheSameAtomicBatchAsTheValuesLeavesNothing) {
  Create();
  auto ledger = OpenLedger();
  std::vector<SignedEvent> batch = {
      Sign(Opened("yper", "Per Olsen", "01019012345"), cw_),
  };
  for (auto& e : {CaseEvent("yper", "erasure.requested", {{"request_id", "er-2"}},
                            "2008-03-01T10:00:00+01:00", "dpo"),
                  CaseEvent("yper", "erasure.decided",
                            {{"request_id", "er-2"}, {"decision", "granted"},
                             {"ground", "GDPR:17(1)(b)"}},
                            "2008-03-01T10:00:00+01:00", "dpo"),
                  CaseEvent("yper", "subject.shredded", {{"request_id", "er-2"}},
                            "2008-03-01T10:00:00+01:00", "dpo")}) {
    batch.push_back(Sign(e, dpo_));
  }
  auto r = ledger->AppendAtomic(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto read = ledger->ReadPersonal((*r)[0].seq, dpo_.key_id());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->state, PersonalValues::State::kErased);
  ASSERT_TRUE(ledger->Compact().ok());
  ledger.reset();
  EXPECT_TRUE(FilesContaining(dir_.path(), "Per Olsen").empty());
}

TEST_F(VaultTest, OnlyDpoAndInScopeCaseworkersReadValues) {
  Create();
  auto ledger = OpenLedger();
  const uint64_t kari = kari_seq_;
  EXPECT_TRUE(ledger->ReadPersonal(kari, cw_.key_id()).ok());
  EXPECT_TRUE(ledger->ReadPersonal(kari, dpo_.key_id()).ok());
  EXPECT_EQ(ledger->ReadPersonal(kari, auditor_.key_id()).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger->ReadPersonal(kari, office_cw_.key_id()).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger->ReadPersonal(kari, MakeKey("stranger").key_id()).status().code(),
            StatusCode::kPermissionDenied);
  // An event without personal values has none to show.
  auto none = ledger->ReadPersonal(0, dpo_.key_id());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->state, PersonalValues::State::kNone);
}

TEST_F(VaultTest, AWrongMasterKeyIsRefusedOnOpen) {
  Create();
  LedgerOptions wrong;
  wrong.master_key = MasterKey::Generate();
  auto ledger = Ledger::Open(dir_.path(), wrong);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(ledger.status().message().find("master key"), std::string::npos);
}

TEST_F(VaultTest, WithoutTheMasterKeyNothingPersonalIsStoredOrShown) {
  Create();
  auto ledger = Ledger::Open(dir_.path()).value();
  uint64_t size = ledger->Size();
  auto appended = ledger->Append(Sign(Opened("ynew", "Nina Berg", "12129012345"), cw_));
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(appended.status().message().find("master key"), std::string::npos);
  EXPECT_EQ(ledger->Size(), size);
  auto read = ledger->ReadPersonal(kari_seq_, dpo_.key_id());
  EXPECT_EQ(read.status().code(), StatusCode::kFailedPrecondition);
  // Events without personal values still go in.
  EXPECT_TRUE(ledger->Append(Sign(CaseEvent("ykari", "phase.entered", {{"phase", "intake"}}), cw_))
                  .ok());
}

TEST_F(VaultTest, AnAlteredSealedValueIsCorruptionNotAPartialRead) {
  Create();
  {
    auto store = internal::OpenRocksDbStore(dir_.path(), false).value();
    std::string key = internal::PersonalValueKey("ykari", kari_seq_);
    auto stored = store->Get(internal::Column::kPersonal, key);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    std::string sealed = *stored;
    sealed[sealed.size() - 1] ^= 1;
    internal::KvWriteBatch batch;
    batch.Put(internal::Column::kPersonal, key, sealed);
    ASSERT_TRUE(store->Write(batch, true).ok());
  }
  auto ledger = OpenLedger();
  auto read = ledger->ReadPersonal(kari_seq_, dpo_.key_id());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption);
}

TEST(MasterKeyTest, FileRoundTripAndClearErrors) {
  TempDir dir;
  fs::create_directories(dir.path());
  std::string path = dir.path() + "/master.key";
  MasterKey key = MasterKey::Generate();
  ASSERT_TRUE(key.WriteNewFile(path).ok());
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(key.WriteNewFile(path).ok());  // never overwritten
  auto read = MasterKey::ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->bytes(), key.bytes());
  EXPECT_EQ(MasterKey::ReadFile(dir.path() + "/missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(MasterKey::Parse("ledger-master-key-v1:AAAA").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MasterKey::Parse("something else").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger
