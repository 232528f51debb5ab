// The revocation watch (server/src/revocation_watch.h) on its own: a session is told once when
// its token or key is revoked, closed once if it is still registered a second later, and never
// called again after it is removed.
#include "revocation_watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "../ledger/test_events.h"
#include "../temp_dir.h"
#include "auth.h"
#include "ledger/key_admin.h"
#include "server/token_store.h"

namespace ledger::server::internal {
namespace {

using ledger::testing::MakeKey;
using std::chrono::milliseconds;

class RevocationWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    tokens_ = (dir_ / "tokens.json").string();
    ledger_ = CreateInMemoryLedgerWithAdmin(MakeKey("ledger"), admin_).value();
    ASSERT_TRUE(RegisterKey(*ledger_, admin_, subscriber_.verifier(), "subscriber", {}).ok());
    auto token = TokenStore::Create(tokens_, subscriber_.key_id_hex(), "subscriber", "s");
    ASSERT_TRUE(token.ok());
    token_ = token->token;
    auth_ = std::make_unique<Authenticator>(tokens_, *ledger_);
    ASSERT_TRUE(auth_->Load().ok());
    principal_ = auth_->Authenticate("Bearer " + token_).value();
  }

  // A session counting its callbacks.
  uint64_t AddCounted(RevocationWatch& watch) {
    RevocationWatch::Session s;
    s.principal = principal_;
    s.notify = [this](const Status& why) {
      ++notified_;
      why_ = why.message();
    };
    s.close = [this] { ++closed_; };
    return watch.Add(std::move(s));
  }

  ledger::testing::TempDir temp_{"", ledger::testing::TempDir::Where::kTmp,
                                 ledger::testing::TempDir::Create::kYes};
  std::filesystem::path dir_;
  std::string tokens_, token_;
  SigningKey admin_ = MakeKey("admin");
  SigningKey subscriber_ = MakeKey("subscriber");
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<Authenticator> auth_;
  Principal principal_;
  std::atomic<int> notified_{0}, closed_{0};  // the watch's thread counts too
  std::string why_;
};

TEST_F(RevocationWatchTest, ToldOnceThenClosedOnceAfterTheGrace) {
  RevocationWatch watch(*auth_, milliseconds(100));
  AddCounted(watch);
  watch.CheckNow();
  EXPECT_EQ(notified_, 0);

  ASSERT_TRUE(TokenStore::Revoke(tokens_, principal_.token_id).ok());
  watch.CheckNow();
  EXPECT_EQ(notified_, 1);
  EXPECT_EQ(why_, "the API token was revoked");
  watch.CheckNow();
  EXPECT_EQ(notified_, 1);
  EXPECT_EQ(closed_, 0);  // the session has its second to say goodbye

  std::this_thread::sleep_for(RevocationWatch::kGrace + milliseconds(50));
  watch.CheckNow();
  EXPECT_EQ(closed_, 1);
  watch.CheckNow();
  EXPECT_EQ(closed_, 1);
  EXPECT_EQ(notified_, 1);
}

TEST_F(RevocationWatchTest, KeyRevocationIsSeenAndARemovedSessionIsLeftAlone) {
  RevocationWatch watch(*auth_, milliseconds(100));
  const uint64_t removed = AddCounted(watch);
  watch.Remove(removed);
  EXPECT_EQ(watch.sessions(), 0u);
  ASSERT_TRUE(RevokeKey(*ledger_, admin_, subscriber_.key_id_hex(), "compromised").ok());
  watch.CheckNow();
  EXPECT_EQ(notified_, 0);

  AddCounted(watch);
  watch.CheckNow();
  EXPECT_EQ(notified_, 1);
  EXPECT_EQ(why_, "the token's key is revoked");
}

TEST_F(RevocationWatchTest, TheThreadChecksWithoutBeingAsked) {
  RevocationWatch watch(*auth_, milliseconds(20));
  AddCounted(watch);
  watch.Start();
  ASSERT_TRUE(TokenStore::Revoke(tokens_, principal_.token_id).ok());
  // Bounded: the thread's round is 20 ms.
  for (int i = 0; i < 500 && notified_ == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  watch.Stop();
  EXPECT_EQ(notified_, 1);
}

}  // namespace
}  // namespace ledger::server::internal
