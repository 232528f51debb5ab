// The checkpoint and witness gauges of /v1/metrics (server/src/tree_metrics.h) on a ledger whose
// checkpoints, covered entries and cosignatures this test controls; the live server's export of
// them is checked by promtool and the dashboard's test (tests/openapi/CMakeLists.txt).
#include "tree_metrics.h"

#include <gtest/gtest.h>

#include "../ledger/test_events.h"
#include "ledger/key_admin.h"
#include "ledger/master_key.h"
#include "ledger/time_format.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"

namespace ledger::server::internal {
namespace {

using ledger::testing::CaseOpened;
using ledger::testing::MakeKey;
using ledger::testing::Sign;

constexpr int64_t kSecond = 1000000;

// An in-memory ledger that signs checkpoints, with a caseworker key registered.
struct SigningLedger {
  SigningKey ledger_key = MakeKey("test.example/ledger");
  SigningKey admin = MakeKey("admin");
  SigningKey caseworker = MakeKey("caseworker");
  std::unique_ptr<Ledger> ledger;

  SigningLedger() {
    LedgerOptions options;
    options.checkpoint_key = ledger_key;
    options.master_key = MasterKey::Generate();
    ledger = CreateInMemoryLedgerWithAdmin(ledger_key, admin, options).value();
    EXPECT_TRUE(RegisterKey(*ledger, admin, caseworker.verifier(), "caseworker", {}).ok());
  }
};

TEST(TreeMetricsTest, CheckpointAgesCoverageAndCosignatures) {
  SigningLedger t;
  auto note = t.ledger->audit().SignCheckpoint();
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  const uint64_t covered = t.ledger->log().Size();
  ASSERT_TRUE(t.ledger->log().Append(Sign(CaseOpened("p-1"), t.caseworker)).ok());
  const int64_t now = NowMicros() + 5 * kSecond;

  // One entry waits for a checkpoint; the checkpoint attests entries about 5 s old.
  auto g = ReadTreeGauges(*t.ledger, t.ledger->log().Size(), now);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->checkpoint_size, covered);
  ASSERT_TRUE(g->checkpoint_age_seconds.has_value());
  EXPECT_GE(*g->checkpoint_age_seconds, 5.0);
  EXPECT_LT(*g->checkpoint_age_seconds, 60.0);
  EXPECT_GE(g->uncheckpointed_entry_age_seconds, 5.0);
  EXPECT_LT(g->uncheckpointed_entry_age_seconds, 60.0);
  EXPECT_TRUE(g->cosignature_ages.empty());

  // A witness cosigns the checkpoint, 100 s before `now` by its timestamp.
  auto parsed = tlog::ParseNote(*note);
  ASSERT_TRUE(parsed.ok());
  const std::string seed(32, '\x07');
  auto cosignature = tlog::CosignCheckpoint(parsed->text, "witness.example/w1", seed,
                                            static_cast<uint64_t>(now / kSecond - 100));
  ASSERT_TRUE(cosignature.ok()) << cosignature.status().ToString();
  const std::string line =
      tlog::FormatNote({parsed->text, {*cosignature}}).substr(parsed->text.size() + 1);
  ASSERT_TRUE(t.ledger->audit().AddCosignatures(covered, {line}).ok());
  g = ReadTreeGauges(*t.ledger, t.ledger->log().Size(), now);
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->cosignature_ages.size(), 1u);
  EXPECT_EQ(g->cosignature_ages[0].first, "witness.example/w1");
  EXPECT_DOUBLE_EQ(g->cosignature_ages[0].second, 100.0);
  const std::string text = RenderTreeGauges(*g);
  EXPECT_NE(text.find("ledger_checkpoint_cosignatures 1\n"), std::string::npos) << text;
  EXPECT_NE(
      text.find("ledger_witness_cosignature_age_seconds{witness=\"witness.example/w1\"} 100\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("ledger_checkpoint_size " + std::to_string(covered) + "\n"),
            std::string::npos)
      << text;

  // A new checkpoint covers everything, and carries no cosignature yet.
  ASSERT_TRUE(t.ledger->audit().SignCheckpoint().ok());
  g = ReadTreeGauges(*t.ledger, t.ledger->log().Size(), now);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->checkpoint_size, t.ledger->log().Size());
  EXPECT_EQ(g->uncheckpointed_entry_age_seconds, 0.0);
  EXPECT_TRUE(g->cosignature_ages.empty());
  EXPECT_NE(RenderTreeGauges(*g).find("ledger_checkpoint_cosignatures 0\n"), std::string::npos);
}

// The families are declared even when they have no sample (no checkpoint covering an entry, no
// cosignature), so that dashboards and alerts find them on every server.
TEST(TreeMetricsTest, FamiliesAreDeclaredWithoutSamples) {
  const std::string text = RenderTreeGauges(TreeGauges{});
  for (const char* family :
       {"ledger_checkpoint_size", "ledger_checkpoint_age_seconds",
        "ledger_uncheckpointed_entry_age_seconds", "ledger_checkpoint_cosignatures",
        "ledger_witness_cosignature_age_seconds"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + family + " gauge\n"), std::string::npos) << family;
  }
  EXPECT_EQ(text.find("\nledger_checkpoint_age_seconds "), std::string::npos) << text;
}

}  // namespace
}  // namespace ledger::server::internal
