// The publisher and the follower against a real nats-server with JetStream (one node, or a
// three-node cluster with an R3 stream): the replica holds every entry the primary committed and
// published, gapless, without duplicates, verifying, whatever happens to NATS, the publisher or
// the stream's messages in between.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "../ledger/test_events.h"
#include "../temp_dir.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "nats_cluster.h"
#include "replication/follower.h"
#include "replication/messages.h"
#include "replication/publisher.h"
#include "src/nats_client.h"

namespace ledger {
namespace {

using replication::Follower;
using replication::Publisher;
using testing::CaseEvent;
using testing::CaseOpened;
using testing::Sign;

constexpr auto kConverge = std::chrono::seconds(30);

class ReplicationNatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::NatsCluster::Available())
        << "nats-server is not installed (scripts/setup.sh installs it)";
  }

  void StartNats(int nodes) {
    nats_ = std::make_unique<testing::NatsCluster>(dir_.path(), nodes);
    nats_->StartAll();
  }

  void CreatePrimary(LedgerOptions options = {}) {
    options.checkpoint_key = ledger_key_;
    options.checkpoint_interval_us =
        50'000;  // replicas store entries once a checkpoint covers them
    options.master_key = MasterKey::Generate();
    auto created = CreateLedgerWithAdmin(dir_.path() + "/primary", ledger_key_, admin_, options);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    primary_ = std::move(created).value();
    ASSERT_TRUE(RegisterKey(*primary_, admin_, caseworker_.verifier(), "caseworker", {}).ok());
  }

  void StartPublisher() {
    replication::PublisherOptions po;
    po.nats_urls = nats_->urls();
    po.stream_replicas = nats_->size() > 1 ? 3 : 1;
    po.log = [](std::string_view line) {
      std::fprintf(stderr, "publisher: %.*s\n", (int)line.size(), line.data());
    };
    auto started = Publisher::Start(*primary_, ledger_key_, std::move(po));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    publisher_ = std::move(started).value();
  }

  replication::ReplicaSource Source() const {
    return {nats_->urls(), "LEDGER", ledger_key_.verifier().ToString()};
  }

  void StartReplica() {
    if (!replica_) {
      auto opened = replication::OpenReplica(Source(), dir_.path() + "/replica", {},
                                             std::chrono::seconds(20));
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      replica_ = std::move(opened).value();
    }
    replication::FollowerOptions fo;
    fo.source = Source();
    fo.position_file = dir_.path() + "/replica-position";
    fo.log = [](std::string_view line) {
      std::fprintf(stderr, "follower: %.*s\n", (int)line.size(), line.data());
    };
    auto started = Follower::Start(*replica_, std::move(fo));
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    follower_ = std::move(started).value();
  }

  // Appends `n` cases (one case.opened each); returns the last seq.
  // Someone with write access to the stream publishes entries first.. (the primary's, up to its
  // size) as one entries message, with one byte flipped near the end of entry `altered` (the key
  // id or the signature), before the primary publishes them: a replica reads the forged ones
  // first.
  void PublishForgedEntries(uint64_t first, size_t altered) {
    std::vector<std::string> forged;
    for (uint64_t s = first; s < primary_->log().Size(); ++s)
      forged.push_back(primary_->log().ReadSeq(s)->bytes);
    ASSERT_LT(altered, forged.size());
    forged[altered][forged[altered].size() - 70] ^= 0x01;
    auto conn = replication::internal::NatsConnection::Connect(nats_->urls(), "test").value();
    int code = 0;
    ASSERT_TRUE(conn->Publish("LEDGER.log.entries",
                              {{"Ledger-First-Seq", std::to_string(first)},
                               {"Ledger-Count", std::to_string(forged.size())}},
                              replication::EncodeEntries(forged), "forged", std::nullopt, &code)
                    .ok());
  }

  void AppendCases(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = primary_->log().Append(
          Sign(CaseOpened("p-" + std::to_string(next_subject_++)), caseworker_));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  // Until the replica holds every entry the primary has (a checkpoint covering them included).
  void WaitForReplica() {
    const auto deadline = std::chrono::steady_clock::now() + kConverge;
    for (;;) {
      const uint64_t want = primary_->log().Size();
      // The follower's own count: it moves after the follower has recorded how it got there
      // (replica_->log().Size() moves inside the store, a moment earlier).
      if (follower_->stats().size == want && want > 0) return;
      Status stopped = follower_->Wait(std::chrono::milliseconds(20));
      ASSERT_TRUE(stopped.ok()) << stopped.ToString();
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "the replica holds " << replica_->log().Size() << " of " << want
          << " entries; publisher: " << publisher_->stats().last_error;
    }
  }

  // The replica equals the primary byte for byte and verifies as a whole.
  void ExpectReplicaIsThePrimary() {
    const uint64_t n = primary_->log().Size();
    ASSERT_EQ(replica_->log().Size(), n);
    auto mine = primary_->log().Scan(0, false);
    auto theirs = replica_->log().Scan(0, false);
    for (uint64_t seq = 0; seq < n; ++seq, mine->Next(), theirs->Next()) {
      ASSERT_TRUE(mine->Valid() && theirs->Valid()) << seq;
      ASSERT_EQ(mine->entry().bytes, theirs->entry().bytes) << "seq " << seq;
    }
    EXPECT_EQ(replica_->audit().Head().root, primary_->audit().Head().root);
    follower_->Stop();
    VerifyOptions options;
    options.verifier_key = ledger_key_.verifier().ToString();
    auto report = VerifyLedger(*replica_, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok) << report->failed_check << ": " << report->failure.ToString();
  }

  // Every ledger seq the stream's entries messages hold, with how many times.
  std::map<uint64_t, int> StreamEntrySeqs() {
    auto conn = replication::internal::NatsConnection::Connect(nats_->urls(), "test").value();
    auto state = conn->EnsureStream("LEDGER", {"LEDGER.log.>"}, 1).value();
    std::map<uint64_t, int> seen;
    for (uint64_t s = 1; s <= state.last_seq; ++s) {
      auto m = conn->GetMessage("LEDGER", s);
      if (!m.ok() || m->subject != "LEDGER.log.entries") continue;
      const uint64_t first = std::stoull(m->Header("Ledger-First-Seq"));
      const uint64_t count = std::stoull(m->Header("Ledger-Count"));
      for (uint64_t q = first; q < first + count; ++q) seen[q]++;
    }
    return seen;
  }

  void ExpectStreamHoldsEachEntryOnce() {
    auto seen = StreamEntrySeqs();
    ASSERT_EQ(seen.size(), primary_->log().Size());
    uint64_t expected = 0;
    for (const auto& [seq, times] : seen) {
      EXPECT_EQ(seq, expected++);
      EXPECT_EQ(times, 1) << "seq " << seq << " is in the stream " << times << " times";
    }
  }

  testing::TempDir dir_{"", testing::TempDir::Where::kTmpfsIfWritable,
                        testing::TempDir::Create::kYes};
  SigningKey ledger_key_ = testing::MakeKey("test.example/ledger");
  SigningKey admin_ = testing::MakeKey("admin");
  SigningKey caseworker_ = testing::MakeKey("caseworker");
  int next_subject_ = 0;
  std::unique_ptr<testing::NatsCluster> nats_;
  std::unique_ptr<Ledger> primary_;
  std::unique_ptr<Ledger> replica_;
  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<Follower> follower_;
};

TEST_F(ReplicationNatsTest, ReplicaVerifiesEveryEntryAndEqualsThePrimary) {
  StartNats(1);
  CreatePrimary();
  StartPublisher();
  AppendCases(50);
  StartReplica();
  AppendCases(150);
  WaitForReplica();
  ExpectStreamHoldsEachEntryOnce();
  EXPECT_EQ(replica_->audit().LatestCheckpoint().status().ok(), true);
  // Reads a replica serves are the primary's, byte for byte, at the same size.
  const uint64_t n = replica_->log().Size();
  EXPECT_EQ(replica_->audit().InclusionProof(17, n).value(),
            primary_->audit().InclusionProof(17, n).value());
  EXPECT_EQ(replica_->audit().ConsistencyProof(10, n).value(),
            primary_->audit().ConsistencyProof(10, n).value());
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, PublisherRestartsLeaveNeitherGapNorDuplicate) {
  StartNats(1);
  CreatePrimary();
  for (int round = 0; round < 4; ++round) {
    StartPublisher();
    AppendCases(30);
    // Stop at once: some entries are published, some not.
    publisher_.reset();
    AppendCases(10);
  }
  StartPublisher();
  ASSERT_TRUE(publisher_->Drain(std::chrono::seconds(10)));
  ExpectStreamHoldsEachEntryOnce();
  StartReplica();
  WaitForReplica();
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, WholeNatsDownTheLedgerAppendsAndTheStreamCatchesUp) {
  StartNats(1);
  CreatePrimary();
  StartPublisher();
  StartReplica();
  AppendCases(40);
  WaitForReplica();
  nats_->KillAll();
  // Appends never wait for NATS.
  const auto before = std::chrono::steady_clock::now();
  AppendCases(60);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  EXPECT_EQ(publisher_->stats().published, 42u);  // 2 key registrations, 40 cases
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(publisher_->stats().connected);
  EXPECT_GT(publisher_->stats().lag_seconds, 0.0);
  nats_->StartAll();
  WaitForReplica();
  ExpectStreamHoldsEachEntryOnce();
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, MessageDroppedFromTheStreamIsFetchedFromThePrimary) {
  StartNats(1);
  CreatePrimary();
  StartPublisher();
  for (int i = 0; i < 10; ++i) {
    AppendCases(5);
    ASSERT_TRUE(publisher_->Drain(std::chrono::seconds(10)));
  }
  // JetStream lost a message in the middle (the premise: it does not fsync each one).
  auto conn = replication::internal::NatsConnection::Connect(nats_->urls(), "test").value();
  uint64_t dropped = 0;
  for (uint64_t s = 5; s < 40 && dropped == 0; ++s) {
    auto m = conn->GetMessage("LEDGER", s);
    if (m.ok() && m->subject == "LEDGER.log.entries") {
      ASSERT_TRUE(conn->DeleteMessage("LEDGER", s).ok());
      dropped = s;
    }
  }
  ASSERT_NE(dropped, 0u);
  StartReplica();
  WaitForReplica();
  EXPECT_GT(follower_->stats().refetched, 0u);
  EXPECT_GT(publisher_->stats().fetches_answered, 0u);
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, MessageAlteredInTheStreamIsRefusedThenFetchedFromThePrimary) {
  StartNats(1);
  CreatePrimary();
  StartPublisher();
  AppendCases(20);
  ASSERT_TRUE(publisher_->Drain(std::chrono::seconds(10)));
  publisher_.reset();
  AppendCases(10);
  PublishForgedEntries(23, 2);
  StartPublisher();  // finds a last entries message that is not its own: publishes them again
  ASSERT_TRUE(publisher_->Drain(std::chrono::seconds(10)));
  StartReplica();
  WaitForReplica();
  EXPECT_EQ(follower_->stats().retried_batches, 1u);
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, AlteredBatchRefusedWhileLaterOnesArePreparedIsFetchedAndAllStored) {
  // The replica prepares a checkpoint's entries while the writer commits the batch before them.
  // A forged batch in the middle of a long stream is refused in flight; what was prepared after
  // it is prepared again once the primary's copy is stored, and nothing is skipped or doubled.
  StartNats(1);
  CreatePrimary();
  StartPublisher();
  AppendCases(20);
  ASSERT_TRUE(publisher_->Drain(std::chrono::seconds(10)));
  publisher_.reset();
  // Long enough that the writer is still applying it when the next checkpoint's entries are
  // prepared; the altered entry is the last, so the refusal comes at its end.
  AppendCases(600);
  PublishForgedEntries(23, primary_->log().Size() - 23 - 1);
  StartPublisher();
  ASSERT_TRUE(publisher_->Drain(std::chrono::seconds(10)));
  // Many checkpoints after the forged batch, all in the stream before the replica starts.
  for (int i = 0; i < 8; ++i) {
    AppendCases(15);
    ASSERT_TRUE(primary_->audit().SignCheckpoint().ok());
    ASSERT_TRUE(publisher_->Drain(std::chrono::seconds(10)));
  }
  StartReplica();
  WaitForReplica();
  EXPECT_EQ(follower_->stats().retried_batches, 1u);
  EXPECT_FALSE(follower_->stats().stopped) << follower_->stats().failure;
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, ReplayedCheckpointWithAForgedHeaderDoesNotStopTheReplica) {
  // A genuine, signed checkpoint note published again with another Ledger-Size header (and
  // junk on the identity subject): the replica reads sizes from signed text only, so it neither
  // stops nor stores anything it has not verified.
  StartNats(1);
  CreatePrimary();
  StartPublisher();
  StartReplica();
  AppendCases(10);
  WaitForReplica();
  auto conn = replication::internal::NatsConnection::Connect(nats_->urls(), "test").value();
  const std::string note = primary_->audit().LatestCheckpoint().value();
  int code = 0;
  ASSERT_TRUE(conn->Publish("LEDGER.log.checkpoint",
                            {{"Ledger-Size", std::to_string(primary_->log().Size() + 5)}}, note,
                            "replayed", std::nullopt, &code)
                  .ok());
  ASSERT_TRUE(
      conn->Publish("LEDGER.log.identity", {}, "not a note", "junk", std::nullopt, &code).ok());
  AppendCases(10);
  WaitForReplica();
  EXPECT_FALSE(follower_->stats().stopped);
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, EntryThePrimaryShouldHaveRefusedStopsTheReplicaBeforeIt) {
  // A primary that skips the case rules (as `bench append` may) commits and signs a second
  // case.closed: the replica stores what came before and stops at that entry, naming it.
  LedgerOptions lax;
  lax.check_case_rules = false;
  StartNats(1);
  CreatePrimary(lax);
  StartPublisher();
  StartReplica();
  AppendCases(5);
  WaitForReplica();
  const uint64_t good = primary_->log().Size();
  const nlohmann::json closed = {{"reason", "work"}};
  ASSERT_TRUE(
      primary_->log().Append(Sign(CaseEvent("p-0", "case.closed", closed), caseworker_)).ok());
  ASSERT_TRUE(
      primary_->log().Append(Sign(CaseEvent("p-0", "case.closed", closed), caseworker_)).ok());
  Status stopped = follower_->Wait(kConverge);
  EXPECT_EQ(stopped.code(), StatusCode::kFailedPrecondition) << stopped.ToString();
  EXPECT_NE(stopped.message().find("seq " + std::to_string(good + 1) + " (rules)"),
            std::string::npos)
      << stopped.ToString();
  EXPECT_TRUE(follower_->stats().stopped);
  EXPECT_LE(replica_->log().Size(), good + 1);
  EXPECT_GE(replica_->log().Size(), good);
}

TEST_F(ReplicationNatsTest, ThreeNodeClusterNodeKilledWhileAppending) {
  StartNats(3);
  CreatePrimary();
  StartPublisher();
  StartReplica();
  std::mt19937 random(42);
  for (int round = 0; round < 3; ++round) {
    AppendCases(20);
    const size_t victim = random() % 3;
    nats_->Kill(victim);
    AppendCases(20);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    nats_->Start(victim);
  }
  WaitForReplica();
  ExpectStreamHoldsEachEntryOnce();
  ExpectReplicaIsThePrimary();
}

TEST_F(ReplicationNatsTest, ReplicaRestartsFromItsPositionAndVerifiesWhatItHolds) {
  StartNats(1);
  CreatePrimary();
  StartPublisher();
  StartReplica();
  AppendCases(30);
  WaitForReplica();
  follower_.reset();
  const uint64_t before = replica_->log().Size();
  replica_.reset();  // closed, as a stopped `ledger follow`
  AppendCases(30);
  StartReplica();  // reopens the directory, resumes from replica-position
  WaitForReplica();
  EXPECT_GT(replica_->log().Size(), before);
  ExpectReplicaIsThePrimary();
}

}  // namespace
}  // namespace ledger
