// The consent decision (indicators.md, "Consent decision"; docs/privacy.md): every answer of
// DecideConsent across give / renew / withdraw / expire / revoke / replace sequences, at the
// exact instants where the answer changes and with times written in different zones; and the
// same decisions from the state the ledger keeps while events are appended (late entries
// included).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger/consent.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "test_events.h"

namespace ledger {
namespace {

using testing::CaseEvent;
using testing::CaseOpened;
using testing::MakeKey;
using testing::Sign;
using testing::TestLedger;

int64_t Us(const char* text) { return ParseInstantMicros(text).value(); }

// Given 2009-01-05 10:00 Oslo for case coordination with NAV and the school, identity and
// education data, expiring at the start of 2009-07-01 Oslo.
ConsentFacts Given(const std::string& id = "con-1") {
  ConsentFacts c;
  c.consent_id = id;
  c.given = true;
  c.given_at_us = Us("2009-01-05T10:00:00+01:00");
  c.expires_at_us = Us("2009-07-01T00:00:00+02:00");
  c.purposes = {"case_coordination"};
  c.recipients = {"nav", "school"};
  c.data_categories = {"identity", "education"};
  return c;
}

ConsentQuestion Ask(const char* at, std::vector<std::string> categories = {"identity"},
                    std::string recipient = "nav", std::string purpose = "case_coordination") {
  return {"ys", std::move(recipient), std::move(categories), std::move(purpose), Us(at)};
}

TEST(ConsentDecisionTest, NoConsentAtAll) {
  auto d = DecideConsent({}, {}, Ask("2009-02-01T12:00:00Z"));
  EXPECT_FALSE(d.allowed());
  EXPECT_EQ(d.answer, ConsentAnswer::kNoConsent);
}

TEST(ConsentDecisionTest, AllowedFromTheInstantGivenNotBefore) {
  std::vector<ConsentFacts> cs = {Given()};
  EXPECT_EQ(DecideConsent(cs, {}, Ask("2009-01-05T08:59:59.999999Z")).answer,
            ConsentAnswer::kNoConsent);
  auto d = DecideConsent(cs, {}, Ask("2009-01-05T09:00:00Z"));
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.consent_ids, std::vector<std::string>{"con-1"});
}

TEST(ConsentDecisionTest, AllCoveringConsentsAreNamedInOrder) {
  std::vector<ConsentFacts> cs = {Given("con-b"), Given("con-a")};
  auto d = DecideConsent(cs, {}, Ask("2009-02-01T12:00:00Z"));
  EXPECT_EQ(d.consent_ids, (std::vector<std::string>{"con-a", "con-b"}));
}

TEST(ConsentDecisionTest, WithdrawnFromItsEffectiveInstantWrittenInAnyZone) {
  ConsentFacts c = Given();
  c.Withdraw(Us("2009-03-01T00:00:00+01:00"));  // midnight in Oslo = 23:00Z the day before
  std::vector<ConsentFacts> cs = {c};
  EXPECT_TRUE(DecideConsent(cs, {}, Ask("2009-02-28T22:59:59.999999Z")).allowed());
  auto d = DecideConsent(cs, {}, Ask("2009-02-28T23:30:00Z"));  // 00:30 on 1 March in Oslo
  EXPECT_EQ(d.answer, ConsentAnswer::kWithdrawn);
  EXPECT_EQ(d.since_us, Us("2009-02-28T23:00:00Z"));
  EXPECT_EQ(d.consent_ids, std::vector<std::string>{"con-1"});
  // A later, earlier-effective withdrawal moves the date back (the earliest counts).
  cs[0].Withdraw(Us("2009-02-15T00:00:00+01:00"));
  EXPECT_EQ(DecideConsent(cs, {}, Ask("2009-02-20T12:00:00Z")).answer, ConsentAnswer::kWithdrawn);
}

TEST(ConsentDecisionTest, ExpiresAtItsExpiryAndARenewalBeforeExtendsIt) {
  ConsentFacts c = Given();
  std::vector<ConsentFacts> cs = {c};
  EXPECT_TRUE(DecideConsent(cs, {}, Ask("2009-06-30T23:59:59.999999+02:00")).allowed());
  auto d = DecideConsent(cs, {}, Ask("2009-07-01T00:00:00+02:00"));
  EXPECT_EQ(d.answer, ConsentAnswer::kExpired);
  EXPECT_EQ(d.since_us, Us("2009-07-01T00:00:00+02:00"));
  cs[0].renewals.push_back({Us("2009-06-20T10:00:00+02:00"), 40, Us("2010-07-01T00:00:00+02:00")});
  EXPECT_TRUE(DecideConsent(cs, {}, Ask("2009-12-01T12:00:00Z")).allowed());
  // The renewal counts from its own occurred_at: before it, the old expiry applies.
  EXPECT_EQ(ExpiryAt(cs[0], Us("2009-06-20T07:59:59Z")), c.expires_at_us);
}

TEST(ConsentDecisionTest, ARenewalAfterExpiryLeavesAGap) {
  ConsentFacts c = Given();
  c.renewals.push_back({Us("2009-07-05T10:00:00+02:00"), 41, Us("2010-07-01T00:00:00+02:00")});
  std::vector<ConsentFacts> cs = {c};
  EXPECT_EQ(DecideConsent(cs, {}, Ask("2009-07-03T12:00:00+02:00")).answer,
            ConsentAnswer::kExpired);
  EXPECT_TRUE(DecideConsent(cs, {}, Ask("2009-07-05T10:00:00+02:00")).allowed());
}

TEST(ConsentDecisionTest, RevokedAndInvalidatedFromTheirOccurredAt) {
  ConsentFacts revoked = Given();
  revoked.Revoke(Us("2009-02-01T10:00:00+01:00"));
  auto d = DecideConsent({revoked}, {}, Ask("2009-02-01T09:00:00Z"));
  EXPECT_EQ(d.answer, ConsentAnswer::kRevoked);
  EXPECT_EQ(d.since_us, Us("2009-02-01T09:00:00Z"));
  EXPECT_TRUE(DecideConsent({revoked}, {}, Ask("2009-02-01T08:59:59Z")).allowed());
  ConsentFacts invalid = Given();
  invalid.Invalidate(Us("2009-02-01T10:00:00+01:00"));
  EXPECT_EQ(DecideConsent({invalid}, {}, Ask("2009-03-01T00:00:00Z")).answer,
            ConsentAnswer::kInvalidated);
}

TEST(ConsentDecisionTest, AReplacedConsentGivesWayToItsReplacement) {
  ConsentFacts old_one = Given("con-1");
  ConsentFacts new_one = Given("con-2");
  new_one.given_at_us = Us("2009-03-01T10:00:00+01:00");
  new_one.data_categories = {"identity"};  // narrower: no education
  old_one.Replace(new_one.given_at_us, "con-2");
  std::vector<ConsentFacts> cs = {old_one, new_one};
  EXPECT_EQ(DecideConsent(cs, {}, Ask("2009-02-01T12:00:00Z")).consent_ids,
            std::vector<std::string>{"con-1"});
  EXPECT_EQ(DecideConsent(cs, {}, Ask("2009-03-02T12:00:00Z")).consent_ids,
            std::vector<std::string>{"con-2"});
  auto d = DecideConsent(cs, {}, Ask("2009-03-02T12:00:00Z", {"education"}));
  EXPECT_EQ(d.answer, ConsentAnswer::kReplaced);
  EXPECT_EQ(d.replaced_by, "con-2");
  EXPECT_EQ(d.since_us, new_one.given_at_us);
}

TEST(ConsentDecisionTest, SaysWhichPartOfTheQuestionIsNotCovered) {
  std::vector<ConsentFacts> cs = {Given()};
  EXPECT_EQ(DecideConsent(cs, {}, Ask("2009-02-01T12:00:00Z", {"identity"}, "health")).answer,
            ConsentAnswer::kRecipientNotCovered);
  EXPECT_EQ(
      DecideConsent(cs, {}, Ask("2009-02-01T12:00:00Z", {"identity"}, "nav", "statistics")).answer,
      ConsentAnswer::kPurposeNotCovered);
  auto d = DecideConsent(cs, {}, Ask("2009-02-01T12:00:00Z", {"identity", "health", "economy"}));
  EXPECT_EQ(d.answer, ConsentAnswer::kCategoryNotCovered);
  EXPECT_EQ(d.missing, (std::vector<std::string>{"health", "economy"}));
  EXPECT_EQ(d.consent_ids, std::vector<std::string>{"con-1"});
}

TEST(ConsentDecisionTest, ARestrictionOverridesConsentForItsPurposeOnly) {
  std::vector<ConsentFacts> cs = {Given()};
  std::vector<RestrictionPeriod> rs = {
      {"case_coordination", Us("2009-02-01T10:00:00+01:00"), Us("2009-02-10T10:00:00+01:00")}};
  EXPECT_TRUE(DecideConsent(cs, rs, Ask("2009-02-01T08:59:59Z")).allowed());
  auto d = DecideConsent(cs, rs, Ask("2009-02-01T09:00:00Z"));
  EXPECT_EQ(d.answer, ConsentAnswer::kRestricted);
  EXPECT_EQ(d.since_us, Us("2009-02-01T09:00:00Z"));
  EXPECT_TRUE(DecideConsent(cs, rs, Ask("2009-02-10T09:00:00Z")).allowed());  // lifted
  rs[0].purpose = "statistics";
  EXPECT_TRUE(DecideConsent(cs, rs, Ask("2009-02-05T12:00:00Z")).allowed());
}

TEST(ConsentDecisionTest, ARefusalIsNamedWhenNothingWasGiven) {
  ConsentFacts refused;
  refused.consent_id = "con-9";
  refused.refused = true;
  refused.refused_at_us = Us("2009-01-05T10:00:00+01:00");
  auto d = DecideConsent({refused}, {}, Ask("2009-02-01T12:00:00Z"));
  EXPECT_EQ(d.answer, ConsentAnswer::kRefused);
  EXPECT_EQ(d.consent_ids, std::vector<std::string>{"con-9"});
}

// ---- From the ledger's kept state ----

nlohmann::json GivenEvent(const std::string& s, const std::string& id, const std::string& at,
                          const std::string& expires) {
  return CaseEvent(s, "consent.given",
                   {{"consent_id", id},
                    {"purposes", {"case_coordination"}},
                    {"recipients", {"nav"}},
                    {"data_categories", {"identity", "economy"}},
                    {"method", "signed_form"},
                    {"form_sha256", std::string(64, 'b')},
                    {"expires_at", expires}},
                   at);
}

TEST(ConsentDecisionLedgerTest, DecisionsFollowTheAppendedEventsIncludingLateEntries) {
  TestLedger t;
  SigningKey dpo = MakeKey("dpo");
  ASSERT_TRUE(RegisterKey(*t.ledger, t.admin, dpo.verifier(), "dpo", {}).ok());
  auto append = [&](const nlohmann::json& j) {
    const SigningKey& k = j["actor"]["role"] == "dpo" ? dpo : t.caseworker;
    auto r = t.ledger->log().Append(Sign(j, k));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  EXPECT_EQ(t.ledger->privacy()
                .DecideConsent({"ys", "nav", {"identity"}, "case_coordination", 0})
                .status()
                .code(),
            StatusCode::kNotFound);
  append(CaseOpened("ys"));
  append(GivenEvent("ys", "con-1", "2008-02-01T10:00:00+01:00", "2009-02-01T00:00:00+01:00"));
  auto ask = [&](const char* at) {
    return t.ledger->privacy()
        .DecideConsent({"ys", "nav", {"identity"}, "case_coordination", Us(at)})
        .value();
  };
  EXPECT_TRUE(ask("2008-06-01T12:00:00Z").allowed());
  EXPECT_EQ(ask("2009-02-01T00:00:00+01:00").answer, ConsentAnswer::kExpired);
  // Recorded later, a renewal made on 2009-01-20 and a withdrawal effective 2008-12-01.
  append(CaseEvent("ys", "consent.renewed",
                   {{"consent_id", "con-1"}, {"expires_at", "2010-02-01T00:00:00+01:00"}},
                   "2009-01-20T10:00:00+01:00"));
  EXPECT_TRUE(ask("2009-06-01T12:00:00Z").allowed());
  append(CaseEvent("ys", "consent.withdrawn",
                   {{"consent_id", "con-1"}, {"effective_at", "2008-12-01T00:00:00+01:00"}},
                   "2008-11-28T10:00:00+01:00"));
  EXPECT_TRUE(ask("2008-11-30T22:59:59Z").allowed());
  auto d = ask("2008-11-30T23:00:00Z");
  EXPECT_EQ(d.answer, ConsentAnswer::kWithdrawn);
  EXPECT_EQ(d.since_us, Us("2008-12-01T00:00:00+01:00"));
  // A restriction and its lifting.
  append(CaseEvent("ys", "processing.restricted", {{"purpose", "case_coordination"}},
                   "2008-03-01T10:00:00+01:00", "dpo"));
  EXPECT_EQ(ask("2008-06-01T12:00:00Z").answer, ConsentAnswer::kRestricted);
  append(CaseEvent("ys", "processing.unrestricted", {{"purpose", "case_coordination"}},
                   "2008-05-01T10:00:00+02:00", "dpo"));
  EXPECT_TRUE(ask("2008-06-01T12:00:00Z").allowed());
  auto shown = t.ledger->privacy().Consents("ys");
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->consents.size(), 1u);
  EXPECT_EQ(shown->restrictions.size(), 1u);
  // After shredding, every question is answered "erased".
  append(CaseEvent("ys", "erasure.requested", {{"request_id", "er-1"}}, "2009-03-01T10:00:00+01:00",
                   "dpo"));
  append(CaseEvent("ys", "erasure.decided",
                   {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(a)"}},
                   "2009-03-01T10:00:00+01:00", "dpo"));
  append(CaseEvent("ys", "subject.shredded", {{"request_id", "er-1"}}, "2009-03-01T10:00:00+01:00",
                   "dpo"));
  EXPECT_EQ(ask("2008-06-01T12:00:00Z").answer, ConsentAnswer::kErased);
}

}  // namespace
}  // namespace ledger
