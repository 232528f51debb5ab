// The ledger's history cannot be lost, forked or quietly damaged: tried as an insider with the
// disk (and, for the fork, the keys) would. A write-ahead log truncated, flipped or deleted after
// a kill; the RocksDB files put back from an older copy under a newer anchor; an older backup
// restored and re-appended, caught by a checkpoint an auditor holds; index records deleted and
// the events retried; a record of each derived column changed or a byte flipped in its file; and
// read-only work that must leave every byte of the directory as it was.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "../temp_dir.h"
#include "entry_codec.h"
#include "ledger/audit_export.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/repair.h"
#include "ledger/verify.h"
#include "ledger_on_store.h"
#include "ledger_state.h"
#include "records.h"
#include "storage/kv_store.h"
#include "test_events.h"
#include "tlog/checkpoint.h"
#include "vault.h"

namespace ledger {
namespace {

namespace fs = std::filesystem;
using internal::Column;
using testing::CaseOpened;
using testing::MakeKey;
using testing::PhaseEntered;
using testing::Sign;

using testing::TempDir;

LedgerOptions Options(const SigningKey* ledger_key = nullptr) {
  static const MasterKey* master = new MasterKey(MasterKey::Generate());
  LedgerOptions o;
  o.master_key = *master;
  if (ledger_key) o.checkpoint_key = *ledger_key;
  return o;
}

LedgerOptions ReadOnly() {
  LedgerOptions o = Options();
  o.read_only = true;
  return o;
}

struct Keys {
  SigningKey ledger_key = MakeKey("integrity.example/ledger");
  SigningKey admin = MakeKey("admin");
  SigningKey caseworker = MakeKey("caseworker");

  // A ledger with an admin and a caseworker, flushed to table files: what follows lives in the
  // write-ahead log until the next flush.
  void Create(const std::string& dir) {
    auto ledger = CreateLedgerWithAdmin(dir, ledger_key, admin, Options(&ledger_key)).value();
    ASSERT_TRUE(RegisterKey(*ledger, admin, caseworker.verifier(), "caseworker", {}).ok());
    ASSERT_TRUE(ledger->audit().SignCheckpoint().ok());
    ASSERT_TRUE(ledger->log().Flush().ok());
  }
};

// Appends `cases` cases of 4 events each (one with personal values); returns their events.
std::vector<SignedEvent> AppendCases(Ledger& ledger, const SigningKey& key, const std::string& tag,
                                     int cases) {
  std::vector<SignedEvent> all;
  for (int i = 0; i < cases; ++i) {
    std::string subject = "y" + tag + std::to_string(i);
    std::vector<SignedEvent> batch = {Sign(CaseOpened(subject), key),
                                      Sign(PhaseEntered(subject, "intake"), key),
                                      Sign(PhaseEntered(subject, "clarification"), key),
                                      Sign(PhaseEntered(subject, "follow_up"), key)};
    auto results = ledger.log().AppendEach(batch);
    for (auto& r : results) EXPECT_TRUE(r.ok()) << r.status().ToString();
    all.insert(all.end(), batch.begin(), batch.end());
  }
  return all;
}

// A child process appends from two threads until it is killed; every acknowledged event is in
// the write-ahead log only (the memtables are far from full). Returns how many were
// acknowledged.
uint64_t KillDuringAppends(const std::string& dir, const SigningKey& caseworker) {
  int pipefd[2];
  EXPECT_EQ(::pipe(pipefd), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    auto ledger = Ledger::Open(dir, Options());
    if (!ledger.ok()) _exit(3);
    auto worker = [&](int t) {
      for (int n = 0;; ++n) {
        std::string subject = "yk" + std::to_string(t) + "n" + std::to_string(n);
        std::vector<SignedEvent> batch = {Sign(CaseOpened(subject), caseworker)};
        for (int k = 0; k < 7; ++k)
          batch.push_back(Sign(PhaseEntered(subject, "intake"), caseworker));
        for (auto& r : (*ledger)->log().AppendEach(batch)) {
          if (!r.ok()) _exit(4);
        }
        char one = 'a';
        for (size_t i = 0; i < batch.size(); ++i) {
          if (::write(pipefd[1], &one, 1) != 1) _exit(5);
        }
      }
    };
    std::thread other(worker, 1);
    worker(0);
    _exit(0);
  }
  ::close(pipefd[1]);
  // Long enough for a few thousand acknowledged events.
  uint64_t acknowledged = 0;
  char buf[4096];
  while (acknowledged < 3000) {
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n <= 0) break;
    acknowledged += static_cast<uint64_t>(n);
  }
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFSIGNALED(wstatus));
  for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) acknowledged += n;
  ::close(pipefd[0]);
  return acknowledged;
}

// The newest write-ahead log of `dir` (RocksDB names them NNNNNN.log).
fs::path NewestWal(const std::string& dir) {
  fs::path newest;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".log" && (newest.empty() || e.path() > newest)) newest = e.path();
  }
  return newest;
}

// A verification of the directory opened read-only: the report, or the open's failure.
struct Audit {
  Status open;
  VerifyReport report;
};
Audit VerifyReadOnly(const std::string& dir, std::vector<HeldCheckpoint> held = {}) {
  Audit a;
  auto ledger = Ledger::Open(dir, ReadOnly());
  if (!ledger.ok()) {
    a.open = ledger.status();
    return a;
  }
  VerifyOptions options;
  options.held_checkpoints = std::move(held);
  auto report = VerifyLedger(**ledger, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  if (report.ok()) a.report = *report;
  return a;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The seq of the case.opened of case `i` of AppendCases (entries 0-1 register the keys).
uint64_t CaseOpenedSeq(int i) { return 2 + 4 * static_cast<uint64_t>(i); }

// ---- 1. A damaged write-ahead log after a kill ----

class WalDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_.Create(dir_.path());
    acknowledged_ = KillDuringAppends(dir_.path(), keys_.caseworker);
    ASSERT_GE(acknowledged_, 3000u);
    wal_ = NewestWal(dir_.path());
    ASSERT_FALSE(wal_.empty());
    ASSERT_GT(fs::file_size(wal_), 100000u) << "the acknowledged events should be in the WAL";
  }
  // The damaged store is refused for appends (so nothing can be appended and no checkpoint
  // signed on top of the loss), and verification fails: exit 7 from the CLI.
  void ExpectRefusedAndDetected(const std::string& expected_text) {
    auto writable = Ledger::Open(dir_.path(), Options(&keys_.ledger_key));
    ASSERT_FALSE(writable.ok()) << "a store that lost acknowledged entries opened for appends";
    EXPECT_EQ(writable.status().code(), StatusCode::kCorruption) << writable.status().ToString();
    EXPECT_TRUE(Contains(writable.status().message(), expected_text))
        << writable.status().ToString();
    Audit audit = VerifyReadOnly(dir_.path());
    if (audit.open.ok()) {
      EXPECT_FALSE(audit.report.ok);
      EXPECT_EQ(audit.report.failed_check, "anchor");
      EXPECT_EQ(audit.report.failure.code(), StatusCode::kCorruption);
      EXPECT_TRUE(Contains(audit.report.failure.message(), expected_text))
          << audit.report.failure.ToString();
    } else {
      EXPECT_EQ(audit.open.code(), StatusCode::kCorruption) << audit.open.ToString();
    }
  }
  TempDir dir_;
  Keys keys_;
  uint64_t acknowledged_ = 0;
  fs::path wal_;
};

TEST_F(WalDamageTest, TruncatedToHalfIsDetected) {
  fs::resize_file(wal_, fs::file_size(wal_) / 2);
  ExpectRefusedAndDetected("acknowledged entries are missing");
  // The message names the anchor file and what was committed.
  auto writable = Ledger::Open(dir_.path(), Options());
  EXPECT_TRUE(Contains(writable.status().message(), "LEDGER-HEAD"));
  EXPECT_TRUE(Contains(writable.status().message(), "but the ledger committed"));
}

TEST_F(WalDamageTest, FlippedBitInTheMiddleIsDetected) {
  std::fstream f(wal_, std::ios::in | std::ios::out | std::ios::binary);
  const std::streamoff middle = static_cast<std::streamoff>(fs::file_size(wal_) / 2);
  f.seekg(middle);
  char c = 0;
  f.read(&c, 1);
  c ^= 0x01;
  f.seekp(middle);
  f.write(&c, 1);
  f.close();
  // RocksDB refuses the damaged record (checksum) rather than dropping what follows it; if the
  // bit made the record look like a torn tail instead, the anchor catches the loss.
  ExpectRefusedAndDetected("");
}

TEST_F(WalDamageTest, DeletedIsDetected) {
  fs::remove(wal_);
  ExpectRefusedAndDetected("acknowledged entries are missing");
}

TEST_F(WalDamageTest, UndamagedStoreKeepsEveryAcknowledgedEvent) {
  auto ledger = Ledger::Open(dir_.path(), Options(&keys_.ledger_key));
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_GE((*ledger)->log().Size(), acknowledged_ + 2);
  ledger->reset();
  Audit audit = VerifyReadOnly(dir_.path());
  ASSERT_TRUE(audit.open.ok());
  EXPECT_TRUE(audit.report.ok) << audit.report.failure.ToString();
  EXPECT_TRUE(audit.report.derived_checked);
}

// ---- 2. The anchor: files from an older copy, a missing anchor ----

// Copies every file of `from` into `to` (replacing them), except the anchor files.
void CopyStoreFiles(const std::string& from, const std::string& to) {
  for (const auto& e : fs::directory_iterator(to)) {
    const std::string name = e.path().filename().string();
    if (name != "LEDGER-HEAD" && name != "LEDGER-CHECKPOINT") fs::remove_all(e.path());
  }
  for (const auto& e : fs::directory_iterator(from)) {
    const std::string name = e.path().filename().string();
    if (name != "LEDGER-HEAD" && name != "LEDGER-CHECKPOINT") {
      fs::copy(e.path(), fs::path(to) / name, fs::copy_options::recursive);
    }
  }
}

TEST(AnchorTest, OlderStoreFilesUnderANewerAnchorAreRefused) {
  TempDir dir, backup("-backup");
  Keys keys;
  keys.Create(dir.path());
  uint64_t old_size = 0, new_size = 0;
  {
    auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
    AppendCases(*ledger, keys.caseworker, "a", 5);
    old_size = ledger->audit().Backup(backup.path()).value().size;
    AppendCases(*ledger, keys.caseworker, "b", 5);
    ASSERT_TRUE(ledger->audit().SignCheckpoint().ok());
    new_size = ledger->log().Size();
  }
  CopyStoreFiles(backup.path(), dir.path());
  auto writable = Ledger::Open(dir.path(), Options(&keys.ledger_key));
  ASSERT_FALSE(writable.ok());
  EXPECT_EQ(writable.status().code(), StatusCode::kCorruption);
  const std::string m = writable.status().message();
  EXPECT_TRUE(Contains(m, "LEDGER-CHECKPOINT")) << m;
  EXPECT_TRUE(Contains(m, "the store holds " + std::to_string(old_size) + " entries")) << m;
  EXPECT_TRUE(Contains(m, "checkpoint of " + std::to_string(new_size))) << m;
  EXPECT_TRUE(Contains(m, "docs/operations.md")) << m;
  Audit audit = VerifyReadOnly(dir.path());
  ASSERT_TRUE(audit.open.ok());
  EXPECT_FALSE(audit.report.ok);
  EXPECT_EQ(audit.report.failed_check, "anchor");
}

TEST(AnchorTest, BackupCarriesItsOwnAnchorAndOpens) {
  TempDir dir, backup("-backup");
  Keys keys;
  keys.Create(dir.path());
  {
    auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
    AppendCases(*ledger, keys.caseworker, "a", 3);
    ASSERT_TRUE(ledger->audit().Backup(backup.path()).ok());
  }
  EXPECT_TRUE(fs::exists(fs::path(backup.path()) / "LEDGER-HEAD"));
  EXPECT_TRUE(fs::exists(fs::path(backup.path()) / "LEDGER-CHECKPOINT"));
  auto copy = Ledger::Open(backup.path(), Options(&keys.ledger_key));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  copy->reset();
  Audit audit = VerifyReadOnly(backup.path());
  EXPECT_TRUE(audit.report.ok) << audit.report.failure.ToString();
}

TEST(AnchorTest, MissingAnchorFileIsCorruption) {
  TempDir dir;
  Keys keys;
  keys.Create(dir.path());
  fs::remove(fs::path(dir.path()) / "LEDGER-HEAD");
  auto writable = Ledger::Open(dir.path(), Options());
  ASSERT_FALSE(writable.ok());
  EXPECT_EQ(writable.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(writable.status().message(), "LEDGER-HEAD is missing"));
}

TEST(AnchorTest, DamagedAnchorSlotFallsBackToTheOtherAndBothDamagedIsCorruption) {
  TempDir dir;
  Keys keys;
  keys.Create(dir.path());
  {
    auto ledger = Ledger::Open(dir.path(), Options()).value();
    AppendCases(*ledger, keys.caseworker, "a", 2);
  }
  const fs::path head = fs::path(dir.path()) / "LEDGER-HEAD";
  std::string bytes = ReadBytes(head);
  ASSERT_EQ(bytes.size(), 128u);
  // One torn slot: the other still holds a head the store is at or beyond.
  std::string one = bytes;
  for (size_t i = 0; i < 64; ++i) one[i] = 0;
  WriteBytes(head, one);
  EXPECT_TRUE(Ledger::Open(dir.path(), Options()).ok());
  std::string both(128, '\0');
  WriteBytes(head, both);
  auto refused = Ledger::Open(dir.path(), Options());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(refused.status().message(), "neither slot")) << refused.status().ToString();
}

TEST(AnchorTest, ACheckpointTheStoreLostIsAdoptedNotForked) {
  // Signed and anchored, but the process died before the store recorded it: the next process
  // adopts it, so that its next checkpoint is proven consistent with it.
  TempDir dir;
  Keys keys;
  keys.Create(dir.path());
  std::string anchored_note;
  {
    auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
    AppendCases(*ledger, keys.caseworker, "a", 2);
    anchored_note = ledger->audit().SignCheckpoint().value();
  }
  {
    auto store = internal::OpenRocksDbStore(dir.path(), false).value();
    auto size = store->Get(Column::kMeta, std::string(internal::kMetaLastCheckpointKey)).value();
    internal::KvWriteBatch b;
    b.Delete(Column::kCheckpoints, size);
    b.Put(Column::kMeta, std::string(internal::kMetaLastCheckpointKey), internal::EncodeBE64(2));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
  EXPECT_EQ(ledger->audit().LatestCheckpoint().value(), anchored_note);
}

// ---- 3. An older backup restored and re-appended, against a checkpoint the auditor holds ----

TEST(HeldCheckpointTest, RestoredAndReappendedLogFailsAgainstAHeldCheckpoint) {
  TempDir dir, backup("-backup"), exported("-export");
  Keys keys;
  keys.Create(dir.path());
  std::string held_note;
  uint64_t held_size = 0;
  {
    auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
    AppendCases(*ledger, keys.caseworker, "a", 3);
    ASSERT_TRUE(ledger->audit().Backup(backup.path()).ok());
    AppendCases(*ledger, keys.caseworker, "b", 3);
    held_note = ledger->audit().SignCheckpoint().value();  // the auditor keeps this one
    held_size = ledger->log().Size();
  }
  // The insider puts the whole older backup back (its own anchor with it) and re-appends with
  // the real keys: to the ledger itself, the history looks whole.
  fs::remove_all(dir.path());
  fs::copy(backup.path(), dir.path(), fs::copy_options::recursive);
  {
    auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
    AppendCases(*ledger, keys.caseworker, "c", 5);
    ASSERT_GT(ledger->log().Size(), held_size);
    ASSERT_TRUE(ledger->audit().SignCheckpoint().ok());
    ASSERT_TRUE(ExportAudit(*ledger, exported.path()).ok());
  }
  Audit plain = VerifyReadOnly(dir.path());
  EXPECT_TRUE(plain.report.ok) << "without the held checkpoint nothing shows: "
                               << plain.report.failure.ToString();

  Audit held = VerifyReadOnly(dir.path(), {{"held.cp", held_note}});
  ASSERT_TRUE(held.open.ok());
  EXPECT_FALSE(held.report.ok);
  EXPECT_EQ(held.report.failed_check, "checkpoint");
  EXPECT_EQ(held.report.failure.code(), StatusCode::kCorruption);
  const std::string m = held.report.failure.message();
  EXPECT_TRUE(Contains(m, "the held checkpoint held.cp of size " + std::to_string(held_size))) << m;
  EXPECT_TRUE(Contains(m, "has root ") && Contains(m, "but the entries give ")) << m;

  VerifyOptions options;
  options.held_checkpoints = {{"held.cp", held_note}};
  auto exported_report =
      VerifyAuditExport(exported.path(), keys.ledger_key.verifier().ToString(), options);
  ASSERT_TRUE(exported_report.ok()) << exported_report.status().ToString();
  EXPECT_FALSE(exported_report->ok);
  EXPECT_EQ(exported_report->failed_check, "checkpoint");
  EXPECT_TRUE(Contains(exported_report->failure.message(), "held.cp"));
}

TEST(AnchorTest, TheCheckpointKeptBesideTheKeyRefusesAWholeOlderDirectory) {
  TempDir dir, backup("-backup"), keys_dir("-keys");
  Keys keys;
  keys.Create(dir.path());
  fs::create_directories(keys_dir.path());
  const std::string beside_key = keys_dir.path() + "/ledger.key.checkpoint";
  LedgerOptions with_file = Options(&keys.ledger_key);
  with_file.signed_checkpoint_file = beside_key;
  uint64_t signed_size = 0;
  {
    auto ledger = Ledger::Open(dir.path(), with_file).value();
    AppendCases(*ledger, keys.caseworker, "a", 2);
    ASSERT_TRUE(ledger->audit().Backup(backup.path()).ok());
    AppendCases(*ledger, keys.caseworker, "b", 2);
    ASSERT_TRUE(ledger->audit().SignCheckpoint().ok());
    signed_size = ledger->log().Size();
  }
  ASSERT_TRUE(fs::exists(beside_key));
  fs::remove_all(dir.path());
  fs::copy(backup.path(), dir.path(), fs::copy_options::recursive);
  auto refused = Ledger::Open(dir.path(), with_file);
  ASSERT_FALSE(refused.ok()) << "a whole older directory opened to be re-signed";
  EXPECT_EQ(refused.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(refused.status().message(), beside_key)) << refused.status().ToString();
  EXPECT_TRUE(
      Contains(refused.status().message(), "signed a checkpoint of " + std::to_string(signed_size)))
      << refused.status().ToString();
  // Reading it is still possible (an auditor holds no key).
  EXPECT_TRUE(Ledger::Open(dir.path(), ReadOnly()).ok());
}

TEST(HeldCheckpointTest, HeldCheckpointOfTheSameLogPassesAndAForeignOneIsRefused) {
  TempDir dir;
  Keys keys;
  keys.Create(dir.path());
  std::string note;
  {
    auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
    AppendCases(*ledger, keys.caseworker, "a", 2);
    note = ledger->audit().SignCheckpoint().value();
    AppendCases(*ledger, keys.caseworker, "b", 2);
  }
  Audit ok = VerifyReadOnly(dir.path(), {{"mine.cp", note}});
  EXPECT_TRUE(ok.report.ok) << ok.report.failure.ToString();
  EXPECT_EQ(ok.report.held_checkpoints_checked, 1u);

  // The same body signed by another key.
  SigningKey other = MakeKey("integrity.example/ledger");
  auto parsed = tlog::ParseNote(note).value();
  tlog::Note forged;
  forged.text = parsed.text;
  uint32_t id = 0;
  for (char c : other.key_id()) id = (id << 8) | static_cast<unsigned char>(c);
  forged.signatures.push_back({"integrity.example/ledger", id, other.Sign(forged.text)});
  Audit foreign = VerifyReadOnly(dir.path(), {{"forged.cp", tlog::FormatNote(forged)}});
  EXPECT_FALSE(foreign.report.ok);
  EXPECT_EQ(foreign.report.failed_check, "held checkpoint");
  EXPECT_TRUE(Contains(foreign.report.failure.message(), "forged.cp"));
}

// ---- 4. Derived columns: deleted index records and a retry; each column changed ----

struct Populated {
  TempDir dir;
  Keys keys;
  std::vector<SignedEvent> events;
  uint64_t size = 0;
  explicit Populated(int cases = 15) {
    keys.Create(dir.path());
    auto ledger = Ledger::Open(dir.path(), Options(&keys.ledger_key)).value();
    events = AppendCases(*ledger, keys.caseworker, "p", cases);
    size = ledger->log().Size();
  }
  std::unique_ptr<internal::KvStore> Store() {
    return internal::OpenRocksDbStore(dir.path(), false).value();
  }
};

std::string IdOf(const SignedEvent& e) { return SummarizeEvent(e.event).value().id; }

TEST(DerivedColumnsTest, DeletedIdRecordsRefuseAppendsUntilRepairedAndRetriesAreNotDuplicated) {
  Populated p(15);
  {
    auto store = p.Store();
    internal::KvWriteBatch b;
    for (size_t i = 5; i < 55; ++i) b.Delete(Column::kIds, IdOf(p.events[i]));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  // Appends are refused: a retry would be appended a second time.
  auto writable = Ledger::Open(p.dir.path(), Options(&p.keys.ledger_key));
  ASSERT_FALSE(writable.ok());
  EXPECT_EQ(writable.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(writable.status().message(), "ids: ")) << writable.status().ToString();
  EXPECT_TRUE(Contains(writable.status().message(), "50 deleted")) << writable.status().ToString();
  EXPECT_TRUE(Contains(writable.status().message(), "ledger repair"));

  // verify names the column, the key and the entry.
  Audit audit = VerifyReadOnly(p.dir.path());
  ASSERT_TRUE(audit.open.ok());
  EXPECT_FALSE(audit.report.ok);
  EXPECT_EQ(audit.report.failed_check, "ids");
  ASSERT_TRUE(audit.report.failed_seq.has_value());
  EXPECT_EQ(*audit.report.failed_seq, 2u + 5u) << audit.report.failure.ToString();
  EXPECT_TRUE(Contains(audit.report.failure.message(), IdOf(p.events[5])))
      << audit.report.failure.ToString();

  auto repaired = RepairLedger(p.dir.path(), {});
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(repaired->entries, p.size);
  EXPECT_EQ(repaired->records_written.at("ids"), p.size);
  EXPECT_TRUE(repaired->vault_records_missing.empty());

  auto ledger = Ledger::Open(p.dir.path(), Options(&p.keys.ledger_key));
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  std::vector<SignedEvent> retry(p.events.begin() + 5, p.events.begin() + 55);
  for (auto& r : (*ledger)->log().AppendEach(retry)) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->duplicate);
  }
  EXPECT_EQ((*ledger)->log().Size(), p.size);
  ledger->reset();
  Audit after = VerifyReadOnly(p.dir.path());
  EXPECT_TRUE(after.report.ok) << after.report.failure.ToString();
  EXPECT_TRUE(after.report.derived_checked);
}

// One change to one column, then what verify names.
struct ColumnCase {
  const char* name;
  std::string expected_check;
  std::function<void(Populated&, internal::KvWriteBatch&, internal::KvStore&)> damage;
  bool blames_entry;
};

TEST(DerivedColumnsTest, EachColumnChangedIsNamed) {
  const std::vector<ColumnCase> cases = {
      {"stream record deleted", "streams",
       [](Populated& p, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Delete(Column::kStreams, internal::StreamIndexKey("case/yp3", 1));
         (void)p;
       },
       true},
      {"stream record pointing elsewhere", "streams",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Put(Column::kStreams, internal::StreamIndexKey("case/yp3", 1), internal::EncodeBE64(4));
       },
       true},
      {"id record added", "ids",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Put(Column::kIds, "00000000-0000-4000-8000-000000000000",
               internal::EncodeIdRecord({3, 1, 0, std::string(32, 'x')}));
       },
       false},
      {"stream head advanced", "stream_heads",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore& s) {
         auto head =
             internal::DecodeStreamHead(s.Get(Column::kStreamHeads, "case/yp2").value()).value();
         head.next_version += 1;
         b.Put(Column::kStreamHeads, "case/yp2", internal::EncodeStreamHead(head));
       },
       false},
      {"stream head deleted", "stream_heads",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Delete(Column::kStreamHeads, "case/yp7");
       },
       false},
      {"key state deleted", "keys",
       [](Populated& p, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Delete(Column::kKeys, p.keys.caseworker.key_id());
       },
       false},
      {"key role changed", "keys",
       [](Populated& p, internal::KvWriteBatch& b, internal::KvStore& s) {
         auto k = internal::DecodeKeyState(s.Get(Column::kKeys, p.keys.caseworker.key_id()).value())
                      .value();
         k.role = "dpo";
         b.Put(Column::kKeys, p.keys.caseworker.key_id(), internal::EncodeKeyState(k));
       },
       false},
      {"type counter changed", "meta",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Put(Column::kMeta, std::string(internal::kMetaCountPrefix) + "phase.entered",
               internal::EncodeBE64(1));
       },
       false},
      {"sealed values deleted", "personal",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Delete(Column::kPersonal, internal::PersonalValueKey("yp4", CaseOpenedSeq(4)));
       },
       true},
      {"subject key deleted", "personal",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Delete(Column::kPersonal, internal::SubjectKeyKey("yp6"));
       },
       false},
      {"stray sealed values", "personal",
       [](Populated&, internal::KvWriteBatch& b, internal::KvStore&) {
         b.Put(Column::kPersonal, internal::PersonalValueKey("yp6", 4), "sealed");
       },
       false},
  };
  for (const ColumnCase& c : cases) {
    SCOPED_TRACE(c.name);
    Populated p(15);
    {
      auto ledger = Ledger::Open(p.dir.path(), ReadOnly()).value();
      ASSERT_EQ(ledger->log().ReadStream("case/yp4", 0, 1).value().at(0).seq, CaseOpenedSeq(4));
    }
    {
      auto store = p.Store();
      internal::KvWriteBatch b;
      c.damage(p, b, *store);
      ASSERT_TRUE(store->Write(b, true).ok());
    }
    Audit audit = VerifyReadOnly(p.dir.path());
    ASSERT_TRUE(audit.open.ok()) << audit.open.ToString();
    EXPECT_FALSE(audit.report.ok);
    EXPECT_EQ(audit.report.failed_check, c.expected_check) << audit.report.failure.ToString();
    EXPECT_EQ(audit.report.failure.code(), StatusCode::kCorruption);
    EXPECT_TRUE(Contains(audit.report.failure.message(), c.expected_check + " ["))
        << audit.report.failure.ToString();
    EXPECT_EQ(audit.report.failed_seq.has_value(), c.blames_entry)
        << audit.report.failure.ToString();
    if (c.expected_check != "personal") {
      // Rebuilt from the entries, the ledger verifies again.
      auto repaired = RepairLedger(p.dir.path(), {});
      ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
      Audit after = VerifyReadOnly(p.dir.path());
      EXPECT_TRUE(after.report.ok) << after.report.failure.ToString();
    }
  }
}

TEST(DerivedColumnsTest, RepairRemovesStrayVaultRecordsAndNamesMissingOnes) {
  Populated p(4);
  {
    auto store = p.Store();
    internal::KvWriteBatch b;
    b.Put(Column::kPersonal, internal::PersonalValueKey("yp1", 4), "sealed");
    b.Delete(Column::kPersonal, internal::SubjectKeyKey("yp2"));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  auto repaired = RepairLedger(p.dir.path(), {});
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(repaired->vault_records_removed, 1u);
  ASSERT_EQ(repaired->vault_records_missing.size(), 1u);
  EXPECT_EQ(repaired->vault_records_missing[0], "k/yp2");
}

TEST(DerivedColumnsTest, RepairRefusesEntriesThatDoNotVerify) {
  Populated p(3);
  {
    auto store = p.Store();
    auto value = store->Get(Column::kEntries, internal::EncodeBE64(5)).value();
    auto entry = internal::UnframeEntry(5, value).value();
    // A validly framed entry with another event's signature.
    std::string bytes = internal::EncodeEntry(entry.event, entry.key_id, std::string(64, 'x'),
                                              entry.seq, entry.version, entry.recorded_at_us);
    internal::KvWriteBatch b;
    b.Put(Column::kEntries, internal::EncodeBE64(5), internal::FrameEntry(bytes));
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  auto repaired = RepairLedger(p.dir.path(), {});
  ASSERT_FALSE(repaired.ok());
  EXPECT_EQ(repaired.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(repaired.status().message(), "signature at entry 5"))
      << repaired.status().ToString();
}

TEST(DerivedColumnsTest, AnUnfinishedRepairKeepsTheLedgerClosedForAppends) {
  Populated p(2);
  {
    auto store = p.Store();
    internal::KvWriteBatch b;
    b.Put(Column::kMeta, std::string(internal::kMetaRepairKey), "");
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  auto writable = Ledger::Open(p.dir.path(), Options());
  ASSERT_FALSE(writable.ok());
  EXPECT_TRUE(Contains(writable.status().message(), "did not finish"));
  ASSERT_TRUE(RepairLedger(p.dir.path(), {}).ok());
  EXPECT_TRUE(Ledger::Open(p.dir.path(), Options()).ok());
}

TEST(DerivedColumnsTest, ALedgerWrittenWithoutTheCaseRulesStillVerifies) {
  // The writer skips the rules' checks (bench append measures their cost) but keeps the case
  // state, so the stream heads equal what verify rebuilds.
  TempDir dir;
  Keys keys;
  LedgerOptions no_rules = Options(&keys.ledger_key);
  no_rules.check_case_rules = false;
  {
    auto ledger = CreateLedgerWithAdmin(dir.path(), keys.ledger_key, keys.admin, no_rules).value();
    ASSERT_TRUE(
        RegisterKey(*ledger, keys.admin, keys.caseworker.verifier(), "caseworker", {}).ok());
    AppendCases(*ledger, keys.caseworker, "n", 4);
  }
  Audit audit = VerifyReadOnly(dir.path());
  EXPECT_TRUE(audit.report.ok) << audit.report.failure.ToString();
  EXPECT_TRUE(audit.report.derived_checked);
}

TEST(DerivedColumnsTest, AnEmptyPersonalObjectNeedsNoVaultRecord) {
  Populated p(1);
  {
    auto ledger = Ledger::Open(p.dir.path(), Options()).value();
    auto event = CaseOpened("yempty");
    event["personal"] = nlohmann::json::object();
    auto signed_event = SignEventJson(event.dump(), p.keys.caseworker);
    ASSERT_TRUE(signed_event.ok()) << signed_event.status().ToString();
    auto r = ledger->log().Append(*signed_event);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  Audit audit = VerifyReadOnly(p.dir.path());
  EXPECT_TRUE(audit.report.ok) << audit.report.failure.ToString();
}

TEST(DerivedColumnsTest, RepairRefusesALogThatHoldsAnIdTwice) {
  // Written around the writer: the same event appended twice under two positions. Verification
  // without the index cannot see it; repair must not build an index over it.
  Populated p(2);
  const uint64_t before = p.size;
  {
    auto ledger = Ledger::Open(p.dir.path(), Options()).value();
    auto store = internal::StoreOf(*ledger);
    internal::KvWriteBatch b;
    b.Delete(Column::kIds, IdOf(p.events[1]));
    ASSERT_TRUE(store->Write(b, true).ok());
    // With the id record gone (as an insider with `ldb` would leave it), the writer takes the
    // retry for a new event.
    auto again = ledger->log().Append(p.events[1]);  // a phase.entered: repeatable by the rules
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_FALSE(again->duplicate);
    EXPECT_EQ(again->seq, before);
  }
  auto repaired = RepairLedger(p.dir.path(), {});
  ASSERT_FALSE(repaired.ok());
  EXPECT_EQ(repaired.status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(Contains(repaired.status().message(), "occurs twice"))
      << repaired.status().ToString();
}

// ---- 5. A flipped byte in the file of each column ----

// The table files of each column family of the (closed) ledger in `dir`.
std::map<std::string, std::vector<std::string>> TableFilesByColumn(const std::string& dir) {
  std::vector<std::string> families;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& f : families) descriptors.emplace_back(f, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  EXPECT_TRUE(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descriptors, &handles, &db).ok());
  std::map<std::string, std::vector<std::string>> out;
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  for (const auto& f : files) out[f.column_family_name].push_back(f.db_path + f.name);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  delete db;
  return out;
}

TEST(DerivedColumnsTest, FlippedByteInEachColumnsTableFileIsDetected) {
  for (const char* column : {"ids", "streams", "stream_heads", "keys", "personal"}) {
    SCOPED_TRACE(column);
    Populated p(20);
    {
      auto ledger = Ledger::Open(p.dir.path(), Options()).value();
      ASSERT_TRUE(ledger->privacy().Compact().ok());
    }
    auto files = TableFilesByColumn(p.dir.path());
    ASSERT_FALSE(files[column].empty());
    const std::string file = files[column].front();
    {
      std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
      // Inside the first data block, where the records are.
      const std::streamoff at = 40;
      f.seekg(at);
      char c = 0;
      f.read(&c, 1);
      c ^= 0x20;
      f.seekp(at);
      f.write(&c, 1);
    }
    Audit audit = VerifyReadOnly(p.dir.path());
    if (audit.open.ok()) {
      EXPECT_FALSE(audit.report.ok) << "a flipped byte in " << column << " went unnoticed";
      EXPECT_EQ(audit.report.failure.code(), StatusCode::kCorruption)
          << audit.report.failure.ToString();
      EXPECT_EQ(audit.report.failed_check, column) << audit.report.failure.ToString();
    } else {
      EXPECT_EQ(audit.open.code(), StatusCode::kCorruption) << audit.open.ToString();
    }
  }
}

// ---- 6. Read-only work writes nothing ----

// Every file of `dir` with its bytes.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    out[e.path().lexically_relative(dir).string()] = s.str();
  }
  return out;
}

TEST(ReadOnlyTest, ReadingAndVerifyingLeaveEveryFileAsItWas) {
  Populated p(5);  // the last appends are in the WAL only: a writable open would replay them
  const auto before = Snapshot(p.dir.path());
  {
    auto ledger = Ledger::Open(p.dir.path(), ReadOnly());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    EXPECT_EQ((*ledger)->log().Size(), p.size);
    auto report = VerifyLedger(**ledger, {});
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok) << report->failure.ToString();
    EXPECT_TRUE((*ledger)->log().ReadSeq(3).ok());
    EXPECT_FALSE((*ledger)->log().Keys().empty());
    auto refused =
        (*ledger)->log().Append(Sign(PhaseEntered("yp0", "after_care"), p.keys.caseworker));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_TRUE(Contains(refused.status().message(), "read-only"));
    EXPECT_EQ((*ledger)->audit().SignCheckpoint().status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ((*ledger)->privacy().Compact().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(Snapshot(p.dir.path()), before);
}

TEST(ReadOnlyTest, AWriterHoldingTheLedgerMakesAReadOnlyOpenUnavailable) {
  Populated p(1);
  auto writer = Ledger::Open(p.dir.path(), Options());
  ASSERT_TRUE(writer.ok());
  // RocksDB's lock is a POSIX record lock, which another process sees (this one would not).
  pid_t pid = ::fork();
  if (pid == 0) {
    auto reader = Ledger::Open(p.dir.path(), ReadOnly());
    _exit(reader.ok() ? 0 : reader.status().code() == StatusCode::kUnavailable ? 10 : 11);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 10) << "the read-only open should be Unavailable";
}

}  // namespace
}  // namespace ledger
