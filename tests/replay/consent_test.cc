// Consent in force and coverage, with instants written in different zones: the definitions of
// indicators.md ("Compliance") applied by hand.
#include "replay/consent.h"

#include <gtest/gtest.h>

#include "replay_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::Us;

// Given 2009-01-05 10:00 Oslo (09:00Z), expiring at midnight starting 2009-07-01 Oslo
// (2009-06-30T22:00Z).
ConsentFacts Given() {
  ConsentFacts c;
  c.consent_id = "con-1";
  c.given = true;
  c.given_at_us = Us("2009-01-05T10:00:00+01:00");
  c.expires_at_us = Us("2009-07-01T00:00:00+02:00");
  c.purposes = {"case_coordination", "referral_committee"};
  c.recipients = {"nav", "referral_committee"};
  c.data_categories = {"identity", "economy"};
  return c;
}

TEST(ConsentTest, InForceFromTheInstantItIsGiven) {
  ConsentFacts c = Given();
  EXPECT_EQ(StandingAt(c, Us("2009-01-05T08:59:59.999999Z")), ConsentStanding::kNotGiven);
  EXPECT_TRUE(InForceAt(c, Us("2009-01-05T09:00:00Z")));
  // The same instant written in another zone.
  EXPECT_TRUE(InForceAt(c, Us("2009-01-05T04:00:00-05:00")));
  EXPECT_FALSE(InForceAt(c, Us("2009-01-05T03:59:59-05:00")));
}

TEST(ConsentTest, NotInForceAtItsExpiry) {
  ConsentFacts c = Given();
  // The last microsecond of 30 June in Oslo is before the expiry; midnight is not.
  EXPECT_TRUE(InForceAt(c, Us("2009-06-30T23:59:59.999999+02:00")));
  EXPECT_EQ(StandingAt(c, Us("2009-06-30T22:00:00Z")), ConsentStanding::kExpired);
  EXPECT_EQ(StandingAt(c, Us("2009-07-01T00:00:00+02:00")), ConsentStanding::kExpired);
  // 23:30 on 30 June at +01:00 is 00:30 on 1 July in Oslo: expired, though "the 30th" where
  // written.
  EXPECT_EQ(StandingAt(c, Us("2009-06-30T23:30:00+01:00")), ConsentStanding::kExpired);
}

TEST(ConsentTest, ARenewalCountsFromItsOccurredAt) {
  ConsentFacts c = Given();
  c.renewals.push_back({Us("2009-06-20T10:00:00+02:00"), 40, Us("2010-07-01T00:00:00+02:00")});
  EXPECT_EQ(ExpiryAt(c, Us("2009-06-20T07:59:59Z")), c.expires_at_us);
  EXPECT_EQ(ExpiryAt(c, Us("2009-06-20T08:00:00Z")), Us("2010-07-01T00:00:00+02:00"));
  EXPECT_TRUE(InForceAt(c, Us("2009-08-01T12:00:00+02:00")));
  EXPECT_EQ(StandingAt(c, Us("2010-07-01T00:00:00+02:00")), ConsentStanding::kExpired);
}

TEST(ConsentTest, ARenewalAfterExpiryLeavesAGap) {
  ConsentFacts c = Given();
  c.renewals.push_back({Us("2009-07-05T10:00:00+02:00"), 41, Us("2010-07-01T00:00:00+02:00")});
  EXPECT_EQ(StandingAt(c, Us("2009-07-03T12:00:00+02:00")), ConsentStanding::kExpired);
  EXPECT_TRUE(InForceAt(c, Us("2009-07-05T10:00:00+02:00")));
}

TEST(ConsentTest, RenewalsOnTheSameInstantResolveByLogOrder) {
  ConsentFacts c = Given();
  int64_t at = Us("2009-06-20T10:00:00+02:00");
  c.renewals.push_back({at, 51, Us("2009-12-31T00:00:00+01:00")});
  c.renewals.push_back({at, 50, Us("2011-12-31T00:00:00+01:00")});
  // seq 51 is later in the log than seq 50, whatever order the list holds them in.
  EXPECT_EQ(ExpiryAt(c, at), Us("2009-12-31T00:00:00+01:00"));
  // The latest by occurred_at wins over a later position.
  c.renewals.push_back({at - 1, 99, Us("2012-01-01T00:00:00Z")});
  EXPECT_EQ(ExpiryAt(c, at), Us("2009-12-31T00:00:00+01:00"));
}

TEST(ConsentTest, WithdrawnFromItsEffectiveAtNotItsOccurredAt) {
  ConsentFacts c = Given();
  // Recorded at 11:00, effective at noon Oslo time, written in UTC.
  c.Withdraw(Us("2009-06-15T10:00:00Z"));
  EXPECT_TRUE(InForceAt(c, Us("2009-06-15T11:59:59.999999+02:00")));
  EXPECT_EQ(StandingAt(c, Us("2009-06-15T12:00:00+02:00")), ConsentStanding::kWithdrawn);
  // A second withdrawal, later, changes nothing; an earlier one moves the end back.
  c.Withdraw(Us("2009-06-20T10:00:00Z"));
  EXPECT_EQ(*c.withdrawn_effective_us, Us("2009-06-15T10:00:00Z"));
  c.Withdraw(Us("2009-06-01T10:00:00Z"));
  EXPECT_EQ(StandingAt(c, Us("2009-06-01T10:00:00Z")), ConsentStanding::kWithdrawn);
}

TEST(ConsentTest, RevokedAndInvalidatedFromTheirOccurredAt) {
  ConsentFacts r = Given();
  r.Revoke(Us("2009-03-01T09:00:00+01:00"));
  EXPECT_TRUE(InForceAt(r, Us("2009-03-01T07:59:59.999999Z")));
  EXPECT_EQ(StandingAt(r, Us("2009-03-01T08:00:00Z")), ConsentStanding::kRevoked);

  ConsentFacts i = Given();
  i.Invalidate(Us("2009-03-01T09:00:00+01:00"));
  EXPECT_EQ(StandingAt(i, Us("2009-03-01T09:00:00+01:00")), ConsentStanding::kInvalidated);
  EXPECT_TRUE(InForceAt(i, Us("2009-02-28T23:59:59+01:00")));
}

TEST(ConsentTest, ARefusedConsentIsNeverInForce) {
  ConsentFacts c = Given();
  c.refused = true;
  EXPECT_EQ(StandingAt(c, Us("2009-02-01T00:00:00Z")), ConsentStanding::kRefused);
  ConsentFacts only_refused;
  only_refused.consent_id = "con-2";
  only_refused.refused = true;
  EXPECT_EQ(StandingAt(only_refused, Us("2009-02-01T00:00:00Z")), ConsentStanding::kRefused);
  ConsentFacts never;
  EXPECT_EQ(StandingAt(never, Us("2009-02-01T00:00:00Z")), ConsentStanding::kNotGiven);
}

TEST(ConsentTest, CoversNeedsRecipientPurposeAndEveryCategory) {
  ConsentFacts c = Given();
  EXPECT_TRUE(Covers(c, {"nav", {"economy"}, "case_coordination"}));
  EXPECT_TRUE(Covers(c, {"nav", {"identity", "economy"}, "case_coordination"}));
  EXPECT_FALSE(Covers(c, {"nav", {"identity", "health"}, "case_coordination"}));
  EXPECT_FALSE(Covers(c, {"school", {"economy"}, "case_coordination"}));
  EXPECT_FALSE(Covers(c, {"nav", {"economy"}, "statistics"}));
  EXPECT_TRUE(CoversReferral(c));
  c.recipients = {"nav"};
  EXPECT_FALSE(CoversReferral(c));
}

TEST(ConsentTest, StandingNamesAreCodes) {
  EXPECT_EQ(ConsentStandingName(ConsentStanding::kInForce), "in_force");
  EXPECT_EQ(ConsentStandingName(ConsentStanding::kExpired), "expired");
  EXPECT_EQ(ConsentStandingName(ConsentStanding::kWithdrawn), "withdrawn");
}

}  // namespace
}  // namespace ledger::replay
