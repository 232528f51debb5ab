// The personal-data vault (docs/privacy.md): personal values never reach a file in plain text;
// shredding a subject removes its key and values from every file while proofs and verification
// stay good; only dpo and in-scope caseworker keys read values; a missing or wrong master key is
// a clear error and never a partial read.
#include "vault.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "../file_search.h"
#include "../temp_dir.h"
#include "../test_files.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "storage/kv_store.h"
#include "test_events.h"

namespace ledger {
namespace {

using testing::CaseEvent;
using testing::CaseOpened;
using testing::FilesContaining;
using testing::MakeKey;
using testing::Sign;
namespace fs = std::filesystem;

using testing::TempDir;

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
    ASSERT_TRUE(
        RegisterKey(*ledger, admin_, office_cw_.verifier(), "caseworker", {"office:elsewhere"})
            .ok());
    ASSERT_TRUE(RegisterKey(*ledger, admin_, dpo_.verifier(), "dpo", {}).ok());
    ASSERT_TRUE(RegisterKey(*ledger, admin_, auditor_.verifier(), "auditor", {}).ok());
    auto kari = ledger->log().Append(Sign(Opened("ykari", "Kari Nordmann", "15818912345"), cw_));
    auto ola = ledger->log().Append(Sign(Opened("yola", "Ola Hansen", "03829054321"), cw_));
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
    ASSERT_TRUE(ledger->log().Flush().ok());
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
  auto before = ledger->audit().Head();
  auto dpo = [&](const std::string& type, nlohmann::json data) {
    return ledger->log().Append(
        Sign(CaseEvent("ykari", type, std::move(data), "2008-03-01T10:00:00+01:00", "dpo"), dpo_));
  };
  ASSERT_TRUE(dpo("erasure.requested", {{"request_id", "er-1"}}).ok());
  ASSERT_TRUE(dpo("erasure.decided",
                  {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}})
                  .ok());
  ASSERT_TRUE(dpo("subject.shredded", {{"request_id", "er-1"}}).ok());
  {
    Status purged = ledger->privacy().PurgeErased();
    ASSERT_TRUE(purged.ok()) << purged.ToString();
  }
  EXPECT_EQ(ledger->privacy().ErasurePurge().pending, 0u);

  // Reads show the erasure; the other subject is untouched.
  auto kari = ledger->privacy().ReadPersonal(kari_seq_, dpo_.key_id());
  ASSERT_TRUE(kari.ok()) << kari.status().ToString();
  EXPECT_EQ(kari->state, PersonalValues::State::kErased);
  auto ola = ledger->privacy().ReadPersonal(ola_seq_, dpo_.key_id());
  ASSERT_TRUE(ola.ok()) << ola.status().ToString();
  ASSERT_EQ(ola->state, PersonalValues::State::kPresent);
  bool named = false;
  for (const auto& d : ola->values) named = named || (d.field == "name" && d.value == "Ola Hansen");
  EXPECT_TRUE(named);

  // The proofs of the history before the shredding still hold, and the whole log verifies.
  auto proof = ledger->audit().ConsistencyProof(before.size, ledger->log().Size());
  ASSERT_TRUE(proof.ok());
  auto report = VerifyLedger(*ledger, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->failure.ToString();

  // Nothing more about the subject is accepted.
  auto later =
      ledger->log().Append(Sign(CaseEvent("ykari", "phase.entered", {{"phase", "intake"}}), cw_));
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
  for (auto& e :
       {CaseEvent("yper", "erasure.requested", {{"request_id", "er-2"}},
                  "2008-03-01T10:00:00+01:00", "dpo"),
        CaseEvent("yper", "erasure.decided",
                  {{"request_id", "er-2"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}},
                  "2008-03-01T10:00:00+01:00", "dpo"),
        CaseEvent("yper", "subject.shredded", {{"request_id", "er-2"}}, "2008-03-01T10:00:00+01:00",
                  "dpo")}) {
    batch.push_back(Sign(e, dpo_));
  }
  auto r = ledger->log().AppendAtomic(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto read = ledger->privacy().ReadPersonal((*r)[0].seq, dpo_.key_id());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->state, PersonalValues::State::kErased);
  {
    Status purged = ledger->privacy().PurgeErased();
    ASSERT_TRUE(purged.ok()) << purged.ToString();
  }
  ledger.reset();
  EXPECT_TRUE(FilesContaining(dir_.path(), "Per Olsen").empty());
}

TEST_F(VaultTest, OnlyDpoAndInScopeCaseworkersReadValues) {
  Create();
  auto ledger = OpenLedger();
  const uint64_t kari = kari_seq_;
  EXPECT_TRUE(ledger->privacy().ReadPersonal(kari, cw_.key_id()).ok());
  EXPECT_TRUE(ledger->privacy().ReadPersonal(kari, dpo_.key_id()).ok());
  EXPECT_EQ(ledger->privacy().ReadPersonal(kari, auditor_.key_id()).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger->privacy().ReadPersonal(kari, office_cw_.key_id()).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger->privacy().ReadPersonal(kari, MakeKey("stranger").key_id()).status().code(),
            StatusCode::kPermissionDenied);
  // An event without personal values has none to show.
  auto none = ledger->privacy().ReadPersonal(0, dpo_.key_id());
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
  uint64_t size = ledger->log().Size();
  auto appended = ledger->log().Append(Sign(Opened("ynew", "Nina Berg", "12129012345"), cw_));
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(appended.status().message().find("master key"), std::string::npos);
  EXPECT_EQ(ledger->log().Size(), size);
  auto read = ledger->privacy().ReadPersonal(kari_seq_, dpo_.key_id());
  EXPECT_EQ(read.status().code(), StatusCode::kFailedPrecondition);
  // Events without personal values still go in.
  EXPECT_TRUE(ledger->log()
                  .Append(Sign(CaseEvent("ykari", "phase.entered", {{"phase", "intake"}}), cw_))
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
  auto read = ledger->privacy().ReadPersonal(kari_seq_, dpo_.key_id());
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

// ---- Erasure reaches the files by itself, through a crash, and leaves nothing to test ----

// Waits (bounded) until no file under `dir` holds `needle`.
bool GoneFromFilesWithin(const std::string& dir, const std::string& needle, int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!FilesContaining(dir, needle).empty()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

class ErasureTest : public VaultTest {
 protected:
  // The three dpo events that erase `subject` (request, grant, shredding).
  std::vector<SignedEvent> EraseEvents(const std::string& subject, const std::string& request) {
    std::vector<SignedEvent> out;
    const std::string at = "2008-03-01T10:00:00+01:00";
    out.push_back(
        Sign(CaseEvent(subject, "erasure.requested", {{"request_id", request}}, at, "dpo"), dpo_));
    out.push_back(Sign(
        CaseEvent(subject, "erasure.decided",
                  {{"request_id", request}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}},
                  at, "dpo"),
        dpo_));
    out.push_back(
        Sign(CaseEvent(subject, "subject.shredded", {{"request_id", request}}, at, "dpo"), dpo_));
    return out;
  }
  void Erase(Ledger& ledger, const std::string& subject, const std::string& request) {
    for (const auto& e : EraseEvents(subject, request)) {
      auto r = ledger.log().Append(e);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
};

TEST_F(ErasureTest, AShreddingReachesTheFilesWithoutAnyoneAskingWhileTheLedgerStaysOpen) {
  Create();
  const std::string kari_key = SealedKeyOf("ykari");
  const std::string ola_key = SealedKeyOf("yola");
  auto ledger = OpenLedger();
  ASSERT_TRUE(ledger->log().Flush().ok());
  ASSERT_FALSE(FilesContaining(dir_.path(), kari_key).empty());  // the search finds it before
  Erase(*ledger, "ykari", "er-1");
  // No Compact, no PurgeErased: the ledger's own purge (default delay 1 s) must do it.
  EXPECT_TRUE(GoneFromFilesWithin(dir_.path(), kari_key, 20))
      << "the sealed key is still in a file";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (ledger->privacy().ErasurePurge().pending != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto state = ledger->privacy().ErasurePurge();
  EXPECT_EQ(state.pending, 0u);
  EXPECT_GE(state.passes, 1u);
  EXPECT_TRUE(state.last_error.ok()) << state.last_error.ToString();
  EXPECT_FALSE(FilesContaining(dir_.path(), ola_key).empty());
  // Appends went on meanwhile and the other subject reads as before.
  auto more =
      ledger->log().Append(Sign(CaseEvent("yola", "phase.entered", {{"phase", "intake"}}), cw_));
  EXPECT_TRUE(more.ok()) << more.status().ToString();
  auto ola = ledger->privacy().ReadPersonal(ola_seq_, dpo_.key_id());
  ASSERT_TRUE(ola.ok());
  EXPECT_EQ(ola->state, PersonalValues::State::kPresent);
}

TEST_F(ErasureTest, APurgeACrashInterruptedIsDoneByTheNextOpen) {
  Create();
  const std::string kari_key = SealedKeyOf("ykari");
  // A process appends the erasure and dies before its purge (delayed an hour) can run.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    LedgerOptions o = Options();
    o.erasure_purge_delay_ms = 3600 * 1000;
    auto ledger = Ledger::Open(dir_.path(), o);
    if (!ledger.ok()) ::_exit(2);
    for (const auto& e : EraseEvents("ykari", "er-9")) {
      if (!(*ledger)->log().Append(e).ok()) ::_exit(3);
    }
    ::_exit(0);  // no destructor: the process is gone with the purge not done
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << wstatus;
  {
    LedgerOptions ro = Options();
    ro.read_only = true;
    auto reader = Ledger::Open(dir_.path(), ro);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->privacy().ErasurePurge().pending, 1u);  // the durable to-do
  }
  // Without the purge the deleted key is still in the files: the to-do is what stands between
  // the crash and a broken promise.
  ASSERT_FALSE(FilesContaining(dir_.path(), kari_key).empty());
  auto ledger = OpenLedger();
  EXPECT_TRUE(GoneFromFilesWithin(dir_.path(), kari_key, 20));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (ledger->privacy().ErasurePurge().pending != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(ledger->privacy().ErasurePurge().pending, 0u);
  auto report = VerifyLedger(*ledger, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->failure.ToString();
}

TEST_F(ErasureTest, ABackupTakenWhileAPurgeIsPendingHoldsNoErasedValue) {
  Create();
  const std::string kari_key = SealedKeyOf("ykari");
  const std::string ola_key = SealedKeyOf("yola");
  LedgerOptions o = Options();
  o.erasure_purge_delay_ms = 3600 * 1000;  // the ledger's own purge would come an hour later
  auto ledger = Ledger::Open(dir_.path(), o).value();
  Erase(*ledger, "ykari", "er-b");
  EXPECT_EQ(ledger->privacy().ErasurePurge().pending, 1u);
  const std::string copy = dir_.path() + "-backup";
  fs::remove_all(copy);
  auto head = ledger->audit().Backup(copy);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(ledger->privacy().ErasurePurge().pending, 0u);
  EXPECT_TRUE(FilesContaining(copy, kari_key).empty());
  EXPECT_FALSE(FilesContaining(copy, ola_key).empty());
  fs::remove_all(copy);
}

TEST_F(ErasureTest, ARetrySignedAgainWithNewSaltsIsTheSameEvent) {
  Create();
  auto ledger = OpenLedger();
  nlohmann::json input = Opened("yper", "Per Olsen", "01019012345");
  SignedEvent first = Sign(input, cw_);
  SignedEvent again = Sign(input, cw_);
  ASSERT_NE(first.event, again.event);  // random salts: other digests, other bytes
  auto a = ledger->log().Append(first);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = ledger->log().Append(again);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(b->duplicate);
  EXPECT_EQ(b->seq, a->seq);
  // The same id with another value is another event.
  nlohmann::json other = input;
  other["personal"]["name"] = "Pia Olsen";
  auto c = ledger->log().Append(Sign(other, cw_));
  EXPECT_EQ(c.status().code(), StatusCode::kConflict) << c.status().ToString();
  EXPECT_NE(c.status().message().find(input["id"].get<std::string>()), std::string::npos);
  // Another key re-signing the event with the true values learns nothing: only the author may
  // retry with other salts, so a guess cannot be confirmed by a "duplicate".
  auto guessed = ledger->log().Append(Sign(input, auditor_));
  EXPECT_EQ(guessed.status().code(), StatusCode::kConflict) << guessed.status().ToString();
  auto guessed_by_dpo = ledger->log().Append(Sign(input, dpo_));
  EXPECT_EQ(guessed_by_dpo.status().code(), StatusCode::kConflict);
  // A stored event without personal values (its subject has no key): personal values added
  // under its id are another event, and a plain Conflict.
  nlohmann::json bare = CaseOpened("ybare");
  bare.erase("personal");
  ASSERT_TRUE(ledger->log().Append(Sign(bare, cw_)).ok());
  nlohmann::json dressed = bare;
  dressed["personal"] = {{"name", "Bo Bare"}};
  EXPECT_EQ(ledger->log().Append(Sign(dressed, cw_)).status().code(), StatusCode::kConflict);
  // ...and so is one value fewer, or a change outside `personal`.
  nlohmann::json fewer = input;
  fewer["personal"].erase("birth_date");
  EXPECT_EQ(ledger->log().Append(Sign(fewer, cw_)).status().code(), StatusCode::kConflict);
  nlohmann::json later = input;
  later["occurred_at"] = "2008-01-16T09:30:00+01:00";
  EXPECT_EQ(ledger->log().Append(Sign(later, cw_)).status().code(), StatusCode::kConflict);
  // A retry inside one atomic batch with the original.
  nlohmann::json second = Opened("ypia", "Pia Berg", "02029012345");
  auto both = ledger->log().AppendAtomic({Sign(second, cw_), Sign(second, cw_)});
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_FALSE((*both)[0].duplicate);
  EXPECT_TRUE((*both)[1].duplicate);
  EXPECT_EQ((*both)[1].seq, (*both)[0].seq);
  // After the subject is erased, a late retry still learns its position and appends nothing.
  Erase(*ledger, "yper", "er-3");
  const uint64_t size = ledger->log().Size();
  auto late = ledger->log().Append(Sign(input, cw_));
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_TRUE(late->duplicate);
  EXPECT_EQ(late->seq, a->seq);
  EXPECT_EQ(ledger->log().Size(), size);
  auto report = VerifyLedger(*ledger, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->failure.ToString();
}

// The attacker of the privacy audit: after an erasure they hold every key that survives it
// (every author's signing key, the ledger key, the master key) and every file (the data
// directory, the key files), and a list of likely values. They win if any of it lets them test
// a guess against a digest the log keeps.
struct Guess {
  std::string id;  // the event's id
  std::string field;
  std::string digest;  // raw 32 bytes, from the entry
};

// The salt the ledger used to derive from the author's key (before salts were random): keyed
// BLAKE2b under SHA-256("ledger/keyed-hash/v1" 0x00 || seed).
std::string LegacySalt(const SigningKey& author, const std::string& id, const std::string& field,
                       const std::string& value) {
  std::string mac_key(32, '\0');
  const std::string label("ledger/keyed-hash/v1\0", 21);
  const std::string keyed = label + author.seed();
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(mac_key.data()),
                     reinterpret_cast<const unsigned char*>(keyed.data()), keyed.size());
  const std::string message =
      std::string("ledger/personal-salt/v1") + '\0' + id + '\0' + field + '\0' + value;
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<const unsigned char*>(mac_key.data()), mac_key.size());
  return out.substr(0, 16);
}

// The digests the log keeps for `subject`'s events.
std::vector<Guess> DigestsOf(Ledger& ledger, const std::string& subject) {
  std::vector<Guess> out;
  auto it = ledger.log().Scan(0);
  for (; it->Valid(); it->Next()) {
    auto json = nlohmann::json::parse(EventJsonFromCanonical(it->entry().event).value());
    if (json.value("subject", "") != subject || !json.contains("personal")) continue;
    for (auto& [field, hex] : json["personal"].items()) {
      std::string raw;
      for (size_t i = 0; i + 1 < hex.get<std::string>().size(); i += 2) {
        raw.push_back(
            static_cast<char>(std::stoi(hex.get<std::string>().substr(i, 2), nullptr, 16)));
      }
      out.push_back({json["id"], field, raw});
    }
  }
  return out;
}

// What the attacker recovers: "field=value" for every digest a guess was confirmed against.
std::set<std::string> Attack(Ledger& ledger, const std::vector<Guess>& digests,
                             const std::vector<const SigningKey*>& keys,
                             const std::vector<std::string>& paths,
                             const std::map<std::string, std::vector<std::string>>& candidates,
                             const std::string& reader_key_id) {
  std::set<std::string> found;
  auto test = [&](const Guess& g, const std::string& salt, const std::string& value) {
    if (PersonalDigest(salt, g.field, value) == g.digest) found.insert(g.field + "=" + value);
  };
  for (const auto& g : digests) {
    const auto& values = candidates.at(g.field);
    // 1. Salts derived from any key that survives.
    for (const SigningKey* key : keys) {
      for (const auto& v : values) test(g, LegacySalt(*key, g.id, g.field, v), v);
    }
    // 2. Any 16 bytes of any file as the salt, for the true values (the strongest guess).
    for (const auto& root : paths) {
      std::vector<fs::path> files;
      if (fs::is_directory(root)) {
        for (const auto& e : fs::recursive_directory_iterator(root)) {
          if (e.is_regular_file()) files.push_back(e.path());
        }
      } else {
        files.push_back(root);
      }
      for (const auto& file : files) {
        const std::string bytes = ledger::testing::ReadWholeFile(file);
        for (size_t i = 0; i + 16 <= bytes.size(); ++i) {
          test(g, bytes.substr(i, 16), values.front());
        }
      }
    }
  }
  // 3. The vault, opened with the master key by a dpo.
  auto it = ledger.log().Scan(0);
  for (; it->Valid(); it->Next()) {
    auto read = ledger.privacy().ReadPersonal(it->entry().seq, reader_key_id);
    if (!read.ok() || read->state != PersonalValues::State::kPresent) continue;
    for (const auto& d : read->values) {
      for (const auto& g : digests) test(g, d.salt, d.value);
    }
  }
  return found;
}

TEST_F(ErasureTest, NoKeyFileOrSecretThatSurvivesAnErasureLetsAGuessBeTested) {
  Create();
  auto ledger = OpenLedger();
  const std::string keys_dir = dir_.path() + "-keys";
  fs::remove_all(keys_dir);
  fs::create_directories(keys_dir);
  int n = 0;
  for (const SigningKey* k : {&cw_, &dpo_, &admin_, &ledger_key_, &auditor_, &office_cw_}) {
    ASSERT_TRUE(k->WriteFile(keys_dir + "/" + std::to_string(n++) + ".key").ok());
  }
  ASSERT_TRUE(master_.WriteNewFile(keys_dir + "/master.key").ok());
  // The true values first, then a list of common ones.
  const std::map<std::string, std::vector<std::string>> candidates = {
      {"name", {"Kari Nordmann", "Ola Nordmann", "Kari Hansen", "Anne Olsen", "Ola Hansen"}},
      {"national_id", {"15818912345", "15818912346", "03829054321"}},
      {"birth_date", {"1989-01-15", "1989-01-16", "1990-01-15"}}};
  const std::vector<const SigningKey*> keys = {&cw_,         &dpo_,     &admin_,
                                               &ledger_key_, &auditor_, &office_cw_};
  auto digests = DigestsOf(*ledger, "ykari");
  ASSERT_EQ(digests.size(), 3u);

  // Before the erasure the master key opens the vault: the attack is live.
  auto before = Attack(*ledger, digests, keys, {}, candidates, dpo_.key_id());
  EXPECT_EQ(before, (std::set<std::string>{"name=Kari Nordmann", "national_id=15818912345",
                                           "birth_date=1989-01-15"}));

  // A digest made the old way (salt from the author's key) falls to the key alone, even after
  // an erasure: the attack below would catch a return of that scheme.
  {
    nlohmann::json legacy = Opened("yold", "Kari Hansen", "15818912346");
    const std::string id = legacy["id"];
    std::vector<Disclosure> disclosures;
    nlohmann::json digests_json;
    for (auto& [field, value] : legacy["personal"].items()) {
      Disclosure d{LegacySalt(cw_, id, field, value), field, value};
      std::string hex;
      for (unsigned char c : PersonalDigest(d.salt, d.field, d.value))
        hex += fmt::format("{:02x}", c);
      digests_json[field] = hex;
      disclosures.push_back(std::move(d));
    }
    legacy["personal"] = digests_json;
    SignedEvent e;
    e.event = CanonicalEventFromJson(legacy.dump()).value();
    e.key_id = cw_.key_id();
    e.signature = cw_.Sign(EventSigningMessage(e.event));
    e.disclosures = std::move(disclosures);
    ASSERT_TRUE(ledger->log().Append(e).ok());
    Erase(*ledger, "yold", "er-old");
    {
      Status purged = ledger->privacy().PurgeErased();
      ASSERT_TRUE(purged.ok()) << purged.ToString();
    }
    auto old = Attack(*ledger, DigestsOf(*ledger, "yold"), keys, {}, candidates, dpo_.key_id());
    EXPECT_EQ(old, (std::set<std::string>{"name=Kari Hansen", "national_id=15818912346",
                                          "birth_date=1989-01-15"}));
  }

  Erase(*ledger, "ykari", "er-1");
  {
    Status purged = ledger->privacy().PurgeErased();
    ASSERT_TRUE(purged.ok()) << purged.ToString();
  }
  ledger.reset();
  ledger = OpenLedger();
  auto after = Attack(*ledger, digests, keys, {dir_.path(), keys_dir}, candidates, dpo_.key_id());
  EXPECT_TRUE(after.empty()) << "recovered " << *after.begin();
  // A log mixing events with derived salts (earlier ledgers) and random ones verifies.
  auto report = VerifyLedger(*ledger, {});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok) << report->failure.ToString();
  fs::remove_all(keys_dir);
}

}  // namespace
}  // namespace ledger
