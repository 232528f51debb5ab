// The guarantee every projection must keep (docs/projections.md, "Replay"): replaying from zero
// and resuming from a state saved at any position give byte-identical state and reports.
#ifndef LEDGER_TESTS_REPLAY_RESUME_CHECK_H_
#define LEDGER_TESTS_REPLAY_RESUME_CHECK_H_

#include <gtest/gtest.h>

#include <string>

#include "replay/replayer.h"
#include "replay/state_store.h"
#include "replay_test_log.h"

namespace ledger::testing {

// For every position k of the log: a replay of [0, k) is saved, resumed into a fresh projection
// and run to the end; its state and `render(projection, log point)` must be a rebuild's. The
// state saved at k must also restore to the same bytes.
template <typename P, typename Render>
void ExpectStoppedAnywhereAndResumedEqualsARebuild(Ledger& ledger, Render render) {
  P full;
  auto whole = replay::Replayer::Create(ledger, {&full});
  ASSERT_TRUE((*whole)->Run().ok());
  const std::string expected = full.Serialize();
  const std::string expected_report = render(full, *(*whole)->Point());
  for (uint64_t k = 0; k <= ledger.log().Size(); ++k) {
    ScratchDir dir;
    auto store = replay::StateStore::Open(dir.path());
    {
      P first;
      auto r1 = replay::Replayer::Create(ledger, {&first});
      replay::RunOptions to_k;
      to_k.to_seq = k;
      ASSERT_TRUE((*r1)->Run(to_k).ok());
      P copy;
      ASSERT_TRUE(copy.Restore(first.Serialize()).ok()) << "k=" << k;
      ASSERT_EQ(copy.Serialize(), first.Serialize()) << "k=" << k;
      ASSERT_TRUE((*r1)->Save(**store).ok());
    }
    P resumed;
    auto r2 = replay::Replayer::Create(ledger, {&resumed});
    auto info = (*r2)->Resume(**store);
    ASSERT_TRUE(info.ok());
    ASSERT_EQ(info->kind, replay::ResumeKind::kResumed);
    ASSERT_EQ(info->position, k);
    ASSERT_TRUE((*r2)->Run().ok());
    EXPECT_EQ(resumed.Serialize(), expected) << "stopped at k=" << k;
    EXPECT_EQ(render(resumed, *(*r2)->Point()), expected_report) << "stopped at k=" << k;
  }
}

// A state of the whole log restores to the same bytes; every truncation of it, and trailing
// bytes, are Corruption and leave the projection empty (case_count() == 0). Returns the number
// of cases of the whole log.
template <typename P>
size_t ExpectRestoreRefusesDamagedState(Ledger& ledger) {
  P p;
  auto r = replay::Replayer::Create(ledger, {&p});
  EXPECT_TRUE((*r)->Run().ok());
  const std::string bytes = p.Serialize();
  P q;
  for (size_t n = 0; n < bytes.size(); n += 3) {
    EXPECT_EQ(q.Restore(bytes.substr(0, n)).code(), StatusCode::kCorruption) << n;
    EXPECT_EQ(q.case_count(), 0u);
  }
  EXPECT_EQ(q.Restore(bytes + "x").code(), StatusCode::kCorruption);
  EXPECT_TRUE(q.Restore(bytes).ok());
  EXPECT_EQ(q.Serialize(), bytes);
  return p.case_count();
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_REPLAY_RESUME_CHECK_H_
