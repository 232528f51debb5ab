// What survives: a SIGKILL in the middle of heavy appending loses no acknowledged event and
// leaves nothing half-written; a flipped byte on disk is Corruption, never data; a failed write
// stops all later appends until the ledger is reopened.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "../temp_dir.h"
#include "ledger/ledger.h"
#include "ledger_on_store.h"
#include "records.h"
#include "storage/kv_store.h"
#include "test_events.h"

namespace ledger {
namespace {

using testing::CaseEvent;
using testing::CaseOpened;
using testing::MakeKey;
using testing::PhaseEntered;
using testing::Sign;

using testing::TempDir;

// One master key for every ledger of this file (the crash child opens the parent's ledger).
LedgerOptions VaultOptions() {
  static const MasterKey* master = new MasterKey(MasterKey::Generate());
  LedgerOptions o;
  o.master_key = *master;
  return o;
}

struct DiskLedger {
  SigningKey ledger_key = MakeKey("crash.example/ledger");
  SigningKey admin = MakeKey("admin");
  SigningKey caseworker = MakeKey("caseworker");

  void Create(const std::string& dir) {
    auto ledger = CreateLedgerWithAdmin(dir, ledger_key, admin, VaultOptions()).value();
    ASSERT_TRUE(RegisterKey(*ledger, admin, caseworker.verifier(), "caseworker", {}).ok());
  }
};

// The child appends from two threads until killed, writing "<seq> <id>\n" to `fd` for every
// acknowledged event.
[[noreturn]] void AppendUntilKilled(const std::string& dir, const SigningKey& key, int round,
                                    int fd) {
  auto ledger = Ledger::Open(dir, VaultOptions());
  if (!ledger.ok()) _exit(3);
  auto worker = [&](int t) {
    for (int n = 0;; ++n) {
      std::string subject =
          "yr" + std::to_string(round) + "t" + std::to_string(t) + "n" + std::to_string(n);
      std::vector<SignedEvent> batch = {Sign(CaseOpened(subject), key)};
      for (int k = 0; k < 7; ++k) batch.push_back(Sign(PhaseEntered(subject, "intake"), key));
      auto results = (*ledger)->log().AppendEach(batch);
      std::string acks;
      for (size_t i = 0; i < results.size(); ++i) {
        if (!results[i].ok()) _exit(4);
        auto summary = SummarizeEvent(batch[i].event).value();
        acks += std::to_string(results[i]->seq) + " " + summary.id + "\n";
      }
      if (::write(fd, acks.data(), acks.size()) != static_cast<ssize_t>(acks.size())) _exit(5);
    }
  };
  std::thread other(worker, 1);
  worker(0);
  other.join();
  _exit(0);
}

TEST(DurabilityTest, KillDuringAppendsLosesNoAcknowledgedEvent) {
  TempDir dir;
  DiskLedger keys;
  keys.Create(dir.path());
  std::mt19937 rng(42);
  std::map<uint64_t, std::string> acknowledged;
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    int pipefd[2];
    ASSERT_EQ(::pipe(pipefd), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(pipefd[0]);
      AppendUntilKilled(dir.path(), keys.caseworker, round, pipefd[1]);
    }
    ::close(pipefd[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 350));
    ::kill(pid, SIGKILL);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);
    std::string acks;
    char buf[65536];
    for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) acks.append(buf, n);
    ::close(pipefd[0]);
    // Only whole lines count as acknowledged; a torn last line was cut by the kill.
    size_t pos = 0;
    for (size_t nl; (nl = acks.find('\n', pos)) != std::string::npos; pos = nl + 1) {
      std::string line = acks.substr(pos, nl - pos);
      size_t sp = line.find(' ');
      acknowledged[std::stoull(line.substr(0, sp))] = line.substr(sp + 1);
    }

    auto ledger = Ledger::Open(dir.path());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    uint64_t size = (*ledger)->log().Size();
    ASSERT_FALSE(acknowledged.empty());
    ASSERT_GT(size, acknowledged.rbegin()->first);
    for (const auto& [seq, id] : acknowledged) {
      auto e = (*ledger)->log().ReadId(id);
      ASSERT_TRUE(e.ok()) << "acknowledged event lost: seq " << seq << " id " << id;
      EXPECT_EQ(e->seq, seq);
    }
    // Gapless, every entry whole, streams consistent.
    uint64_t n = 0;
    auto it = (*ledger)->log().Scan(0);
    for (; it->Valid(); it->Next()) ASSERT_EQ(it->entry().seq, n++);
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    EXPECT_EQ(n, size);
  }
  EXPECT_GT(acknowledged.size(), 200u) << "the child appended too little to test anything";
}

TEST(DurabilityTest, FlippedByteInAStoredEntryIsCorruption) {
  TempDir dir;
  DiskLedger keys;
  keys.Create(dir.path());
  {
    auto ledger = Ledger::Open(dir.path(), VaultOptions()).value();
    ASSERT_TRUE(ledger->log().Append(Sign(CaseOpened("yabc"), keys.caseworker)).ok());
    ASSERT_TRUE(ledger->log().Append(Sign(PhaseEntered("yabc", "intake"), keys.caseworker)).ok());
  }
  const uint64_t target = 2;  // the case.opened
  {
    auto store = internal::OpenRocksDbStore(dir.path(), false).value();
    std::string value =
        store->Get(internal::Column::kEntries, internal::EncodeBE64(target)).value();
    value[value.size() / 2] ^= 0x10;
    internal::KvWriteBatch b;
    b.Put(internal::Column::kEntries, internal::EncodeBE64(target), value);
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  auto ledger = Ledger::Open(dir.path()).value();
  auto r = ledger->log().ReadSeq(target);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("seq 2"), std::string::npos);
  EXPECT_TRUE(ledger->log().ReadSeq(target + 1).ok());
  auto it = ledger->log().Scan(0);
  uint64_t n = 0;
  for (; it->Valid(); it->Next()) ++n;
  EXPECT_EQ(n, target);
  EXPECT_EQ(it->status().code(), StatusCode::kCorruption);
}

TEST(DurabilityTest, MissingLastEntryIsCorruptionOnOpen) {
  TempDir dir;
  DiskLedger keys;
  keys.Create(dir.path());
  {
    auto store = internal::OpenRocksDbStore(dir.path(), false).value();
    internal::KvWriteBatch b;
    b.Delete(internal::Column::kEntries, internal::EncodeBE64(1));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  auto ledger = Ledger::Open(dir.path());
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().code(), StatusCode::kCorruption);
}

// Fails every write after the first `allowed` ones, and the first `purge_failures` purges.
class FailingStore final : public internal::KvStore {
 public:
  FailingStore(std::unique_ptr<internal::KvStore> inner, int allowed, int purge_failures = 0)
      : inner_(std::move(inner)), allowed_(allowed), purge_failures_(purge_failures) {}
  Status PurgeDeleted(internal::Column c) override {
    ++purges_;
    if (purge_failures_-- > 0) return Status::Unavailable("injected: a reader holds old files");
    return inner_->PurgeDeleted(c);
  }
  int purges() const { return purges_; }
  Status Write(const internal::KvWriteBatch& batch, bool sync) override {
    if (allowed_-- <= 0) return Status::IOError("injected: disk full");
    return inner_->Write(batch, sync);
  }
  Result<std::string> Get(internal::Column c, std::string_view key) override {
    return inner_->Get(c, key);
  }
  std::unique_ptr<internal::KvIterator> NewIterator(internal::Column c) override {
    return inner_->NewIterator(c);
  }
  Status FlushAll() override { return inner_->FlushAll(); }
  Status CompactAll() override { return inner_->CompactAll(); }
  Status CompactColumn(internal::Column c) override { return inner_->CompactColumn(c); }
  Result<internal::ColumnWriteCounts> WriteCounts(internal::Column c) override {
    return inner_->WriteCounts(c);
  }
  uint64_t ApproximateDiskBytes() override { return 0; }
  Result<std::unique_ptr<internal::KvStore>> Checkpoint(const std::string& dir) override {
    return inner_->Checkpoint(dir);
  }

 private:
  std::unique_ptr<internal::KvStore> inner_;
  int allowed_;
  std::atomic<int> purge_failures_;
  std::atomic<int> purges_{0};
};

TEST(DurabilityTest, AfterAFailedWriteEveryAppendFailsUntilReopened) {
  DiskLedger keys;
  LedgerIdentity identity{keys.ledger_key.name(), keys.ledger_key.public_key(),
                          keys.admin.key_id()};
  // Writes: identity, vault binding, admin registration, caseworker registration, one case;
  // then failure.
  auto ledger =
      internal::OpenLedgerOnStore(std::make_unique<FailingStore>(internal::NewMemoryStore(), 5),
                                  &identity, VaultOptions())
          .value();
  auto admin_reg =
      SignEventJson(KeyRegisteredJson(keys.admin, keys.admin.verifier(), "admin", {}), keys.admin);
  ASSERT_TRUE(ledger->log().Append(*admin_reg).ok());
  ASSERT_TRUE(RegisterKey(*ledger, keys.admin, keys.caseworker.verifier(), "caseworker", {}).ok());
  ASSERT_TRUE(ledger->log().Append(Sign(CaseOpened("yabc"), keys.caseworker)).ok());
  uint64_t size = ledger->log().Size();
  auto failed = ledger->log().Append(Sign(PhaseEntered("yabc", "intake"), keys.caseworker));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  EXPECT_EQ(ledger->log().Size(), size);
  // The store would accept writes again, but the ledger must not: its state is suspect.
  auto later = ledger->log().Append(Sign(PhaseEntered("yabc", "intake"), keys.caseworker));
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.status().code(), StatusCode::kIOError);
  EXPECT_NE(later.status().message().find("reopen"), std::string::npos);
  EXPECT_TRUE(ledger->log().ReadSeq(size - 1).ok());
}

TEST(DurabilityTest, AnErasurePurgeThatFailsKeepsItsToDoAndIsRetried) {
  DiskLedger keys;
  SigningKey dpo = MakeKey("dpo");
  LedgerIdentity identity{keys.ledger_key.name(), keys.ledger_key.public_key(),
                          keys.admin.key_id()};
  auto store = std::make_unique<FailingStore>(internal::NewMemoryStore(), 1 << 20,
                                              /*purge_failures=*/1);
  FailingStore* raw = store.get();
  LedgerOptions options = VaultOptions();
  options.erasure_purge_delay_ms = 0;
  auto ledger = internal::OpenLedgerOnStore(std::move(store), &identity, options).value();
  ASSERT_TRUE(
      ledger->log()
          .Append(SignEventJson(KeyRegisteredJson(keys.admin, keys.admin.verifier(), "admin", {}),
                                keys.admin)
                      .value())
          .ok());
  ASSERT_TRUE(RegisterKey(*ledger, keys.admin, keys.caseworker.verifier(), "caseworker", {}).ok());
  ASSERT_TRUE(RegisterKey(*ledger, keys.admin, dpo.verifier(), "dpo", {}).ok());
  ASSERT_TRUE(ledger->log().Append(Sign(CaseOpened("ygone"), keys.caseworker)).ok());
  const std::string at = "2008-03-01T10:00:00+01:00";
  for (auto& e :
       {CaseEvent("ygone", "erasure.requested", {{"request_id", "r"}}, at, "dpo"),
        CaseEvent("ygone", "erasure.decided",
                  {{"request_id", "r"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}}, at,
                  "dpo"),
        CaseEvent("ygone", "subject.shredded", {{"request_id", "r"}}, at, "dpo")}) {
    auto r = ledger->log().Append(Sign(e, dpo));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // The first pass fails: the to-do stays and the failure is reported.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ledger->privacy().ErasurePurge().passes < 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto failing = ledger->privacy().ErasurePurge();
  ASSERT_GE(failing.passes, 1u);
  if (failing.passes == 1) {  // the retry comes a second later, so this is nearly always seen
    EXPECT_EQ(failing.pending, 1u);
    EXPECT_EQ(failing.last_error.code(), StatusCode::kUnavailable) << failing.last_error.ToString();
    EXPECT_NE(failing.last_error.message().find("erasure purge"), std::string::npos);
  }
  // The retry (after about a second) succeeds by itself.
  while (ledger->privacy().ErasurePurge().pending != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto done = ledger->privacy().ErasurePurge();
  EXPECT_EQ(done.pending, 0u);
  EXPECT_TRUE(done.last_error.ok()) << done.last_error.ToString();
  EXPECT_EQ(raw->purges(), 2);
}

}  // namespace
}  // namespace ledger
