// The case rules (docs/privacy.md, "Case rules"; events.md, "What is refused"): every refusal
// through the public append path names its rule and the referenced id and appends nothing; the
// events a real case produces (the generated cohort) pass them all; the verifier judges a log by
// the same rules.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "ledger/verify.h"
#include "synth/cohort_generator.h"
#include "test_events.h"

namespace ledger {
namespace {

using testing::CaseEvent;
using testing::CaseOpened;
using testing::MakeKey;
using testing::Sign;
using testing::WithMasterKey;
using json = nlohmann::json;

class CaseRulesTest : public ::testing::Test {
 protected:
  void SetUp() override { Make({}); }

  void Make(LedgerOptions options, uint32_t max_problems = 3) {
    options = WithMasterKey(std::move(options));
    auto created = [&]() -> Result<std::unique_ptr<Ledger>> {
      LedgerIdentity identity{ledger_key_.name(), ledger_key_.public_key(), admin_.key_id(),
                              max_problems};
      LEDGER_ASSIGN_OR_RETURN(auto ledger, Ledger::CreateInMemory(identity, options));
      auto reg = SignEventJson(KeyRegisteredJson(admin_, admin_.verifier(), "admin", {}), admin_);
      if (!reg.ok()) return reg.status();
      LEDGER_RETURN_IF_ERROR(ledger->log().Append(*reg).status());
      return ledger;
    }();
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ledger_ = std::move(created).value();
    for (auto* k : {&cw_, &svc_, &dpo_}) {
      std::string role = k == &cw_ ? "caseworker" : k == &svc_ ? "service" : "dpo";
      ASSERT_TRUE(RegisterKey(*ledger_, admin_, k->verifier(), role, {}).ok());
    }
  }

  Status Append(const json& event) {
    std::string role = event["actor"]["role"];
    const SigningKey& key = role == "dpo" ? dpo_ : role == "service" ? svc_ : cw_;
    return ledger_->log().Append(Sign(event, key)).status();
  }
  void MustAppend(const json& event) {
    Status s = Append(event);
    ASSERT_TRUE(s.ok()) << event["type"] << ": " << s.ToString();
  }
  // Refused with FailedPrecondition naming `rule` and every string in `names`; nothing appended.
  void ExpectRefused(const json& event, const std::string& rule,
                     const std::vector<std::string>& names) {
    uint64_t size = ledger_->log().Size();
    Status s = Append(event);
    ASSERT_FALSE(s.ok()) << event["type"] << " was accepted";
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
    EXPECT_NE(s.message().find("rule " + rule + ":"), std::string::npos) << s.ToString();
    for (const auto& n : names) EXPECT_NE(s.message().find(n), std::string::npos) << s.ToString();
    EXPECT_EQ(ledger_->log().Size(), size);
  }

  void Open(const std::string& subject) { MustAppend(CaseOpened(subject)); }

  json Decision(const std::string& s, const std::string& id, const std::string& outcome) {
    return CaseEvent(s, "assistance.decided",
                     {{"decision_id", id},
                      {"outcome", outcome},
                      {"period_from", "2008-02-01"},
                      {"period_to", "2008-02-29"},
                      {"form", "grant"},
                      {"reduction_warning_given", true},
                      {"appeal_info_given", true},
                      {"emergency", false}});
  }
  json Payment(const std::string& s, const std::string& decision) {
    return CaseEvent(
        s, "payment.made",
        {{"decision_id", decision}, {"month", "2008-02"}, {"grant_nok", 5000}, {"loan_nok", 0}},
        "2008-02-05T10:00:00+01:00", "service");
  }
  json Condition(const std::string& s, const std::string& id, const std::string& decision) {
    return CaseEvent(s, "condition.set",
                     {{"condition_id", id},
                      {"decision_id", decision},
                      {"activity", "course"},
                      {"start", "2008-02-04"},
                      {"end", "2008-03-01"},
                      {"hours_per_week", 10}});
  }
  json Breach(const std::string& s, const std::string& id, const std::string& condition) {
    return CaseEvent(s, "condition.breached",
                     {{"breach_id", id}, {"condition_id", condition}, {"kind", "no_show"}});
  }
  json Sanction(const std::string& s, const std::string& id, const std::string& breach,
                const std::string& decision) {
    return CaseEvent(s, "sanction.imposed",
                     {{"sanction_id", id},
                      {"breach_id", breach},
                      {"basis_decision_id", decision},
                      {"reduction_pct", 20},
                      {"from", "2008-03-01"},
                      {"to", "2008-03-31"},
                      {"emergency_checked", true}});
  }
  json Agreement(const std::string& s, const std::string& id, int problems) {
    json p = json::array(), t = json::array();
    const char* domains[] = {"housing", "economy", "health", "work", "network"};
    for (int i = 0; i < problems; ++i) {
      std::string pid = "p" + std::to_string(i + 1);
      p.push_back({{"problem_id", pid}, {"domain", domains[i]}});
      t.push_back({{"task_id", "t" + std::to_string(i + 1)},
                   {"problem_id", pid},
                   {"responsible", "participant"},
                   {"due", "2008-03-01"}});
    }
    return CaseEvent(s, "agreement.signed",
                     {{"agreement_id", id},
                      {"start", "2008-02-01"},
                      {"end", "2008-04-30"},
                      {"problems", p},
                      {"tasks", t}});
  }
  json Review(const std::string& s, const std::string& agreement, const std::string& task) {
    return CaseEvent(s, "agreement.task_reviewed",
                     {{"agreement_id", agreement}, {"task_id", task}, {"status", "done"}});
  }
  json Consent(const std::string& s, const std::string& id,
               const std::string& at = "2008-02-01T10:00:00+01:00") {
    return CaseEvent(s, "consent.given",
                     {{"consent_id", id},
                      {"purposes", {"case_coordination"}},
                      {"recipients", {"nav", "school"}},
                      {"data_categories", {"identity", "education"}},
                      {"method", "signed_form"},
                      {"form_sha256", std::string(64, 'a')},
                      {"expires_at", "2009-02-01T00:00:00+01:00"}},
                     at);
  }
  json Disclosure(const std::string& s, const std::string& id, const std::string& consent,
                  const std::string& at = "2008-02-10T10:00:00+01:00") {
    return CaseEvent(s, "disclosure.made",
                     {{"disclosure_id", id},
                      {"recipient", "nav"},
                      {"data_categories", {"identity"}},
                      {"basis", "consent:" + consent},
                      {"purpose", "case_coordination"}},
                     at);
  }
  json Dpo(const std::string& s, const std::string& type, json data,
           const std::string& at = "2008-03-01T10:00:00+01:00") {
    return CaseEvent(s, type, std::move(data), at, "dpo");
  }

  SigningKey ledger_key_ = MakeKey("rules.example/ledger");
  SigningKey admin_ = MakeKey("admin");
  SigningKey cw_ = MakeKey("cw");
  SigningKey svc_ = MakeKey("svc");
  SigningKey dpo_ = MakeKey("dpo");
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(CaseRulesTest, TheGeneratedCohortPassesEveryRuleAndVerifies) {
  synth::CohortOptions options;
  options.participants = 60;
  std::vector<std::string> lines;
  ASSERT_EQ(synth::GenerateCohort(options, [&](std::string_view l) { lines.emplace_back(l); }), "");
  std::vector<SignedEvent> events;
  for (const auto& line : lines) {
    auto j = json::parse(line);
    std::string role = j["actor"]["role"];
    auto e = SignEventJson(line, role == "service" ? svc_ : cw_);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    events.push_back(std::move(e).value());
  }
  auto results = ledger_->log().AppendEach(events);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << "line " << i + 1 << ": " << results[i].status().ToString()
                                 << "\n"
                                 << lines[i];
  }
  auto report = VerifyLedger(*ledger_, {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << report->failure.ToString();
}

TEST_F(CaseRulesTest, ReferencesMustExistInTheStream) {
  Open("ya");
  ExpectRefused(Payment("ya", "dec-9"), "reference", {"data.decision_id", "dec-9", "case/ya"});
  ExpectRefused(Condition("ya", "c1", "dec-9"), "reference", {"dec-9"});
  MustAppend(Decision("ya", "dec-1", "granted"));
  ExpectRefused(Breach("ya", "b1", "c-9"), "reference", {"data.condition_id", "c-9"});
  MustAppend(Condition("ya", "c1", "dec-1"));
  MustAppend(Breach("ya", "b1", "c1"));
  ExpectRefused(Sanction("ya", "s1", "b-9", "dec-1"), "reference", {"data.breach_id", "b-9"});
  ExpectRefused(Sanction("ya", "s1", "b1", "dec-9"), "reference",
                {"data.basis_decision_id", "dec-9"});
  ExpectRefused(CaseEvent("ya", "consent.withdrawn",
                          {{"consent_id", "con-9"}, {"effective_at", "2008-03-01T00:00:00Z"}}),
                "reference", {"data.consent_id", "con-9"});
  ExpectRefused(Disclosure("ya", "d1", "con-9"), "reference", {"data.basis", "con-9"});
  ExpectRefused(
      CaseEvent(
          "ya", "referral.recommended",
          {{"referral_id", "ref-9"}, {"recommendation_code", "x"}, {"responsible_service", "nav"}}),
      "reference", {"ref-9"});
  ExpectRefused(Dpo("ya", "erasure.decided",
                    {{"request_id", "er-9"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}}),
                "reference", {"er-9"});
  // The same ids in another stream do not count.
  Open("yb");
  ExpectRefused(Payment("yb", "dec-1"), "reference", {"dec-1", "case/yb"});
}

TEST_F(CaseRulesTest, IdsAreUniqueWithinAStream) {
  Open("ya");
  MustAppend(Decision("ya", "dec-1", "granted"));
  ExpectRefused(Decision("ya", "dec-1", "partly"), "unique-id", {"data.decision_id", "dec-1"});
  MustAppend(Consent("ya", "con-1"));
  ExpectRefused(Consent("ya", "con-1"), "unique-id", {"con-1"});
  ExpectRefused(CaseEvent("ya", "consent.refused", {{"consent_id", "con-1"}}), "unique-id",
                {"con-1"});
}

TEST_F(CaseRulesTest, ReferencedThingsMustBeInTheRightState) {
  Open("ya");
  MustAppend(Decision("ya", "dec-r", "refused"));
  ExpectRefused(Payment("ya", "dec-r"), "state", {"dec-r", "refused"});
  MustAppend(Decision("ya", "dec-1", "granted"));
  MustAppend(Payment("ya", "dec-1"));
  MustAppend(Condition("ya", "c1", "dec-1"));
  MustAppend(Breach("ya", "b1", "c1"));
  MustAppend(Sanction("ya", "s1", "b1", "dec-1"));
  ExpectRefused(
      CaseEvent("ya", "appeal.decided",
                {{"sanction_id", "s1"}, {"body", "statsforvalteren"}, {"outcome", "upheld"}}),
      "state", {"s1", "not appealed"});
  MustAppend(CaseEvent("ya", "sanction.lifted", {{"sanction_id", "s1"}, {"reason", "complied"}}));
  ExpectRefused(CaseEvent("ya", "sanction.lifted", {{"sanction_id", "s1"}, {"reason", "x"}}),
                "state", {"s1", "already lifted"});
  // Consents: nothing renews or withdraws a withdrawn one.
  MustAppend(Consent("ya", "con-1"));
  MustAppend(CaseEvent("ya", "consent.withdrawn",
                       {{"consent_id", "con-1"}, {"effective_at", "2008-03-01T00:00:00+01:00"}}));
  ExpectRefused(CaseEvent("ya", "consent.renewed",
                          {{"consent_id", "con-1"}, {"expires_at", "2010-01-01T00:00:00Z"}}),
                "state", {"con-1", "withdrawn"});
  MustAppend(CaseEvent("ya", "consent.refused", {{"consent_id", "con-2"}}));
  ExpectRefused(CaseEvent("ya", "consent.withdrawn",
                          {{"consent_id", "con-2"}, {"effective_at", "2008-03-01T00:00:00Z"}}),
                "state", {"con-2", "refused"});
}

TEST_F(CaseRulesTest, AgreementsHaveAtMostTheLimitOfProblemsAndAreNotReviewedAfterClosing) {
  Open("ya");
  ExpectRefused(Agreement("ya", "a1", 4), "problem-limit", {"a1", "4 problems", "at most 3"});
  MustAppend(Agreement("ya", "a1", 3));
  ExpectRefused(Review("ya", "a1", "t9"), "reference", {"task t9", "a1"});
  MustAppend(Review("ya", "a1", "t1"));
  MustAppend(
      CaseEvent("ya", "agreement.closed",
                {{"agreement_id", "a1"}, {"reason", "completed"}, {"evaluation_done", true}}));
  ExpectRefused(Review("ya", "a1", "t2"), "state", {"a1", "closed"});
  ExpectRefused(
      CaseEvent("ya", "agreement.closed",
                {{"agreement_id", "a1"}, {"reason", "completed"}, {"evaluation_done", true}}),
      "state", {"a1", "already closed"});
}

TEST_F(CaseRulesTest, TheProblemLimitIsSetPerLedger) {
  Make({}, 4);
  Open("ya");
  MustAppend(Agreement("ya", "a1", 4));
  ExpectRefused(Agreement("ya", "a2", 5), "problem-limit", {"at most 4"});
}

TEST_F(CaseRulesTest, AClosedCaseTakesFollowUpButNoNewWorkUntilReopened) {
  Open("ya");
  MustAppend(CaseEvent("ya", "case.closed", {{"reason", "work"}}, "2008-06-01T10:00:00+02:00"));
  ExpectRefused(Agreement("ya", "a1", 1), "closed-case",
                {"case/ya", "2008-06-01", "case.reopened"});
  MustAppend(CaseEvent("ya", "status.observed",
                       {{"as_of", "2008-12-01"}, {"status", "work_full"}, {"source", "register"}},
                       "2008-12-02T10:00:00+01:00", "service"));
  MustAppend(CaseEvent("ya", "income.recorded", {{"as_of", "2008-12-01"}, {"main_source", "work"}},
                       "2008-12-02T10:00:00+01:00", "service"));
  ExpectRefused(CaseEvent("ya", "case.closed", {{"reason", "work"}}), "state", {"already closed"});
  MustAppend(CaseEvent("ya", "case.reopened", {{"reason", "new_application"}},
                       "2009-01-05T10:00:00+01:00"));
  MustAppend(Agreement("ya", "a1", 1));
}

TEST_F(CaseRulesTest, ErasureNeedsAGrantedRequestAndNothingFollowsTheShredding) {
  Open("ya");
  MustAppend(CaseEvent("ya", "erasure.requested", {{"request_id", "er-1"}}, "2008-03-01T09:00:00Z",
                       "dpo"));
  ExpectRefused(Dpo("ya", "subject.shredded", {{"request_id", "er-1"}}), "state",
                {"er-1", "not granted"});
  MustAppend(Dpo("ya", "erasure.decided",
                 {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}}));
  ExpectRefused(Dpo("ya", "erasure.decided",
                    {{"request_id", "er-1"}, {"decision", "refused"}, {"ground", "GDPR:17(3)(b)"}}),
                "state", {"er-1", "already decided"});
  MustAppend(Dpo("ya", "subject.shredded", {{"request_id", "er-1"}}));
  uint64_t size = ledger_->log().Size();
  Status after =
      Append(CaseEvent("ya", "status.observed",
                       {{"as_of", "2008-12-01"}, {"status", "work_full"}, {"source", "register"}},
                       "2008-12-02T10:00:00+01:00", "service"));
  EXPECT_EQ(after.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(after.message().find("shredded"), std::string::npos);
  EXPECT_EQ(ledger_->log().Size(), size);
}

TEST_F(CaseRulesTest, ARestrictionBlocksConsentBasedSharingForItsPurposeUntilLifted) {
  Open("ya");
  MustAppend(Consent("ya", "con-1"));
  MustAppend(Dpo("ya", "processing.restricted", {{"purpose", "case_coordination"}},
                 "2008-02-05T10:00:00+01:00"));
  ExpectRefused(Dpo("ya", "processing.restricted", {{"purpose", "case_coordination"}}), "state",
                {"already restricted"});
  ExpectRefused(Disclosure("ya", "d1", "con-1", "2008-02-06T10:00:00+01:00"), "restriction",
                {"case_coordination", "restricted"});
  // A disclosure made before the restriction may still be recorded late.
  MustAppend(Disclosure("ya", "d0", "con-1", "2008-02-04T10:00:00+01:00"));
  // A statutory basis is not blocked.
  MustAppend(CaseEvent("ya", "disclosure.made",
                       {{"disclosure_id", "d2"},
                        {"recipient", "child_welfare"},
                        {"data_categories", {"identity"}},
                        {"basis", "NO:bvl§6-4"},
                        {"purpose", "case_coordination"}},
                       "2008-02-06T10:00:00+01:00"));
  MustAppend(Dpo("ya", "processing.unrestricted", {{"purpose", "case_coordination"}},
                 "2008-02-07T10:00:00+01:00"));
  ExpectRefused(Dpo("ya", "processing.unrestricted", {{"purpose", "case_coordination"}}), "state",
                {"not restricted"});
  MustAppend(Disclosure("ya", "d3", "con-1", "2008-02-08T10:00:00+01:00"));
}

TEST_F(CaseRulesTest, TheArchiveDutyRefusesErasureWithItsGround) {
  auto policy = PolicyFromJson(R"({"archive":[{"name":"drammen-sample",
      "municipalities":["3005"],"intake_from":"2008-01-01","intake_to":"2008-12-31",
      "ground":"NO:arkivl§6"}]})");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  ASSERT_TRUE(ledger_->privacy().SetPrivacyPolicy(*policy, admin_.key_id()).ok());
  EXPECT_EQ(ledger_->privacy().SetPrivacyPolicy(*policy, cw_.key_id()).code(),
            StatusCode::kPermissionDenied);
  Open("ya");
  MustAppend(CaseEvent("ya", "erasure.requested", {{"request_id", "er-1"}}, "2008-03-01T09:00:00Z",
                       "dpo"));
  ExpectRefused(Dpo("ya", "erasure.decided",
                    {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}}),
                "archive-duty", {"drammen-sample", "NO:arkivl§6", "er-1"});
  MustAppend(Dpo("ya", "erasure.decided",
                 {{"request_id", "er-1"}, {"decision", "refused"}, {"ground", "NO:arkivl§6"}}));
}

TEST_F(CaseRulesTest, RetentionShreddingOnlyOnceTheRulesPeriodHasPassed) {
  auto policy =
      PolicyFromJson(R"({"retention":[{"name":"closed-24m","months_after_closure":24}]})");
  ASSERT_TRUE(policy.ok());
  ASSERT_TRUE(ledger_->privacy().SetPrivacyPolicy(*policy, admin_.key_id()).ok());
  Open("ya");
  ExpectRefused(Dpo("ya", "subject.shredded", {{"retention_rule", "closed-24m"}}), "retention",
                {"not closed"});
  MustAppend(CaseEvent("ya", "case.closed", {{"reason", "work"}}, "2008-06-30T10:00:00+02:00"));
  ExpectRefused(Dpo("ya", "subject.shredded", {{"retention_rule", "closed-12m"}}), "retention",
                {"no retention rule closed-12m"});
  ExpectRefused(Dpo("ya", "subject.shredded", {{"retention_rule", "closed-24m"}},
                    "2010-06-29T10:00:00+02:00"),
                "retention", {"2008-06-30", "2010-06-30"});
  auto review = ledger_->privacy().RetentionReview(*ParseInstantMicros("2010-06-29T12:00:00Z"));
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].due_rule, "");
  review = ledger_->privacy().RetentionReview(*ParseInstantMicros("2010-06-30T12:00:00Z"));
  ASSERT_TRUE(review.ok());
  EXPECT_EQ((*review)[0].due_rule, "closed-24m");
  MustAppend(Dpo("ya", "subject.shredded", {{"retention_rule", "closed-24m"}},
                 "2010-06-30T12:00:00+02:00"));
  review = ledger_->privacy().RetentionReview(*ParseInstantMicros("2010-07-01T12:00:00Z"));
  ASSERT_TRUE(review.ok());
  EXPECT_TRUE(review->empty());
}

TEST(PolicyTest, BadPolicyNamesTheField) {
  auto p = PolicyFromJson(R"({"retention":[{"name":"x","months_after_closure":-1}]})");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("retention[0].months_after_closure"), std::string::npos);
  p = PolicyFromJson(R"({"archive":[{"name":"x","ground":"g","colour":"red"}]})");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("archive[0].colour"), std::string::npos);
  auto good = PolicyFromJson(R"({"archive":[{"name":"a","ground":"NO:arkivl§6"}],
                                 "retention":[{"name":"r","months_after_closure":60}]})");
  ASSERT_TRUE(good.ok());
  auto again = PolicyFromJson(PolicyToJson(*good));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *good);
}

}  // namespace
}  // namespace ledger
