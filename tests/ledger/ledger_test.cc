// The append path through the public API: what is accepted, what is refused (and that nothing
// is appended then), idempotency, versions, atomic batches, keys and roles, and group commit.
#include "ledger/ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "../temp_dir.h"
#include "base/mutex.h"
#include "ledger/append_stages.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"
#include "ledger/verify.h"
#include "ledger/verify_stages.h"
#include "test_events.h"

namespace ledger {
namespace {

using testing::CaseOpened;
using testing::MakeKey;
using testing::PhaseEntered;
using testing::Sign;
using testing::TestLedger;

TEST(LedgerTest, AppendsAndReadsBackBySeqIdAndStream) {
  TestLedger t;
  uint64_t before = t.ledger->log().Size();
  auto opened = CaseOpened("yabc");
  auto r = t.ledger->log().Append(Sign(opened, t.caseworker));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->seq, before);
  EXPECT_EQ(r->version, 0u);
  EXPECT_FALSE(r->duplicate);
  auto r2 = t.ledger->log().Append(Sign(PhaseEntered("yabc", "intake"), t.caseworker));
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->seq, before + 1);
  EXPECT_EQ(r2->version, 1u);
  EXPECT_GE(r2->recorded_at_us, r->recorded_at_us);

  auto by_seq = t.ledger->log().ReadSeq(r->seq);
  ASSERT_TRUE(by_seq.ok());
  auto json = EventJsonFromCanonical(by_seq->event);
  ASSERT_TRUE(json.ok());
  auto j = nlohmann::json::parse(*json);
  EXPECT_EQ(j["type"], "case.opened");
  EXPECT_EQ(j["data"]["age_at_intake"], 19);
  // Personal values are never in the entry: only 64-hex digests.
  EXPECT_EQ(j["personal"]["name"].get<std::string>().size(), 64u);
  EXPECT_EQ(json->find("Kari"), std::string::npos);
  EXPECT_EQ(by_seq->bytes.find("Kari"), std::string::npos);

  auto by_id = t.ledger->log().ReadId(opened["id"].get<std::string>());
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->seq, r->seq);
  auto stream = t.ledger->log().ReadStream("case/yabc", 0, 100);
  ASSERT_TRUE(stream.ok());
  ASSERT_EQ(stream->size(), 2u);
  EXPECT_EQ((*stream)[1].seq, r2->seq);

  auto personal = t.ledger->privacy().ReadPersonal(r->seq, t.caseworker.key_id());
  ASSERT_TRUE(personal.ok()) << personal.status().ToString();
  EXPECT_EQ(personal->state, PersonalValues::State::kPresent);
  EXPECT_EQ(personal->values.size(), 3u);
}

// ledger/append_stages.h: while on, every stage of an append is counted; while off, nothing is.
TEST(LedgerTest, AppendStageTimesCountEveryEventOnlyWhileOn) {
  TestLedger t;
  std::vector<SignedEvent> batch;
  for (int i = 0; i < 40; ++i) {
    batch.push_back(Sign(CaseOpened("ystage" + std::to_string(i)), t.caseworker));
  }
  EnableAppendStageTimes(false);
  ResetAppendStageTimes();
  for (auto& r : t.ledger->log().AppendEach({batch.begin(), batch.begin() + 20}))
    ASSERT_TRUE(r.ok());
  AppendStageTimes off = ReadAppendStageTimes();
  EXPECT_EQ(off.events, 0u);
  EXPECT_EQ(off.verify_ns + off.decode_ns + off.apply_ns + off.write_ns, 0u);

  EnableAppendStageTimes(true);
  for (auto& r : t.ledger->log().AppendEach({batch.begin() + 20, batch.end()})) ASSERT_TRUE(r.ok());
  EnableAppendStageTimes(false);
  AppendStageTimes on = ReadAppendStageTimes();
  EXPECT_EQ(on.events, 20u);
  EXPECT_GE(on.groups, 1u);
  EXPECT_GT(on.decode_ns, 0u);
  EXPECT_GT(on.verify_ns, 0u);  // every key is registered: the appenders check each signature
  EXPECT_GT(on.tree_ns, 0u);
  EXPECT_GT(on.write_ns, 0u);
  EXPECT_GE(on.apply_ns, on.id_index_ns + on.rules_ns + on.tree_ns + on.records_ns);
  ResetAppendStageTimes();
  EXPECT_EQ(ReadAppendStageTimes().events, 0u);
}

TEST(LedgerTest, VerifyStageTimesCountEveryEntryOnlyWhileOn) {
  TestLedger t;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(
        t.ledger->log().Append(Sign(CaseOpened("vstage" + std::to_string(i)), t.caseworker)).ok());
  }
  const uint64_t size = t.ledger->log().Size();
  EnableVerifyStageTimes(false);
  ResetVerifyStageTimes();
  VerifyOptions options;
  options.check_derived = true;
  ASSERT_TRUE(VerifyLedger(*t.ledger, options)->ok);
  VerifyStageTimes off = ReadVerifyStageTimes();
  EXPECT_EQ(off.entries, 0u);
  EXPECT_EQ(off.signature_ns + off.decode_ns + off.in_order_ns, 0u);

  EnableVerifyStageTimes(true);
  ASSERT_TRUE(VerifyLedger(*t.ledger, options)->ok);
  EnableVerifyStageTimes(false);
  VerifyStageTimes on = ReadVerifyStageTimes();
  EXPECT_EQ(on.entries, size);
  EXPECT_GT(on.leaf_hash_ns, 0u);
  EXPECT_GT(on.decode_ns, 0u);
  EXPECT_GT(on.prepare_ns, 0u);
  // Keys registered in the same batch are checked in order (keys_ns), the rest on all cores.
  EXPECT_GT(on.signature_ns + on.keys_ns, 0u);
  EXPECT_GT(on.derived_ns, 0u);
  EXPECT_GT(on.in_order_ns, 0u);
  ResetVerifyStageTimes();
  EXPECT_EQ(ReadVerifyStageTimes().entries, 0u);
}

// The writer advances a stream's head in place within a group (log_writer.cc, ApplyEvent):
// an event refused between two accepted ones of the same stream, in one call, must leave no
// trace in the head, and the stored heads must equal what verification rebuilds.
TEST(LedgerTest, ARefusedEventBetweenAcceptedOnesOfItsStreamLeavesTheHeadAsItWas) {
  TestLedger t;
  auto opened = CaseOpened("yinplace");
  auto stale = PhaseEntered("yinplace", "clarification");
  stale["expected_version"] = 7;           // the stream will be at 2
  auto reopened = CaseOpened("yinplace");  // case.opened only as the stream's first event
  std::vector<SignedEvent> batch = {
      Sign(opened, t.caseworker),   Sign(PhaseEntered("yinplace", "intake"), t.caseworker),
      Sign(stale, t.caseworker),    Sign(PhaseEntered("yinplace", "clarification"), t.caseworker),
      Sign(reopened, t.caseworker), Sign(PhaseEntered("yinplace", "follow_up"), t.caseworker)};
  auto results = t.ledger->log().AppendEach(batch);
  ASSERT_EQ(results.size(), batch.size());
  ASSERT_TRUE(results[0].ok() && results[1].ok() && results[3].ok() && results[5].ok());
  EXPECT_EQ(results[2].status().code(), StatusCode::kConflict) << results[2].status().ToString();
  EXPECT_FALSE(results[4].ok());
  EXPECT_EQ(results[1]->version, 1u);
  EXPECT_EQ(results[3]->version, 2u);
  EXPECT_EQ(results[5]->version, 3u);
  auto stream = t.ledger->log().ReadStream("case/yinplace", 0, 100);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ(stream->size(), 4u);
  // The next append sees version 4 next.
  auto next = PhaseEntered("yinplace", "after_care");
  next["expected_version"] = 3;
  auto appended = t.ledger->log().Append(Sign(next, t.caseworker));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EXPECT_EQ(appended->version, 4u);
  auto report = VerifyLedger(*t.ledger, {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->failed_check << " " << report->failure.ToString();
}

// Within an atomic batch the writer advances the stream's head in place in the batch's own
// unit (log_writer.cc, ApplyEvent): a refusal anywhere in it drops the batch whole, and the
// stream's head is as before.
TEST(LedgerTest, ARefusedAtomicBatchLeavesItsStreamsHeadAsItWas) {
  TestLedger t;
  ASSERT_TRUE(t.ledger->log().Append(Sign(CaseOpened("yatomic"), t.caseworker)).ok());
  std::vector<SignedEvent> refused = {Sign(PhaseEntered("yatomic", "intake"), t.caseworker),
                                      Sign(PhaseEntered("yatomic", "clarification"), t.caseworker),
                                      Sign(CaseOpened("yatomic"), t.caseworker)};
  const uint64_t size = t.ledger->log().Size();
  auto result = t.ledger->log().AppendAtomic(refused);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("event 2 of the atomic batch"), std::string::npos)
      << result.status().ToString();
  EXPECT_EQ(t.ledger->log().Size(), size);
  std::vector<SignedEvent> accepted = {
      Sign(PhaseEntered("yatomic", "intake"), t.caseworker),
      Sign(PhaseEntered("yatomic", "clarification"), t.caseworker)};
  auto ok = t.ledger->log().AppendAtomic(accepted);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)[0].version, 1u);
  EXPECT_EQ((*ok)[1].version, 2u);
  auto report = VerifyLedger(*t.ledger, {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->failed_check << " " << report->failure.ToString();
}

TEST(LedgerTest, SameIdSameContentReturnsFirstPosition) {
  TestLedger t;
  auto e = Sign(CaseOpened("yabc"), t.caseworker);
  auto first = t.ledger->log().Append(e);
  ASSERT_TRUE(first.ok());
  uint64_t size = t.ledger->log().Size();
  auto again = t.ledger->log().Append(e);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->seq, first->seq);
  EXPECT_EQ(t.ledger->log().Size(), size);
}

// Regression: a retry re-signs the same input line; with personal values it must still be a
// duplicate (salts are derived from the author's key, not drawn at random).
TEST(LedgerTest, ResigningTheSameInputWithPersonalValuesIsADuplicate) {
  TestLedger t;
  auto j = CaseOpened("yabc");
  auto first = t.ledger->log().Append(Sign(j, t.caseworker));
  ASSERT_TRUE(first.ok());
  auto retry = t.ledger->log().Append(Sign(j, t.caseworker));
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->seq, first->seq);
}

TEST(LedgerTest, SameIdOtherContentIsConflict) {
  TestLedger t;
  auto j = CaseOpened("yabc");
  ASSERT_TRUE(t.ledger->log().Append(Sign(j, t.caseworker)).ok());
  uint64_t size = t.ledger->log().Size();
  j["stream"] = "case/ydef";
  j["subject"] = "ydef";
  auto r = t.ledger->log().Append(Sign(j, t.caseworker));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_NE(r.status().message().find(j["id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(t.ledger->log().Size(), size);
}

TEST(LedgerTest, BadSignatureIsRefused) {
  TestLedger t;
  auto e = Sign(CaseOpened("yabc"), t.caseworker);
  e.signature[0] ^= 1;
  uint64_t size = t.ledger->log().Size();
  auto r = t.ledger->log().Append(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("bad signature"), std::string::npos);
  EXPECT_EQ(t.ledger->log().Size(), size);
  // An altered event under a good signature is refused the same way.
  auto e2 = Sign(CaseOpened("yabc"), t.caseworker);
  e2.event[e2.event.size() - 9] ^= 1;
  auto r2 = t.ledger->log().Append(e2);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(t.ledger->log().Size(), size);
}

TEST(LedgerTest, UnregisteredKeyIsRefused) {
  TestLedger t;
  auto stranger = MakeKey("stranger");
  auto r = t.ledger->log().Append(Sign(CaseOpened("yabc"), stranger));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("not registered"), std::string::npos);
}

TEST(LedgerTest, RevokedKeyAppendsNothingAfterRevocation) {
  TestLedger t;
  ASSERT_TRUE(t.ledger->log().Append(Sign(CaseOpened("yabc"), t.caseworker)).ok());
  ASSERT_TRUE(RevokeKey(*t.ledger, t.admin, t.caseworker.key_id_hex(), "left").ok());
  auto r = t.ledger->log().Append(Sign(PhaseEntered("yabc", "intake"), t.caseworker));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("revoked"), std::string::npos);
  // Revoking twice is refused too.
  auto again = RevokeKey(*t.ledger, t.admin, t.caseworker.key_id_hex(), "left");
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
}

TEST(LedgerTest, RoleMayOnlyAppendItsTypes) {
  TestLedger t;
  // A caseworker may not register keys...
  auto other = MakeKey("other");
  auto r = RegisterKey(*t.ledger, t.caseworker, other.verifier(), "caseworker", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  // The event names its actor as admin; the key is a caseworker's: refused either way.
  EXPECT_NE(r.status().message().find("role caseworker"), std::string::npos)
      << r.status().ToString();
  // ...and an admin may not write case events.
  auto r2 = t.ledger->log().Append(Sign(CaseOpened("yabc"), t.admin));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kPermissionDenied);
  // An auditor may append nothing.
  auto auditor = MakeKey("auditor");
  ASSERT_TRUE(RegisterKey(*t.ledger, t.admin, auditor.verifier(), "auditor", {}).ok());
  EXPECT_EQ(t.ledger->log().Append(Sign(CaseOpened("yabc"), auditor)).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(LedgerTest, ScopeLimitsStreamsByOffice) {
  TestLedger t;
  auto scoped = MakeKey("kongsberg");
  ASSERT_TRUE(
      RegisterKey(*t.ledger, t.admin, scoped.verifier(), "caseworker", {"office:kongsberg"}).ok());
  auto r = t.ledger->log().Append(Sign(CaseOpened("yabc"), scoped));  // office drammen-ung
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  auto j = CaseOpened("ydef");
  j["data"]["office"] = "kongsberg";
  EXPECT_TRUE(t.ledger->log().Append(Sign(j, scoped)).ok());
  EXPECT_TRUE(t.ledger->log().Append(Sign(PhaseEntered("ydef", "intake"), scoped)).ok());
}

TEST(LedgerTest, ExpectedVersionIsChecked) {
  TestLedger t;
  auto opened = CaseOpened("yabc");
  opened["expected_version"] = "no_stream";
  ASSERT_TRUE(t.ledger->log().Append(Sign(opened, t.caseworker)).ok());
  auto next = PhaseEntered("yabc", "intake");
  next["expected_version"] = 0;
  ASSERT_TRUE(t.ledger->log().Append(Sign(next, t.caseworker)).ok());
  auto stale = PhaseEntered("yabc", "clarification");
  stale["expected_version"] = 0;
  auto r = t.ledger->log().Append(Sign(stale, t.caseworker));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("version 1"), std::string::npos);
  auto again = CaseOpened("yabc");
  again["expected_version"] = "no_stream";
  EXPECT_EQ(t.ledger->log().Append(Sign(again, t.caseworker)).status().code(),
            StatusCode::kConflict);
  auto exists = PhaseEntered("ynew", "intake");
  exists["expected_version"] = "exists";
  EXPECT_EQ(t.ledger->log().Append(Sign(exists, t.caseworker)).status().code(),
            StatusCode::kConflict);
}

TEST(LedgerTest, CaseStreamMustStartWithCaseOpened) {
  TestLedger t;
  auto r = t.ledger->log().Append(Sign(PhaseEntered("yabc", "intake"), t.caseworker));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("must be case.opened"), std::string::npos);
  ASSERT_TRUE(t.ledger->log().Append(Sign(CaseOpened("yabc"), t.caseworker)).ok());
  EXPECT_EQ(t.ledger->log().Append(Sign(CaseOpened("yabc"), t.caseworker)).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(LedgerTest, OccurredAtMoreThanFiveMinutesAheadIsRefused) {
  // A ledger clock an hour ahead of the machine, so that key events (stamped with the
  // machine's time) are accepted.
  const int64_t now = (NowMicros() / 1000000 + 3600) * 1000000;
  LedgerOptions options;
  options.clock = [now] { return now; };
  TestLedger t(options);
  auto j = CaseOpened("yabc");
  j["occurred_at"] = FormatInstantMicros(now + 5 * 60 * 1000000 + 1000000);
  auto r = t.ledger->log().Append(Sign(j, t.caseworker));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("occurred_at"), std::string::npos);
  j["occurred_at"] = FormatInstantMicros(now + 5 * 60 * 1000000);
  EXPECT_TRUE(t.ledger->log().Append(Sign(j, t.caseworker)).ok());
}

TEST(LedgerTest, RecordedAtNeverDecreasesWhenTheClockGoesBack) {
  std::atomic<int64_t> now{NowMicros() + int64_t{3600} * 1000000};
  LedgerOptions options;
  options.clock = [&] { return now.load(); };
  TestLedger t(options);
  auto a = t.ledger->log().Append(Sign(CaseOpened("yabc"), t.caseworker));
  now -= 60 * 1000000;
  auto b = t.ledger->log().Append(Sign(PhaseEntered("yabc", "intake"), t.caseworker));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GE(b->recorded_at_us, a->recorded_at_us);
}

TEST(LedgerTest, OversizeEventIsRefused) {
  TestLedger t;
  auto j = CaseOpened("yabc");
  j["personal"]["notes"] = std::string(4000, 'x');
  ASSERT_TRUE(t.ledger->log().Append(Sign(j, t.caseworker)).ok());  // notes travel beside the event
  // An event over 64 KiB can only be built from raw bytes: pad a valid event's bytes.
  auto e = Sign(PhaseEntered("yabc", "intake"), t.caseworker);
  e.event.append(70000, '\0');
  uint64_t size = t.ledger->log().Size();
  auto r = t.ledger->log().Append(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("65535"), std::string::npos);
  EXPECT_EQ(t.ledger->log().Size(), size);
}

TEST(LedgerTest, DisclosureMustMatchItsDigest) {
  TestLedger t;
  auto e = Sign(CaseOpened("yabc"), t.caseworker);
  for (auto& d : e.disclosures) {
    if (d.field == "name") d.value = "Someone Else";
  }
  auto r = t.ledger->log().Append(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("does not match"), std::string::npos);
  auto e2 = Sign(CaseOpened("yabc"), t.caseworker);
  e2.disclosures.pop_back();
  EXPECT_EQ(t.ledger->log().Append(e2).status().code(), StatusCode::kInvalidArgument);
}

TEST(LedgerTest, AtomicBatchIsAllOrNothing) {
  TestLedger t;
  uint64_t size = t.ledger->log().Size();
  auto bad = PhaseEntered("yabc", "intake");
  bad["expected_version"] = 7;
  std::vector<SignedEvent> batch = {Sign(CaseOpened("yabc"), t.caseworker),
                                    Sign(PhaseEntered("yabc", "intake"), t.caseworker),
                                    Sign(bad, t.caseworker)};
  auto r = t.ledger->log().AppendAtomic(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("event 2 of the atomic batch"), std::string::npos);
  EXPECT_EQ(t.ledger->log().Size(), size);
  EXPECT_EQ(t.ledger->log().ReadStream("case/yabc", 0, 10)->size(), 0u);
  batch.pop_back();
  auto ok = t.ledger->log().AppendAtomic(batch);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)[1].version, 1u);
}

TEST(LedgerTest, AppendEachRefusesOnlyTheBadEvents) {
  TestLedger t;
  auto bad = Sign(PhaseEntered("yabc", "intake"), t.caseworker);
  bad.signature[3] ^= 1;
  std::vector<SignedEvent> batch = {Sign(CaseOpened("yabc"), t.caseworker), bad,
                                    Sign(PhaseEntered("yabc", "intake"), t.caseworker)};
  auto results = t.ledger->log().AppendEach(batch);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok());
  EXPECT_FALSE(results[1].ok());
  ASSERT_TRUE(results[2].ok());
  EXPECT_EQ(results[2]->seq, results[0]->seq + 1);  // no gap for the refused one
}

TEST(LedgerTest, KeyRegisteredAndUsedInOneAtomicBatch) {
  TestLedger t;
  auto fresh = MakeKey("fresh");
  auto reg = SignEventJson(KeyRegisteredJson(t.admin, fresh.verifier(), "caseworker", {}), t.admin);
  ASSERT_TRUE(reg.ok());
  auto r = t.ledger->log().AppendAtomic({*reg, Sign(CaseOpened("yabc"), fresh)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

TEST(LedgerTest, ConcurrentAppendersGetGaplessPositions) {
  TestLedger t;
  constexpr int kThreads = 8, kPerThread = 60;
  std::vector<std::vector<SignedEvent>> work(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    std::string s = "yt" + std::to_string(i);
    work[i].push_back(Sign(CaseOpened(s), t.caseworker));
    for (int k = 1; k < kPerThread; ++k)
      work[i].push_back(Sign(PhaseEntered(s, "intake"), t.caseworker));
  }
  uint64_t start = t.ledger->log().Size();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  Mutex mu;
  std::set<uint64_t> seqs;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (const auto& e : work[i]) {
        auto r = t.ledger->log().Append(e);
        if (!r.ok()) {
          failures++;
          continue;
        }
        MutexLock lock(mu);
        seqs.insert(r->seq);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  ASSERT_EQ(seqs.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*seqs.begin(), start);
  EXPECT_EQ(*seqs.rbegin(), start + kThreads * kPerThread - 1);
  // Per stream, versions are 0..n-1 in seq order.
  for (int i = 0; i < kThreads; ++i) {
    auto entries = t.ledger->log().ReadStream("case/yt" + std::to_string(i), 0, 1000).value();
    ASSERT_EQ(entries.size(), static_cast<size_t>(kPerThread));
    for (size_t v = 0; v < entries.size(); ++v) {
      EXPECT_EQ(entries[v].version, v);
      if (v) {
        EXPECT_GT(entries[v].seq, entries[v - 1].seq);
      }
    }
  }
}

TEST(LedgerTest, ScanReturnsEveryEntryInOrder) {
  TestLedger t;
  ASSERT_TRUE(t.ledger->log().Append(Sign(CaseOpened("yabc"), t.caseworker)).ok());
  uint64_t n = 0;
  auto it = t.ledger->log().Scan(0);
  for (; it->Valid(); it->Next()) EXPECT_EQ(it->entry().seq, n++);
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(n, t.ledger->log().Size());
  auto from_end = t.ledger->log().Scan(n);
  EXPECT_FALSE(from_end->Valid());
}

TEST(LedgerTest, ReadOfMissingThingsIsNotFound) {
  TestLedger t;
  EXPECT_EQ(t.ledger->log().ReadSeq(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(t.ledger->log().ReadId("00000000-0000-4000-8000-000000000000").status().code(),
            StatusCode::kNotFound);
}

TEST(LedgerTest, GenesisRequiresSelfSignedAdmin) {
  auto ledger_key = MakeKey("g.example/ledger");
  auto admin = MakeKey("admin");
  auto ledger =
      Ledger::CreateInMemory({ledger_key.name(), ledger_key.public_key(), admin.key_id()}).value();
  auto cw = MakeKey("cw");
  // A self-signed caseworker registration is not a genesis.
  auto self_cw = SignEventJson(KeyRegisteredJson(cw, cw.verifier(), "caseworker", {}), cw);
  ASSERT_TRUE(self_cw.ok());
  EXPECT_EQ(ledger->log().Append(*self_cw).status().code(), StatusCode::kPermissionDenied);
  // Regression: a ledger left empty (a crash between creation and the first admin's
  // registration) accepts no other self-signed admin than the one named at creation.
  auto intruder = MakeKey("intruder");
  auto self_intruder =
      SignEventJson(KeyRegisteredJson(intruder, intruder.verifier(), "admin", {}), intruder);
  EXPECT_EQ(ledger->log().Append(*self_intruder).status().code(), StatusCode::kPermissionDenied);
  auto self_admin = SignEventJson(KeyRegisteredJson(admin, admin.verifier(), "admin", {}), admin);
  ASSERT_TRUE(ledger->log().Append(*self_admin).ok());
  // After the first key, self-signed registrations are refused.
  auto admin2 = MakeKey("admin2");
  auto second = SignEventJson(KeyRegisteredJson(admin2, admin2.verifier(), "admin", {}), admin2);
  EXPECT_EQ(ledger->log().Append(*second).status().code(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace ledger

namespace ledger {
namespace {

// Regressions from review: each closes a way around the write path's checks.

TEST(LedgerReviewTest, ActorRoleMustBeTheSigningKeysRole) {
  TestLedger t;
  auto j = CaseOpened("yabc");
  j["actor"]["role"] = "dpo";  // a caseworker key recording that a DPO acted
  auto r = t.ledger->log().Append(Sign(j, t.caseworker));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("actor.role"), std::string::npos);
}

TEST(LedgerReviewTest, APublicKeyIsRegisteredOnce) {
  TestLedger t;
  // The caseworker's key again, under another name (another key id) and a stronger role.
  auto renamed = VerifierKey::FromPublicKey("caseworker-2", t.caseworker.public_key()).value();
  auto r = RegisterKey(*t.ledger, t.admin, renamed, "dpo", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("already registered"), std::string::npos);
}

TEST(LedgerReviewTest, ScopeWithoutSlashNamesOneStreamExactly) {
  TestLedger t;
  auto scoped = MakeKey("one-case");
  ASSERT_TRUE(RegisterKey(*t.ledger, t.admin, scoped.verifier(), "caseworker", {"case/yab"}).ok());
  EXPECT_EQ(t.ledger->log().Append(Sign(CaseOpened("yabc"), scoped)).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(t.ledger->log().Append(Sign(CaseOpened("yab"), scoped)).ok());
}

TEST(LedgerReviewTest, ADuplicateIsAnsweredOnlyToAValidSignature) {
  TestLedger t;
  auto e = Sign(CaseOpened("yabc"), t.caseworker);
  ASSERT_TRUE(t.ledger->log().Append(e).ok());
  auto stranger = MakeKey("stranger");
  SignedEvent probe = e;  // the same event bytes, claimed by an unknown key
  probe.key_id = stranger.key_id();
  probe.signature = stranger.Sign(EventSigningMessage(probe.event));
  auto r = t.ledger->log().Append(probe);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
}

TEST(LedgerReviewTest, TreeNodeBeyondTheTreeIsNotFound) {
  TestLedger t;
  EXPECT_EQ(t.ledger->audit().TreeNode(0, t.ledger->log().Size()).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(t.ledger->audit().TreeNode(0, 0).ok());
}

TEST(LedgerReviewTest, ReadIdNeverReturnsAnotherEvent) {
  TestLedger t;
  auto j = CaseOpened("yabc");
  ASSERT_TRUE(t.ledger->log().Append(Sign(j, t.caseworker)).ok());
  auto e = t.ledger->log().ReadId(j["id"].get<std::string>());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(SummarizeEvent(e->event)->id, j["id"].get<std::string>());
}

// Online backup (VerifiableHistory::Backup): a RocksDB checkpoint of a ledger on disk.
class LedgerBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    LedgerOptions options = testing::WithMasterKey({});
    options.checkpoint_key = ledger_key_;
    auto created = CreateLedgerWithAdmin((dir_ / "data").string(), ledger_key_, admin_, options);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ledger_ = std::move(created).value();
    auto r = RegisterKey(*ledger_, admin_, caseworker_.verifier(), "caseworker", {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void TearDown() override {
    ledger_.reset();  // before temp_ removes its files
  }

  SigningKey ledger_key_ = MakeKey("test.example/ledger");
  SigningKey admin_ = MakeKey("admin");
  SigningKey caseworker_ = MakeKey("caseworker");
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  std::filesystem::path dir_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerBackupTest, ACopyMadeDuringAppendsOpensAndVerifies) {
  ASSERT_TRUE(ledger_->log().Append(Sign(CaseOpened("yb0"), caseworker_)).ok());
  // Four writers keep appending (each to its own stream) while the backup is made.
  constexpr int kWriters = 4;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<uint64_t> appended{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const std::string subject = "yw" + std::to_string(w);
      if (!ledger_->log().Append(Sign(CaseOpened(subject), caseworker_)).ok()) failures++;
      while (!stop) {
        std::vector<SignedEvent> batch;
        for (int k = 0; k < 5; ++k)
          batch.push_back(Sign(PhaseEntered(subject, "intake"), caseworker_));
        if (ledger_->log().AppendAtomic(batch).ok()) {
          appended += batch.size();
        } else {
          failures++;
        }
      }
    });
  }
  while (appended < 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const uint64_t before = ledger_->log().Size();
  auto head = ledger_->audit().Backup((dir_ / "backups" / "b1").string());
  const uint64_t after = ledger_->log().Size();
  while (appended < after + 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(failures, 0);
  // Every append acknowledged before the call is in the copy; only whole atomic batches.
  EXPECT_GE(head->size, before);
  EXPECT_LE(head->size, after);
  EXPECT_LT(head->size, ledger_->log().Size());
  EXPECT_EQ(head->root, ledger_->audit().RootAt(head->size).value());

  auto copy = Ledger::Open((dir_ / "backups" / "b1").string());
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)->log().Size(), head->size);
  EXPECT_EQ((*copy)->audit().Head().root, head->root);
  VerifyOptions vo;
  vo.verifier_key = ledger_key_.verifier().ToString();
  auto report = VerifyLedger(**copy, vo);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->failed_check << " " << report->failure.ToString();
  EXPECT_EQ(report->size, head->size);
  // The copy's entries are the original's, byte for byte.
  for (uint64_t seq : {uint64_t{0}, head->size / 2, head->size - 1}) {
    EXPECT_EQ((*copy)->log().ReadSeq(seq).value().bytes, ledger_->log().ReadSeq(seq).value().bytes)
        << seq;
  }
  // The copy is a ledger of its own: it takes appends without touching the original.
  const uint64_t original = ledger_->log().Size();
  auto appended_to_copy = (*copy)->log().Append(Sign(PhaseEntered("yb0", "intake"), caseworker_));
  ASSERT_TRUE(appended_to_copy.ok()) << appended_to_copy.status().ToString();
  EXPECT_EQ(appended_to_copy->seq, head->size);
  EXPECT_EQ(ledger_->log().Size(), original);
}

TEST_F(LedgerBackupTest, AnEmptyDirectoryIsTakenAndANonEmptyOneRefused) {
  ASSERT_TRUE(ledger_->log().Append(Sign(CaseOpened("yb1"), caseworker_)).ok());
  const auto empty = dir_ / "empty";
  std::filesystem::create_directories(empty);
  auto head = ledger_->audit().Backup(empty.string());
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, ledger_->log().Size());

  // Now it holds a copy: a second backup there is refused and leaves the copy as it was.
  auto again = ledger_->audit().Backup(empty.string());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("not empty"), std::string::npos);
  EXPECT_TRUE(Ledger::Open(empty.string()).ok());

  const auto file = dir_ / "a-file";
  { std::ofstream(file) << "x"; }
  EXPECT_EQ(ledger_->audit().Backup(file.string()).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->audit().Backup("").status().code(), StatusCode::kInvalidArgument);
}

TEST(LedgerBackupMemoryTest, AnInMemoryLedgerHasNothingToBackUp) {
  TestLedger t;
  testing::TempDir temp("-never-made");
  const std::filesystem::path dir = temp.path();
  auto head = t.ledger->audit().Backup(dir.string());
  EXPECT_EQ(head.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace ledger

namespace ledger {
namespace {

// The last entries before appends pause get a checkpoint within about an interval, without a
// further append (an inclusion proof of them was 409 until the next append or the close).
TEST(LedgerCheckpointTest, TrailingEntriesAreCoveredWithoutAnotherAppend) {
  testing::TempDir temp("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
  const std::filesystem::path dir = temp.path();
  const SigningKey ledger_key = MakeKey("test.example/ledger");
  const SigningKey admin = MakeKey("admin");
  const SigningKey caseworker = MakeKey("caseworker");
  LedgerOptions options = testing::WithMasterKey({});
  options.checkpoint_key = ledger_key;
  options.checkpoint_interval_us = 200000;
  auto created = CreateLedgerWithAdmin((dir / "data").string(), ledger_key, admin, options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::unique_ptr<Ledger> ledger = std::move(created).value();
  ASSERT_TRUE(RegisterKey(*ledger, admin, caseworker.verifier(), "caseworker", {}).ok());
  // Appends in quick succession: the last ones fall inside an interval after a checkpoint.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        ledger->log().Append(Sign(CaseOpened("ytrail" + std::to_string(i)), caseworker)).ok());
  }
  const uint64_t size = ledger->log().Size();
  auto covered = [&]() -> uint64_t {
    auto note = ledger->audit().LatestCheckpoint();
    if (!note.ok()) return 0;
    // The note's second line is the tree size (c2sp.org/tlog-checkpoint).
    const size_t first = note->find('\n');
    return std::stoull(note->substr(first + 1, note->find('\n', first + 1) - first - 1));
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (covered() < size && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(covered(), size);
  EXPECT_EQ(ledger->log().Size(), size);  // nothing was appended meanwhile
  ledger.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ledger
