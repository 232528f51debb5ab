// EventLog::AppendReplicated: a replica stores exactly what the primary stored, after checking it
// as `ledger verify` would, and stores nothing of a batch that fails any check.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../temp_dir.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "test_events.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace ledger {
namespace {

using testing::CaseEvent;
using testing::CaseOpened;
using testing::PhaseEntered;
using testing::Sign;

// A primary as `ledger serve` runs one: it signs its checkpoints and has a vault.
struct Primary {
  SigningKey ledger_key = testing::MakeKey("test.example/ledger");
  SigningKey admin = testing::MakeKey("admin");
  SigningKey caseworker = testing::MakeKey("caseworker");
  std::unique_ptr<Ledger> ledger;

  explicit Primary(LedgerOptions options = {}) {
    options.checkpoint_key = ledger_key;
    options.checkpoint_interval_us = int64_t{1} << 50;  // only when asked
    ledger =
        CreateInMemoryLedgerWithAdmin(ledger_key, admin, testing::WithMasterKey(options)).value();
    EXPECT_TRUE(RegisterKey(*ledger, admin, caseworker.verifier(), "caseworker", {}).ok());
  }
};

// The stored bytes of entries [from, to) of `ledger`.
std::vector<std::string> EntryBytes(Ledger& ledger, uint64_t from, uint64_t to) {
  std::vector<std::string> out;
  for (auto it = ledger.log().Scan(from, /*decode=*/false); it->Valid() && it->entry().seq < to;
       it->Next()) {
    out.push_back(it->entry().bytes);
  }
  return out;
}

// A checkpoint of `size` entries with `root`, signed with `key` (as if by the ledger).
std::string SignedCheckpoint(const SigningKey& key, uint64_t size, const tlog::Hash& root) {
  tlog::Note note;
  note.text = tlog::FormatCheckpointBody({key.name(), size, root, {}});
  uint32_t key_id = 0;
  for (char c : key.key_id()) key_id = (key_id << 8) | static_cast<unsigned char>(c);
  note.signatures.push_back({key.name(), key_id, key.Sign(note.text)});
  return tlog::FormatNote(note);
}

class ReplicatedAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Append(CaseOpened("p-1"));
    Append(PhaseEntered("p-1", "clarification"));
    Append(CaseOpened("p-2"));
    auto signed_note = primary_.ledger->audit().SignCheckpoint();
    ASSERT_TRUE(signed_note.ok()) << signed_note.status().ToString();
    checkpoint_ = *signed_note;
    replica_ = Ledger::CreateReplica("", primary_.ledger->log().Info().identity).value();
  }

  void Append(const nlohmann::json& event) {
    auto r = primary_.ledger->log().Append(Sign(event, primary_.caseworker));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  Primary primary_;
  std::string checkpoint_;
  std::unique_ptr<Ledger> replica_;
};

TEST_F(ReplicatedAppendTest, ReplicaHoldsTheSameBytesTreeAndCheckpoint) {
  const uint64_t n = primary_.ledger->log().Size();
  ASSERT_TRUE(
      replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, n), checkpoint_).ok());
  ASSERT_EQ(replica_->log().Size(), n);
  for (uint64_t seq = 0; seq < n; ++seq) {
    EXPECT_EQ(replica_->log().ReadSeq(seq)->bytes, primary_.ledger->log().ReadSeq(seq)->bytes)
        << seq;
  }
  EXPECT_EQ(replica_->audit().Head().root, primary_.ledger->audit().Head().root);
  EXPECT_EQ(replica_->audit().LatestCheckpoint().value(), checkpoint_);
  EXPECT_EQ(replica_->audit().InclusionProof(3, n).value(),
            primary_.ledger->audit().InclusionProof(3, n).value());
  EXPECT_EQ(replica_->log().Info().events_by_type, primary_.ledger->log().Info().events_by_type);
  EXPECT_EQ(replica_->log().Keys().size(), primary_.ledger->log().Keys().size());
  const auto by_id = primary_.ledger->log().ReadSeq(3).value();
  auto summary = SummarizeEvent(by_id.event).value();
  EXPECT_EQ(replica_->log().ReadId(summary.id)->seq, 3u);
  EXPECT_EQ(replica_->log().ReadStream("case/p-1", 0, 10)->size(), 2u);
  // The personal values stayed with the primary: the replica has digests only.
  auto personal = replica_->privacy().ReadPersonal(2, primary_.caseworker.key_id());
  EXPECT_EQ(personal.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(primary_.ledger->privacy().ReadPersonal(2, primary_.caseworker.key_id()).ok());
  // A replica takes no appends of its own: its history is the primary's.
  auto own = replica_->log().Append(Sign(CaseOpened("p-4"), primary_.caseworker));
  EXPECT_EQ(own.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(own.status().message().find("is a replica"), std::string::npos);
  EXPECT_EQ(replica_->log().Size(), n);
}

TEST_F(ReplicatedAppendTest, ResumesBatchByBatchAndKeepsTheRulesState) {
  const uint64_t first = primary_.ledger->log().Size();
  ASSERT_TRUE(
      replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, first), checkpoint_).ok());
  // The case state travels with the entries: a second case.opened on p-1 would break the rules,
  // so the next phase must be accepted after the replica rebuilt p-1's state.
  Append(PhaseEntered("p-1", "follow_up"));
  Append(CaseOpened("p-3"));
  auto second = primary_.ledger->audit().SignCheckpoint().value();
  const uint64_t n = primary_.ledger->log().Size();
  Status s = replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, first, n), second);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(replica_->audit().Head().root, primary_.ledger->audit().Head().root);
  // The earlier checkpoint again, with no entries: it agrees, nothing changes.
  EXPECT_TRUE(replica_->log().AppendReplicated({}, checkpoint_).ok());
  EXPECT_EQ(replica_->audit().LatestCheckpoint().value(), second);
}

TEST_F(ReplicatedAppendTest, NextBatchPreparedWhileThePreviousIsCommittedIsStoredInOrder) {
  const uint64_t first = primary_.ledger->log().Size();
  Append(PhaseEntered("p-1", "follow_up"));
  Append(CaseOpened("p-3"));
  auto second = primary_.ledger->audit().SignCheckpoint().value();
  const uint64_t n = primary_.ledger->log().Size();
  // Both prepared before either is committed: the second starts beyond the replica's size.
  auto a =
      replica_->log().PrepareReplicated(0, EntryBytes(*primary_.ledger, 0, first), checkpoint_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = replica_->log().PrepareReplicated(first, EntryBytes(*primary_.ledger, first, n), second);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->first_seq(), first);
  EXPECT_EQ(b->end_seq(), n);
  ASSERT_TRUE(replica_->log().CommitReplicated(std::move(*a)).ok());
  Status s = replica_->log().CommitReplicated(std::move(*b));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(replica_->log().Size(), n);
  EXPECT_EQ(replica_->audit().Head().root, primary_.ledger->audit().Head().root);
  EXPECT_EQ(replica_->audit().LatestCheckpoint().value(), second);
}

TEST_F(ReplicatedAppendTest, BatchPreparedAfterARefusedOneIsRefusedAtItsSeq) {
  const uint64_t first = primary_.ledger->log().Size();
  Append(PhaseEntered("p-1", "follow_up"));
  Append(CaseOpened("p-3"));
  auto second = primary_.ledger->audit().SignCheckpoint().value();
  const uint64_t n = primary_.ledger->log().Size();
  auto entries = EntryBytes(*primary_.ledger, 0, first);
  const auto good = primary_.ledger->log().ReadSeq(2).value();
  const size_t at = entries[2].find(good.signature);
  ASSERT_NE(at, std::string::npos);
  entries[2][at + 10] ^= 0x01;
  auto a = replica_->log().PrepareReplicated(0, entries, checkpoint_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();  // the signature is the writer's to refuse
  auto b = replica_->log().PrepareReplicated(first, EntryBytes(*primary_.ledger, first, n), second);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  Status refused = replica_->log().CommitReplicated(std::move(*a));
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused.ToString();
  EXPECT_NE(refused.message().find("seq 2 (signature)"), std::string::npos) << refused.ToString();
  // The later batch does not follow what the replica holds: refused, nothing stored.
  Status after = replica_->log().CommitReplicated(std::move(*b));
  EXPECT_FALSE(after.ok());
  EXPECT_NE(after.message().find("seq " + std::to_string(first) + " (seq)"), std::string::npos)
      << after.ToString();
  EXPECT_EQ(replica_->log().Size(), 0u);
  // The genuine entries, prepared again, are stored, then the later batch.
  ASSERT_TRUE(
      replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, first), checkpoint_).ok());
  ASSERT_TRUE(
      replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, first, n), second).ok());
  EXPECT_EQ(replica_->audit().Head().root, primary_.ledger->audit().Head().root);
}

TEST_F(ReplicatedAppendTest, BatchCommittedBeforeTheOneBeforeItIsRefused) {
  const uint64_t first = primary_.ledger->log().Size();
  Append(CaseOpened("p-3"));
  auto second = primary_.ledger->audit().SignCheckpoint().value();
  const uint64_t n = primary_.ledger->log().Size();
  auto b = replica_->log().PrepareReplicated(first, EntryBytes(*primary_.ledger, first, n), second);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  Status early = replica_->log().CommitReplicated(std::move(*b));
  EXPECT_NE(early.message().find("seq " + std::to_string(first) + " (seq)"), std::string::npos)
      << early.ToString();
  EXPECT_EQ(replica_->log().Size(), 0u);
}

TEST_F(ReplicatedAppendTest, BatchPreparedByAnotherReplicaIsRefused) {
  const uint64_t n = primary_.ledger->log().Size();
  auto other = Ledger::CreateReplica("", primary_.ledger->log().Info().identity).value();
  auto prepared =
      other->log().PrepareReplicated(0, EntryBytes(*primary_.ledger, 0, n), checkpoint_);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  Status s = replica_->log().CommitReplicated(std::move(*prepared));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("prepared by another ledger"), std::string::npos) << s.ToString();
  EXPECT_EQ(replica_->log().Size(), 0u);
}

TEST_F(ReplicatedAppendTest, FlippedSignatureByteIsRefusedNamingSeqAndNothingIsStored) {
  const uint64_t n = primary_.ledger->log().Size();
  auto entries = EntryBytes(*primary_.ledger, 0, n);
  const auto good = primary_.ledger->log().ReadSeq(3).value();
  const size_t at = entries[3].find(good.signature);
  ASSERT_NE(at, std::string::npos);
  entries[3][at + 10] ^= 0x01;
  Status s = replica_->log().AppendReplicated(entries, checkpoint_);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  EXPECT_NE(s.message().find("seq 3 (signature)"), std::string::npos) << s.ToString();
  EXPECT_EQ(replica_->log().Size(), 0u);
  EXPECT_FALSE(replica_->audit().LatestCheckpoint().ok());
}

TEST_F(ReplicatedAppendTest, MissingOrRepeatedEntryIsRefusedAtItsSeq) {
  const uint64_t n = primary_.ledger->log().Size();
  auto entries = EntryBytes(*primary_.ledger, 0, n);
  auto dropped = entries;
  dropped.erase(dropped.begin() + 2);
  Status s = replica_->log().AppendReplicated(dropped, checkpoint_);
  EXPECT_NE(s.message().find("seq 2 (seq): the entry says it is seq 3"), std::string::npos)
      << s.ToString();
  auto repeated = entries;
  repeated.insert(repeated.begin() + 2, entries[1]);
  repeated.pop_back();
  s = replica_->log().AppendReplicated(repeated, checkpoint_);
  EXPECT_NE(s.message().find("seq 2 (seq)"), std::string::npos) << s.ToString();
  EXPECT_EQ(replica_->log().Size(), 0u);
}

TEST_F(ReplicatedAppendTest, CheckpointOfAnotherHistoryIsRefusedAndNothingIsStored) {
  const uint64_t n = primary_.ledger->log().Size();
  tlog::Hash other{};
  other[0] = 1;
  // Validly signed by the ledger's key, but for other entries: a fork, or altered entries.
  const std::string forged = SignedCheckpoint(primary_.ledger_key, n, other);
  Status s = replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, n), forged);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("(checkpoint)"), std::string::npos) << s.ToString();
  EXPECT_EQ(replica_->log().Size(), 0u);
  // Signed by another key: refused before any entry is looked at.
  const SigningKey impostor = SigningKey::Generate(primary_.ledger_key.name()).value();
  s = replica_->log().AppendReplicated(
      EntryBytes(*primary_.ledger, 0, n),
      SignedCheckpoint(impostor, n, primary_.ledger->audit().Head().root));
  EXPECT_NE(s.message().find("the checkpoint is not one signed by"), std::string::npos)
      << s.ToString();
  // A checkpoint that covers fewer or more entries than given.
  s = replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, n - 1), checkpoint_);
  EXPECT_NE(s.message().find("the checkpoint is of"), std::string::npos) << s.ToString();
  EXPECT_EQ(replica_->log().Size(), 0u);
}

TEST_F(ReplicatedAppendTest, SecondCheckpointOfStoredSizeWithAnotherRootIsAFork) {
  const uint64_t n = primary_.ledger->log().Size();
  ASSERT_TRUE(
      replica_->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, n), checkpoint_).ok());
  tlog::Hash other{};
  Status s = replica_->log().AppendReplicated({}, SignedCheckpoint(primary_.ledger_key, 2, other));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("signed two different histories"), std::string::npos) << s.ToString();
}

TEST_F(ReplicatedAppendTest, EntryBreakingTheCaseRulesIsRefusedEvenWhenSigned) {
  // A primary that does not enforce the case rules (as `bench append` may run) signs a log a
  // correct ledger would refuse: the replica judges the entries, not the primary.
  LedgerOptions lax;
  lax.check_case_rules = false;
  Primary careless(lax);
  ASSERT_TRUE(careless.ledger->log().Append(Sign(CaseOpened("p-9"), careless.caseworker)).ok());
  const nlohmann::json closed = {{"reason", "work"}};
  ASSERT_TRUE(careless.ledger->log()
                  .Append(Sign(CaseEvent("p-9", "case.closed", closed), careless.caseworker))
                  .ok());
  ASSERT_TRUE(careless.ledger->log()
                  .Append(Sign(CaseEvent("p-9", "case.closed", closed), careless.caseworker))
                  .ok());
  const auto cp = careless.ledger->audit().SignCheckpoint().value();
  auto replica = Ledger::CreateReplica("", careless.ledger->log().Info().identity).value();
  const uint64_t n = careless.ledger->log().Size();
  Status s = replica->log().AppendReplicated(EntryBytes(*careless.ledger, 0, n), cp);
  EXPECT_NE(s.message().find("seq " + std::to_string(n - 1) + " (rules)"), std::string::npos)
      << s.ToString();
  EXPECT_EQ(replica->log().Size(), 0u);
}

TEST_F(ReplicatedAppendTest, RefusedByALedgerThatIsNotAReplica) {
  Status s = primary_.ledger->log().AppendReplicated({}, checkpoint_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  auto plain = Ledger::CreateInMemory(primary_.ledger->log().Info().identity).value();
  s = plain->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, 2), checkpoint_);
  EXPECT_NE(s.message().find("not a replica"), std::string::npos) << s.ToString();
}

TEST_F(ReplicatedAppendTest, DurableReplicaVerifiesAndCanBecomeThePrimary) {
  testing::TempDir dir;
  const uint64_t n = primary_.ledger->log().Size();
  {
    auto created = Ledger::CreateReplica(dir.path(), primary_.ledger->log().Info().identity);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    auto replica = std::move(created).value();
    Status stored =
        replica->log().AppendReplicated(EntryBytes(*primary_.ledger, 0, n), checkpoint_);
    ASSERT_TRUE(stored.ok()) << stored.ToString();
  }
  LedgerOptions read_only;
  read_only.read_only = true;
  {
    auto reopened = Ledger::Open(dir.path(), read_only).value();
    EXPECT_TRUE(reopened->audit().IntegrityAtOpen().ok())
        << reopened->audit().IntegrityAtOpen().ToString();
    VerifyOptions options;
    options.verifier_key = primary_.ledger_key.verifier().ToString();
    auto report = VerifyLedger(*reopened, options).value();
    EXPECT_TRUE(report.ok) << report.failed_check << ": " << report.failure.ToString();
  }
  // Failover: opened with the ledger's key, it becomes the primary, takes appends (with
  // personal values, kept from now on) and signs checkpoints consistent with the old primary's.
  LedgerOptions as_primary;
  as_primary.checkpoint_key = primary_.ledger_key;
  as_primary.master_key = MasterKey::Generate();
  {
    // Not without saying so: the key beside the data must not promote a replica by itself.
    auto refused = Ledger::Open(dir.path(), as_primary);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(refused.status().message().find("--promote"), std::string::npos);
  }
  as_primary.promote_replica = true;
  {
    auto opened = Ledger::Open(dir.path(), as_primary);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    auto promoted = std::move(opened).value();
    auto appended = promoted->log().Append(Sign(CaseOpened("p-5"), primary_.caseworker));
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    EXPECT_EQ(appended->seq, n);
    auto note = promoted->audit().SignCheckpoint();
    ASSERT_TRUE(note.ok()) << note.status().ToString();
    EXPECT_TRUE(promoted->audit().ConsistencyProof(n, n + 1).ok());
    EXPECT_EQ(promoted->privacy().ReadPersonal(n, primary_.caseworker.key_id())->state,
              PersonalValues::State::kPresent);
    auto before = promoted->privacy().ReadPersonal(2, primary_.caseworker.key_id());
    EXPECT_EQ(before.status().code(), StatusCode::kFailedPrecondition);
    // Named as what the directory now is: a promoted replica, not a replica.
    EXPECT_NE(before.status().message().find("promoted to primary at seq " + std::to_string(n)),
              std::string::npos)
        << before.status().ToString();
    EXPECT_EQ(before.status().message().find("is a replica of it"), std::string::npos);
  }
  auto reopened = Ledger::Open(dir.path(), read_only).value();
  VerifyOptions options;
  options.verifier_key = primary_.ledger_key.verifier().ToString();
  auto report = VerifyLedger(*reopened, options).value();
  EXPECT_TRUE(report.ok) << report.failed_check << ": " << report.failure.ToString();
  EXPECT_EQ(report.size, n + 1);
}

}  // namespace
}  // namespace ledger
