#include "replay/replayer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "recording_projection.h"
#include "replay/state_store.h"
#include "replay_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::RecordingProjection;
using ledger::testing::ReplayTestLog;
using ledger::testing::ScratchDir;
using ledger::testing::Us;

// Four key events (seq 0-3), then six case events of which two occurred after 2009-03-01.
class ReplayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Open("sub-a", "office-1", "2009-01-05T10:00:00+01:00");                             // 4
    log_.Add("sub-a", "phase.entered", "2009-01-05T10:05:00+01:00", {{"phase", "intake"}});  // 5
    log_.Add("sub-a", "phase.entered", "2009-04-01T10:00:00+02:00",
             {{"phase", "clarification"}});                                               // 6
    log_.Open("sub-b", "office-2", "2009-02-01T10:00:00+01:00");                          // 7
    log_.Add("sub-b", "case.closed", "2009-05-01T10:00:00+02:00", {{"reason", "work"}});  // 8
    // A late entry: recorded last, occurred before the cut-off.
    log_.Add("sub-a", "phase.entered", "2009-02-15T10:00:00+01:00", {{"phase", "follow_up"}});  // 9
  }

  std::vector<uint64_t> Seqs(const RecordingProjection& p) {
    std::vector<uint64_t> out;
    for (const auto& [seq, type] : p.seen()) out.push_back(seq);
    return out;
  }

  ReplayTestLog log_;
};

TEST_F(ReplayerTest, AppliesEveryEntryInOrder) {
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  ASSERT_TRUE(r.ok());
  auto stats = (*r)->Run();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->from, 0u);
  EXPECT_EQ(stats->to, 10u);
  EXPECT_EQ(stats->applied, 10u);
  EXPECT_EQ(stats->skipped, 0u);
  EXPECT_GT(stats->last_recorded_at_us, 0);
  EXPECT_EQ(Seqs(p), (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ((*r)->position(), 10u);
  // Nothing new: a second run is empty.
  auto again = (*r)->Run();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0u);
}

TEST_F(ReplayerTest, FeedsSeveralProjectionsTheSameEntries) {
  RecordingProjection a("a"), b("b");
  auto r = Replayer::Create(log_.ledger(), {&a, &b});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->Run().ok());
  EXPECT_EQ(a.seen(), b.seen());
  EXPECT_EQ(a.seen().size(), 10u);
}

TEST_F(ReplayerTest, StopsAtToSeqAndContinuesFromThere) {
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  RunOptions to6;
  to6.to_seq = 6;
  ASSERT_TRUE((*r)->Run(to6).ok());
  EXPECT_EQ(Seqs(p), (std::vector<uint64_t>{0, 1, 2, 3, 4, 5}));
  ASSERT_TRUE((*r)->Run().ok());
  EXPECT_EQ(Seqs(p), (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(ReplayerTest, RefusesBoundsOutsideTheLog) {
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  RunOptions beyond;
  beyond.to_seq = 11;
  EXPECT_EQ((*r)->Run(beyond).status().code(), StatusCode::kInvalidArgument);
  RunOptions to6;
  to6.to_seq = 6;
  ASSERT_TRUE((*r)->Run(to6).ok());
  RunOptions back;
  back.to_seq = 5;
  EXPECT_EQ((*r)->Run(back).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*r)->position(), 6u);
}

TEST_F(ReplayerTest, BusinessTimeFilterSkipsLaterEventsWhereverTheyAre) {
  RecordingProjection p;
  ReplayFilter filter;
  filter.occurred_at_most_us = Us("2009-03-01T00:00:00+01:00");
  auto r = Replayer::Create(log_.ledger(), {&p}, filter);
  auto stats = (*r)->Run();
  ASSERT_TRUE(stats.ok());
  // Key events carry the real time of the test run: after 2009, skipped like seq 6 and 8.
  EXPECT_EQ(Seqs(p), (std::vector<uint64_t>{4, 5, 7, 9}));
  EXPECT_EQ(stats->applied, 4u);
  EXPECT_EQ(stats->skipped, 6u);
  EXPECT_EQ((*r)->position(), 10u);
}

TEST_F(ReplayerTest, FilterBoundIsInclusive) {
  RecordingProjection p;
  ReplayFilter filter;
  filter.occurred_at_most_us = Us("2009-02-15T09:00:00Z");  // seq 9 exactly
  auto r = Replayer::Create(log_.ledger(), {&p}, filter);
  ASSERT_TRUE((*r)->Run().ok());
  EXPECT_EQ(Seqs(p), (std::vector<uint64_t>{4, 5, 7, 9}));
  filter.occurred_at_most_us = Us("2009-02-15T08:59:59.999999Z");
  RecordingProjection q;
  auto r2 = Replayer::Create(log_.ledger(), {&q}, filter);
  ASSERT_TRUE((*r2)->Run().ok());
  EXPECT_EQ(Seqs(q), (std::vector<uint64_t>{4, 5, 7}));
}

TEST_F(ReplayerTest, ReportsProgressAndOnceAtTheEnd) {
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  std::vector<ReplayProgress> calls;
  RunOptions options;
  options.progress_every = 4;
  options.progress = [&](const ReplayProgress& pr) { calls.push_back(pr); };
  ASSERT_TRUE((*r)->Run(options).ok());
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].position, 4u);
  EXPECT_EQ(calls[1].position, 8u);
  EXPECT_EQ(calls[2].position, 10u);
  EXPECT_EQ(calls[2].end, 10u);
  EXPECT_EQ(calls[2].applied, 10u);
}

TEST_F(ReplayerTest, RefusesDuplicateOrMalformedNames) {
  RecordingProjection a("same"), b("same"), bad("Not-OK"), empty("");
  EXPECT_EQ(Replayer::Create(log_.ledger(), {&a, &b}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Replayer::Create(log_.ledger(), {&bad}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Replayer::Create(log_.ledger(), {&empty}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Replayer::Create(log_.ledger(), {nullptr}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ReplayerTest, AFailingApplyIsCorruptionAtItsSeqAndBlocksSaving) {
  RecordingProjection p;
  p.FailAt(7);
  auto r = Replayer::Create(log_.ledger(), {&p});
  auto stats = (*r)->Run();
  EXPECT_EQ(stats.status().code(), StatusCode::kCorruption);
  EXPECT_NE(stats.status().message().find("seq 7"), std::string::npos) << stats.status().ToString();
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*r)->Save(**store).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*r)->Run().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists((*store)->path()));
  // Reset makes it usable again.
  p.FailAt(1000);
  (*r)->Reset();
  ASSERT_TRUE((*r)->Run().ok());
  EXPECT_EQ(p.seen().size(), 10u);
}

TEST_F(ReplayerTest, ResumeWithoutSavedStateStartsFresh) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path() + "/nested/state");
  ASSERT_TRUE(store.ok());
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  auto resumed = (*r)->Resume(**store);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->kind, ResumeKind::kFresh);
  EXPECT_EQ(resumed->position, 0u);
}

TEST_F(ReplayerTest, SavedStateResumesWhereItStopped) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  {
    RecordingProjection p;
    auto r = Replayer::Create(log_.ledger(), {&p});
    RunOptions to7;
    to7.to_seq = 7;
    ASSERT_TRUE((*r)->Run(to7).ok());
    ASSERT_TRUE((*r)->Save(**store).ok());
  }
  EXPECT_FALSE(std::filesystem::exists((*store)->path() + ".tmp"));
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  auto resumed = (*r)->Resume(**store);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->kind, ResumeKind::kResumed);
  EXPECT_EQ(resumed->position, 7u);
  EXPECT_EQ(p.seen().size(), 7u);
  auto stats = (*r)->Run();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->from, 7u);
  EXPECT_EQ(stats->applied, 3u);

  RecordingProjection full;
  auto f = Replayer::Create(log_.ledger(), {&full});
  ASSERT_TRUE((*f)->Run().ok());
  EXPECT_EQ(p.Serialize(), full.Serialize());
}

TEST_F(ReplayerTest, AChangedVersionRebuildsFromZero) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  {
    RecordingProjection p("recording", 1);
    auto r = Replayer::Create(log_.ledger(), {&p});
    ASSERT_TRUE((*r)->Run().ok());
    ASSERT_TRUE((*r)->Save(**store).ok());
  }
  RecordingProjection p2("recording", 2);
  auto r = Replayer::Create(log_.ledger(), {&p2});
  auto resumed = (*r)->Resume(**store);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->kind, ResumeKind::kRebuilt);
  EXPECT_EQ(resumed->position, 0u);
  EXPECT_NE(resumed->reason.find("version 2"), std::string::npos) << resumed->reason;
  EXPECT_TRUE(p2.seen().empty());
  ASSERT_TRUE((*r)->Run().ok());
  EXPECT_EQ(p2.seen().size(), 10u);
  // Saved again, the new version resumes.
  ASSERT_TRUE((*r)->Save(**store).ok());
  RecordingProjection p3("recording", 2);
  auto r3 = Replayer::Create(log_.ledger(), {&p3});
  EXPECT_EQ((*r3)->Resume(**store)->kind, ResumeKind::kResumed);
}

TEST_F(ReplayerTest, OtherProjectionsOrFilterRebuild) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  {
    RecordingProjection a("a"), b("b");
    auto r = Replayer::Create(log_.ledger(), {&a, &b});
    ASSERT_TRUE((*r)->Run().ok());
    ASSERT_TRUE((*r)->Save(**store).ok());
  }
  {
    // The same set in another order resumes.
    RecordingProjection a("a"), b("b");
    auto r = Replayer::Create(log_.ledger(), {&b, &a});
    EXPECT_EQ((*r)->Resume(**store)->kind, ResumeKind::kResumed);
    EXPECT_EQ(a.seen().size(), 10u);
  }
  {
    RecordingProjection a("a");
    auto r = Replayer::Create(log_.ledger(), {&a});
    auto resumed = (*r)->Resume(**store);
    EXPECT_EQ(resumed->kind, ResumeKind::kRebuilt);
    EXPECT_TRUE(a.seen().empty());
  }
  {
    RecordingProjection a("a"), c("c");
    auto r = Replayer::Create(log_.ledger(), {&a, &c});
    auto resumed = (*r)->Resume(**store);
    EXPECT_EQ(resumed->kind, ResumeKind::kRebuilt);
    EXPECT_NE(resumed->reason.find("projection c"), std::string::npos) << resumed->reason;
  }
  {
    RecordingProjection a("a"), b("b");
    ReplayFilter filter;
    filter.occurred_at_most_us = Us("2009-03-01T00:00:00Z");
    auto r = Replayer::Create(log_.ledger(), {&a, &b}, filter);
    auto resumed = (*r)->Resume(**store);
    EXPECT_EQ(resumed->kind, ResumeKind::kRebuilt);
    EXPECT_NE(resumed->reason.find("filter"), std::string::npos);
  }
}

TEST_F(ReplayerTest, StateFromAnotherLogRebuilds) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  {
    RecordingProjection p;
    auto r = Replayer::Create(log_.ledger(), {&p});
    RunOptions to6;
    to6.to_seq = 6;
    ASSERT_TRUE((*r)->Run(to6).ok());
    ASSERT_TRUE((*r)->Save(**store).ok());
  }
  // Another ledger with as many entries: other keys, so other roots.
  ReplayTestLog other;
  other.Open("sub-x", "office-1", "2009-01-05T10:00:00+01:00");
  other.Open("sub-y", "office-1", "2009-01-05T10:00:00+01:00");
  RecordingProjection p;
  auto r = Replayer::Create(other.ledger(), {&p});
  auto resumed = (*r)->Resume(**store);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->kind, ResumeKind::kRebuilt);
  EXPECT_NE(resumed->reason.find("another log"), std::string::npos) << resumed->reason;

  // A shorter log than the saved position.
  ReplayTestLog shorter;
  RecordingProjection q;
  auto r2 = Replayer::Create(shorter.ledger(), {&q});
  auto resumed2 = (*r2)->Resume(**store);
  EXPECT_EQ(resumed2->kind, ResumeKind::kRebuilt);
  EXPECT_NE(resumed2->reason.find("beyond the log's end"), std::string::npos) << resumed2->reason;
}

TEST_F(ReplayerTest, StateTheProjectionCannotRestoreIsCorruption) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  ASSERT_TRUE((*r)->Run().ok());
  auto snapshot = (*r)->Snapshot();
  ASSERT_TRUE(snapshot.ok());
  snapshot->projections[0].state += "junk";
  ASSERT_TRUE((*store)->Save(*snapshot).ok());
  RecordingProjection q;
  auto r2 = Replayer::Create(log_.ledger(), {&q});
  auto resumed = (*r2)->Resume(**store);
  EXPECT_EQ(resumed.status().code(), StatusCode::kCorruption);
  EXPECT_EQ((*r2)->position(), 0u);
  EXPECT_TRUE(q.seen().empty());
}

TEST_F(ReplayerTest, PointIsTheLedgerRootAtThePosition) {
  RecordingProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  RunOptions to6;
  to6.to_seq = 6;
  ASSERT_TRUE((*r)->Run(to6).ok());
  auto point = (*r)->Point();
  ASSERT_TRUE(point.ok());
  EXPECT_EQ(point->size, 6u);
  EXPECT_EQ(point->root, *log_.ledger().audit().RootAt(6));
}

// A long run reads the log ahead on another thread (entry_prefetcher.h); short runs read it
// themselves. Both must see every entry once, in order; a failure in a long run stops the
// reading thread and names the entry's seq.
class LongReplayerTest : public ::testing::Test {
 protected:
  static constexpr int kCases = 9000;  // over twice the read-ahead batch (4,096 entries)
  void SetUp() override {
    for (int i = 0; i < kCases; ++i) {
      log_.Open("long-" + std::to_string(i), "office-1", "2009-01-05T10:00:00+01:00");
    }
  }
  ReplayTestLog log_;
};

TEST_F(LongReplayerTest, OneLongRunSeesWhatShortRunsSee) {
  RecordingProjection whole, steps;
  auto a = Replayer::Create(log_.ledger(), {&whole});
  ASSERT_TRUE(a.ok());
  auto run = (*a)->Run();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const uint64_t size = log_.ledger().log().Size();
  EXPECT_EQ(run->applied, size);
  auto b = Replayer::Create(log_.ledger(), {&steps});
  ASSERT_TRUE(b.ok());
  for (uint64_t to = 0; to < size;) {
    to = std::min<uint64_t>(size, to + 1000);  // below the read-ahead threshold
    RunOptions o;
    o.to_seq = to;
    ASSERT_TRUE((*b)->Run(o).ok());
  }
  ASSERT_EQ(whole.seen().size(), size);
  EXPECT_EQ(whole.seen(), steps.seen());
  for (uint64_t i = 0; i < size; ++i) ASSERT_EQ(whole.seen()[i].first, i);
}

TEST_F(LongReplayerTest, AFailureInALongRunNamesItsSeqAndStopsReading) {
  RecordingProjection p;
  p.FailAt(3000);
  auto r = Replayer::Create(log_.ledger(), {&p});
  ASSERT_TRUE(r.ok());
  auto stats = (*r)->Run();
  EXPECT_EQ(stats.status().code(), StatusCode::kCorruption);
  EXPECT_NE(stats.status().message().find("seq 3000"), std::string::npos)
      << stats.status().ToString();
  p.FailAt(~uint64_t{0});
  (*r)->Reset();
  auto again = (*r)->Run();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->applied, log_.ledger().log().Size());
}

}  // namespace
}  // namespace ledger::replay
