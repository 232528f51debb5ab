// The compliance checks on a hand-built log, against answers worked out by hand from
// indicators.md ("Compliance", P1, P3, P6, C1-C3). Instants at noon UTC unless written.
//
//  sub-a (19 at intake 2009-01-05)
//    consent con-1 (case_coordination + referral_committee; nav + referral_committee; identity +
//      economy), given 2009-01-05T09:10Z, expiring 2009-06-30T22:00Z, withdrawn effective
//      2009-06-15T10:00Z: the withdrawal is appended last, after the disclosure it makes late.
//    referral ref-1 01-20 (pass); disclosures dis-1 02-01 nav/economy (pass), dis-2 03-01
//      school/education (not covered), dis-3 06-20 nav/economy (after the withdrawal: C1 and
//      C2), dis-4 on a statute (not judged).
//    grants dec-1 01-06 (warning; condition cond-1), dec-2 03-01 (no warning, no condition),
//      dec-3 refused, dec-4 partly 04-01 (exemption exm-1).
//    breach br-1 (notice 04-12, assessed reduce 04-20) -> san-1 04-25 on dec-1 (pass);
//      breach br-2 -> san-2 05-10 on dec-2, emergency not checked; notice dated 05-05 but
//      appended after the sanction (a late entry); assessed reduce 05-15 (after the sanction).
//    agreements agr-1 02-02..04-30 closed 05-01 with evaluation (pass); agr-2 05-02..09-30
//      without a reason (exception from its signing); agr-3 05-03..08-03 open (judged on rules
//      1 and 2 only: pass); agr-4 01-10..06-10 with a reason, closed 06-11 without evaluation
//      (a pass while open, an exception once closed).
//  sub-b (29 at intake 2008-03-01)
//    grants dec-1 2009-02-28 (29: judged, no condition), dec-2 2009-03-01 (30: not judged).
//    consent con-2 refused 2008-03-02; con-3 (case_coordination; nav; economy) given
//      2008-03-03, expiring 2008-09-03T00:00Z, renewed 2008-09-01 to 2009-09-03T00:00Z.
//    referral ref-1 2008-03-05 under con-3 (does not cover a referral); disclosure dis-1
//      2009-09-10 under con-3 (expired).
//  sub-c (20 at intake 2009-01-01)
//    con-1 given 2009-01-01, expiring 2009-04-01T00:00Z; con-2 given 2009-01-01 (expiring
//      2009-12-01), revoked 2009-02-01.
#include "replay/compliance.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger/event_codec.h"
#include "replay/replayer.h"
#include "replay/report_run.h"
#include "replay/state_store.h"
#include "replay_test_log.h"
#include "resume_check.h"

namespace ledger::replay {
namespace {

using ledger::testing::Date;
using ledger::testing::ReplayTestLog;
using ledger::testing::ScratchDir;
using nlohmann::json;

const std::string kForm(64, 'b');

std::string Noon(const std::string& date) { return date + "T12:00:00Z"; }

void OpenCase(ReplayTestLog& l, const std::string& s, const std::string& intake, int age) {
  l.Add(s, "case.opened", Noon(intake),
        {{"municipality", "3005"},
         {"office", "office-1"},
         {"programme", "P1824"},
         {"intake_date", intake},
         {"age_at_intake", age},
         {"sex", "male"},
         {"referral_source", "nav"}});
}

uint64_t Decide(ReplayTestLog& l, const std::string& s, const std::string& id,
                const std::string& date, const std::string& outcome, bool warning) {
  return l.Add(s, "assistance.decided", Noon(date),
               {{"decision_id", id},
                {"outcome", outcome},
                {"period_from", date},
                {"period_to", date},
                {"form", "grant"},
                {"reduction_warning_given", warning},
                {"appeal_info_given", true},
                {"emergency", false}});
}

void Give(ReplayTestLog& l, const std::string& s, const std::string& id, const std::string& at,
          json purposes, json recipients, json categories, const std::string& expires,
          const std::string& replaces = "") {
  json data = {{"consent_id", id},         {"purposes", purposes},
               {"recipients", recipients}, {"data_categories", categories},
               {"method", "signed_form"},  {"form_sha256", kForm},
               {"expires_at", expires}};
  if (!replaces.empty()) data["replaces"] = replaces;
  l.Add(s, "consent.given", at, data);
}

uint64_t Disclose(ReplayTestLog& l, const std::string& s, const std::string& id,
                  const std::string& date, const std::string& recipient, json categories,
                  const std::string& basis) {
  return l.Add(s, "disclosure.made", Noon(date),
               {{"disclosure_id", id},
                {"recipient", recipient},
                {"data_categories", categories},
                {"basis", basis},
                {"purpose", "case_coordination"}});
}

uint64_t Sign(ReplayTestLog& l, const std::string& s, const std::string& id,
              const std::string& start, const std::string& end, bool reason, int problems = 1) {
  json listed = json::array();
  for (int i = 1; i <= problems; ++i) {
    listed.push_back({{"problem_id", "p" + std::to_string(i)}, {"domain", "work"}});
  }
  json data = {{"agreement_id", id},
               {"start", start},
               {"end", end},
               {"problems", listed},
               {"tasks", json::array()}};
  if (reason) data["extension_reason"] = "complex_needs";
  return l.Add(s, "agreement.signed", Noon(start), data);
}

uint64_t Close(ReplayTestLog& l, const std::string& s, const std::string& id,
               const std::string& date, bool evaluated) {
  return l.Add(s, "agreement.closed", Noon(date),
               {{"agreement_id", id}, {"reason", "completed"}, {"evaluation_done", evaluated}});
}

// The seqs the tests name.
struct Seqs {
  uint64_t a_dec2, a_san2, a_notice2, a_dis2, a_dis3, a_withdrawal, a_agr2, a_agr4, a_agr4_closed,
      b_dec1, b_ref1, b_dis1;
};

Seqs BuildLog(ReplayTestLog& l) {
  Seqs q{};
  const std::string a = "sub-a", b = "sub-b", c = "sub-c";
  OpenCase(l, a, "2009-01-05", 19);
  Give(l, a, "con-1", "2009-01-05T09:10:00Z", {"case_coordination", "referral_committee"},
       {"nav", "referral_committee"}, {"identity", "economy"}, "2009-06-30T22:00:00Z");
  Decide(l, a, "dec-1", "2009-01-06", "granted", true);
  l.Add(a, "condition.set", Noon("2009-01-07"),
        {{"condition_id", "cond-1"},
         {"decision_id", "dec-1"},
         {"activity", "qualifying"},
         {"start", "2009-01-12"},
         {"end", "2009-12-31"},
         {"hours_per_week", 20}});
  q.a_agr4 = Sign(l, a, "agr-4", "2009-01-10", "2009-06-10", true);
  l.Add(a, "referral.made", Noon("2009-01-20"),
        {{"referral_id", "ref-1"},
         {"committee", "hu-drammen"},
         {"consent_id", "con-1"},
         {"question_code", "q1"}});
  Disclose(l, a, "dis-1", "2009-02-01", "nav", {"economy"}, "consent:con-1");
  Sign(l, a, "agr-1", "2009-02-02", "2009-04-30", false);
  q.a_dec2 = Decide(l, a, "dec-2", "2009-03-01", "granted", false);
  q.a_dis2 = Disclose(l, a, "dis-2", "2009-03-01", "school", {"education"}, "consent:con-1");
  Decide(l, a, "dec-3", "2009-03-02", "refused", true);
  Decide(l, a, "dec-4", "2009-04-01", "partly", true);
  l.Add(a, "condition.exempted", Noon("2009-04-02"),
        {{"exemption_id", "exm-1"},
         {"decision_id", "dec-4"},
         {"ground", "health"},
         {"review_date", "2009-10-01"}});
  l.Add(a, "condition.breached", Noon("2009-04-10"),
        {{"breach_id", "br-1"}, {"condition_id", "cond-1"}, {"kind", "no_show"}});
  l.Add(a, "breach.notified", Noon("2009-04-12"),
        {{"breach_id", "br-1"}, {"reply_deadline", "2009-04-19"}});
  l.Add(a, "breach.assessed", Noon("2009-04-20"),
        {{"breach_id", "br-1"}, {"reasonable_cause", false}, {"outcome", "reduce"}});
  l.Add(a, "sanction.imposed", Noon("2009-04-25"),
        {{"sanction_id", "san-1"},
         {"breach_id", "br-1"},
         {"basis_decision_id", "dec-1"},
         {"reduction_pct", 20},
         {"from", "2009-05-01"},
         {"to", "2009-05-31"},
         {"emergency_checked", true}});
  Close(l, a, "agr-1", "2009-05-01", true);
  l.Add(a, "condition.breached", Noon("2009-05-02"),
        {{"breach_id", "br-2"}, {"condition_id", "cond-1"}, {"kind", "dropout"}});
  q.a_agr2 = Sign(l, a, "agr-2", "2009-05-02", "2009-09-30", false);
  Sign(l, a, "agr-3", "2009-05-03", "2009-08-03", false);
  q.a_san2 = l.Add(a, "sanction.imposed", Noon("2009-05-10"),
                   {{"sanction_id", "san-2"},
                    {"breach_id", "br-2"},
                    {"basis_decision_id", "dec-2"},
                    {"reduction_nok", 400},
                    {"from", "2009-06-01"},
                    {"to", "2009-06-30"},
                    {"emergency_checked", false}});
  q.a_notice2 = l.Add(a, "breach.notified", Noon("2009-05-05"),  // late: before the sanction
                      {{"breach_id", "br-2"}, {"reply_deadline", "2009-05-09"}});
  l.Add(a, "breach.assessed", Noon("2009-05-15"),
        {{"breach_id", "br-2"}, {"reasonable_cause", false}, {"outcome", "reduce"}});
  q.a_agr4_closed = Close(l, a, "agr-4", "2009-06-11", false);
  q.a_dis3 = Disclose(l, a, "dis-3", "2009-06-20", "nav", {"economy"}, "consent:con-1");
  Disclose(l, a, "dis-4", "2009-06-21", "health", {"health"}, "NO:fvl§13b");

  OpenCase(l, b, "2008-03-01", 29);
  l.Add(b, "consent.refused", Noon("2008-03-02"), {{"consent_id", "con-2"}});
  Give(l, b, "con-3", Noon("2008-03-03"), {"case_coordination"}, {"nav"}, {"economy"},
       "2008-09-03T00:00:00Z");
  q.b_ref1 = l.Add(b, "referral.made", Noon("2008-03-05"),
                   {{"referral_id", "ref-1"},
                    {"committee", "hu-drammen"},
                    {"consent_id", "con-3"},
                    {"question_code", "q1"}});
  l.Add(b, "consent.renewed", Noon("2008-09-01"),
        {{"consent_id", "con-3"}, {"expires_at", "2009-09-03T00:00:00Z"}});
  q.b_dec1 = Decide(l, b, "dec-1", "2009-02-28", "granted", true);
  Decide(l, b, "dec-2", "2009-03-01", "granted", true);
  q.b_dis1 = Disclose(l, b, "dis-1", "2009-09-10", "nav", {"economy"}, "consent:con-3");

  OpenCase(l, c, "2009-01-01", 20);
  Give(l, c, "con-1", Noon("2009-01-01"), {"case_coordination"}, {"nav"}, {"economy"},
       "2009-04-01T00:00:00Z");
  Give(l, c, "con-2", Noon("2009-01-01"), {"evaluation"}, {"evaluator:ramboll"}, {"education"},
       "2009-12-01T00:00:00Z");
  l.Add(c, "consent.revoked", Noon("2009-02-01"),
        {{"consent_id", "con-2"}, {"reason", "wrong_form"}});

  // Appended last, effective before dis-3: a late entry that makes dis-3 an exception.
  q.a_withdrawal = l.Add(a, "consent.withdrawn", "2009-06-15T09:00:00Z",
                         {{"consent_id", "con-1"}, {"effective_at", "2009-06-15T10:00:00Z"}});
  return q;
}

class ComplianceTest : public ::testing::Test {
 protected:
  void SetUp() override { seqs_ = BuildLog(log_); }

  ComplianceReport AsOf(const std::string& date) {
    ReportMoment m;
    m.as_of = Date(date);
    auto run = RunCompliance(log_.ledger(), m);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run->report;
  }

  // A copy: callers often pass a temporary report.
  static ComplianceCheck Check(const ComplianceReport& r, const std::string& id) {
    for (const ComplianceCheck& c : r.checks) {
      if (c.id == id) return c;
    }
    ADD_FAILURE() << "no check " << id;
    return r.checks.front();
  }

  static std::vector<uint64_t> ExceptionSeqs(const ComplianceCheck& c) {
    std::vector<uint64_t> out;
    for (const ComplianceException& x : c.exceptions) out.push_back(x.events.front().seq);
    return out;
  }

  ReplayTestLog log_;
  Seqs seqs_;
};

TEST_F(ComplianceTest, ChecksInOrder) {
  ComplianceReport r = AsOf("2009-12-31");
  std::vector<std::string> ids;
  for (const ComplianceCheck& c : r.checks) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"P1", "P3", "P6", "C1", "C2"}));
}

TEST_F(ComplianceTest, P1GrantsToUnder30sNeedAConditionOrExemption) {
  const ComplianceCheck p1 = Check(AsOf("2009-12-31"), "P1");
  // a: dec-1 (condition), dec-2 (none), dec-4 partly (exemption); dec-3 refused. b: dec-1 at
  // 29 (none); dec-2 on the anniversary of intake: 30, not judged.
  EXPECT_EQ(p1.checked, 4u);
  EXPECT_EQ(p1.passed, 2u);
  ASSERT_EQ(p1.exceptions.size(), 2u);
  EXPECT_EQ(ExceptionSeqs(p1), (std::vector<uint64_t>{seqs_.a_dec2, seqs_.b_dec1}));
  const ComplianceException& x = p1.exceptions[0];
  EXPECT_EQ(x.stream, "case/sub-a");
  EXPECT_EQ(x.ref_id, "dec-2");
  EXPECT_EQ(x.reasons, (std::vector<std::string>{"no_condition_or_exemption"}));
  EXPECT_EQ(x.events[0].type, "assistance.decided");
  auto summary = SummarizeEvent(log_.ledger().log().ReadSeq(seqs_.a_dec2)->event);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(x.events[0].event_id, summary->id);
}

TEST_F(ComplianceTest, P3SanctionsNeedWarningNoticeAssessmentAndEmergencyCheck) {
  const ComplianceCheck p3 = Check(AsOf("2009-12-31"), "P3");
  EXPECT_EQ(p3.checked, 2u);
  EXPECT_EQ(p3.passed, 1u);  // san-1
  ASSERT_EQ(p3.exceptions.size(), 1u);
  const ComplianceException& x = p3.exceptions[0];
  EXPECT_EQ(x.ref_id, "san-2");
  EXPECT_EQ(x.events[0].seq, seqs_.a_san2);
  // The notice dated 05-05 counts although it was appended after the sanction; the
  // assessment (05-15) came after it; dec-2 had no warning.
  EXPECT_EQ(x.reasons,
            (std::vector<std::string>{"no_reduction_warning", "no_reduce_assessment_before",
                                      "emergency_not_checked"}));
  ASSERT_EQ(x.events.size(), 2u);
  EXPECT_EQ(x.events[1].seq, seqs_.a_dec2);

  // At the log position just after the sanction the late notice is not there yet.
  ReportMoment m;
  m.at_seq = seqs_.a_san2 + 1;
  auto early = RunCompliance(log_.ledger(), m);
  ASSERT_TRUE(early.ok());
  const ComplianceCheck p3_early = Check(early->report, "P3");
  ASSERT_EQ(p3_early.exceptions.size(), 1u);
  EXPECT_EQ(p3_early.exceptions[0].reasons,
            (std::vector<std::string>{"no_reduction_warning", "no_breach_notice_before",
                                      "no_reduce_assessment_before", "emergency_not_checked"}));
}

TEST_F(ComplianceTest, P6OpenAgreementsAreJudgedOnTheFirstTwoRules) {
  const ComplianceCheck p6 = Check(AsOf("2009-12-31"), "P6");
  // agr-1 closed with evaluation (pass); agr-2 open, over 3 months without a reason (an
  // exception); agr-3 open, 1 problem and exactly 3 months (checked and passed); agr-4 closed
  // without evaluation (an exception).
  EXPECT_EQ(p6.checked, 4u);
  EXPECT_EQ(p6.passed, 2u);
  ASSERT_EQ(p6.exceptions.size(), 2u);
  EXPECT_EQ(ExceptionSeqs(p6), (std::vector<uint64_t>{seqs_.a_agr4, seqs_.a_agr2}));
  EXPECT_EQ(p6.exceptions[0].reasons, (std::vector<std::string>{"closed_without_evaluation"}));
  ASSERT_EQ(p6.exceptions[0].events.size(), 2u);
  EXPECT_EQ(p6.exceptions[0].events[1].seq, seqs_.a_agr4_closed);
  EXPECT_EQ(p6.exceptions[0].events[1].type, "agreement.closed");
  EXPECT_EQ(p6.exceptions[1].reasons,
            (std::vector<std::string>{"longer_than_3_months_without_reason"}));
}

TEST_F(ComplianceTest, P6BeforeAndAfterAClosure) {
  // Only agr-4 (01-10, a reason, 1 problem) is signed by 01-31: open, it keeps rules 1 and 2.
  const ComplianceCheck january = Check(AsOf("2009-01-31"), "P6");
  EXPECT_EQ(january.checked, 1u);
  EXPECT_EQ(january.passed, 1u);
  // agr-4 closes on 06-11 without evaluation: a pass while open, an exception from then on.
  // agr-1 (closed with evaluation) and agr-3 (open) pass; agr-2 is an exception throughout.
  const ComplianceCheck before = Check(AsOf("2009-06-10"), "P6");
  EXPECT_EQ(before.checked, 4u);
  EXPECT_EQ(before.passed, 3u);
  EXPECT_EQ(ExceptionSeqs(before), (std::vector<uint64_t>{seqs_.a_agr2}));
  const ComplianceCheck after = Check(AsOf("2009-06-11"), "P6");
  EXPECT_EQ(after.checked, 4u);
  EXPECT_EQ(after.passed, 2u);
  EXPECT_EQ(ExceptionSeqs(after), (std::vector<uint64_t>{seqs_.a_agr4, seqs_.a_agr2}));
}

TEST_F(ComplianceTest, C1UsesUnderAConsentInForceThatCoversThem) {
  const ComplianceCheck c1 = Check(AsOf("2009-12-31"), "C1");
  // a: ref-1 and dis-1 pass; dis-2 (school, education) is not covered; dis-3 after the
  // withdrawal. b: ref-1 under a consent without referral_committee; dis-1 after expiry.
  EXPECT_EQ(c1.checked, 6u);
  EXPECT_EQ(c1.passed, 2u);
  ASSERT_EQ(c1.exceptions.size(), 4u);
  EXPECT_EQ(ExceptionSeqs(c1),
            (std::vector<uint64_t>{seqs_.a_dis2, seqs_.a_dis3, seqs_.b_ref1, seqs_.b_dis1}));
  EXPECT_EQ(c1.exceptions[0].reasons, (std::vector<std::string>{"scope_not_covered"}));
  EXPECT_EQ(c1.exceptions[1].reasons, (std::vector<std::string>{"consent_withdrawn"}));
  ASSERT_EQ(c1.exceptions[1].events.size(), 2u);
  EXPECT_EQ(c1.exceptions[1].events[1].seq, seqs_.a_withdrawal);
  EXPECT_EQ(c1.exceptions[2].reasons, (std::vector<std::string>{"referral_not_covered"}));
  EXPECT_EQ(c1.exceptions[2].events[0].type, "referral.made");
  EXPECT_EQ(c1.exceptions[3].reasons, (std::vector<std::string>{"consent_expired"}));
}

TEST_F(ComplianceTest, C2DisclosuresAfterAWithdrawalBeforeAndAfterIt) {
  ComplianceReport r = AsOf("2009-12-31");
  const ComplianceCheck& c2 = Check(r, "C2");
  EXPECT_EQ(c2.checked, 4u);  // a's dis-1..3 and b's dis-1; dis-4 is on a statute
  ASSERT_EQ(c2.exceptions.size(), 1u);
  EXPECT_EQ(c2.exceptions[0].events[0].seq, seqs_.a_dis3);
  EXPECT_EQ(c2.exceptions[0].reasons, (std::vector<std::string>{"disclosed_after_withdrawal"}));
  EXPECT_EQ(c2.exceptions[0].events[1].type, "consent.withdrawn");
  EXPECT_EQ(r.statute_disclosures, 1u);
  // As of 06-19 dis-3 has not happened; as of 06-20 it has, after the withdrawal of 06-15.
  EXPECT_EQ(Check(AsOf("2009-06-19"), "C2").exceptions.size(), 0u);
  EXPECT_EQ(Check(AsOf("2009-06-20"), "C2").exceptions.size(), 1u);
  // Read at the position before the late withdrawal was appended, dis-3 looked fine.
  ReportMoment m;
  m.at_seq = seqs_.a_withdrawal;
  auto before = RunCompliance(log_.ledger(), m);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(Check(before->report, "C2").exceptions.size(), 0u);
}

TEST_F(ComplianceTest, C3ConsentDynamics) {
  const auto report = AsOf("2009-12-31");
  const ConsentDynamics& d = report.consent;
  // a/con-1, b/con-2 (refused), b/con-3, c/con-1, c/con-2.
  EXPECT_EQ(d.asked, 5u);
  EXPECT_EQ(d.refused, 1u);
  EXPECT_EQ(d.given, 4u);
  EXPECT_EQ(d.withdrawn, 1u);
  // Validity: c/con-2 31 days (revoked), c/con-1 89 (01-01 12:00 to 04-01 00:00), a/con-1 161
  // (01-05 09:10 to 06-15 10:00, withdrawn), b/con-3 548 (2008-03-03 12:00 to 2009-09-03
  // 00:00, renewed). Median of 4: the 2nd smallest.
  EXPECT_EQ(d.ended, 4u);
  EXPECT_EQ(d.median_validity_days, 89);
  // b/con-3 renewed before its first expiry; c/con-1 expired unrenewed; a/con-1 and c/con-2
  // stopped before their expiry.
  EXPECT_EQ(d.renewal_decided, 2u);
  EXPECT_EQ(d.renewed_before_expiry, 1u);

  // Before and after the withdrawal (effective 06-15 10:00Z).
  EXPECT_EQ(AsOf("2009-06-14").consent.withdrawn, 0u);
  const auto june15_report = AsOf("2009-06-15");
  const ConsentDynamics& june15 = june15_report.consent;
  EXPECT_EQ(june15.withdrawn, 1u);
  EXPECT_EQ(june15.ended, 3u);                 // b/con-3 is still in force
  EXPECT_EQ(june15.median_validity_days, 89);  // 31, 89, 161
}

TEST_F(ComplianceTest, RenderingsAreDeterministicAndCarryTheEvents) {
  ComplianceReport r = AsOf("2009-12-31");
  std::string text = ComplianceJson(r);
  json j = json::parse(text);
  EXPECT_EQ(j.dump() + "\n", text);
  const json& rep = j["report"];
  EXPECT_EQ(rep["kind"], "compliance");
  EXPECT_EQ(rep["checks"][0]["id"], "P1");
  EXPECT_EQ(rep["checks"][0]["share_passed"], (json{{"num", 2}, {"den", 4}, {"milli", 500}}));
  EXPECT_EQ(rep["checks"][4]["exceptions"][0]["events"][0]["seq"], seqs_.a_dis3);
  EXPECT_EQ(rep["consent_dynamics"]["median_validity_days"], 89);
  EXPECT_EQ(rep["consent_dynamics"]["refusal_rate"],
            (json{{"num", 1}, {"den", 5}, {"milli", 200}}));
  EXPECT_EQ(text, ComplianceJson(AsOf("2009-12-31")));

  std::string csv = ComplianceCsv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "check,stream,ref_id,reasons,seq,event_id,event_type,occurred_at,related_seqs");
  std::string row =
      "\nC2,case/sub-a,dis-3,disclosed_after_withdrawal," + std::to_string(seqs_.a_dis3) + ",";
  EXPECT_NE(csv.find(row), std::string::npos) << csv;
  std::string summary = ComplianceSummaryCsv(r);
  EXPECT_NE(summary.find("\nP1,2,4,0.5000\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\nC3.median_validity_days,89,4,\n"), std::string::npos) << summary;
  std::string t = ComplianceText(r);
  EXPECT_EQ(t.rfind("Compliance as of 2009-12-31", 0), 0u);
  EXPECT_NE(t.find("no_condition_or_exemption"), std::string::npos);
  // One exception a check: P1, P6 and C1 have 1, 1 and 3 more.
  EXPECT_NE(ComplianceText(r, 1).find("\n(5 more, not shown here"), std::string::npos);
  EXPECT_EQ(t.find("not shown"), std::string::npos);
}

TEST_F(ComplianceTest, StoppedAnywhereAndResumedEqualsARebuild) {
  const ReportTime at = ReportTime::EndOfDay(Date("2009-12-31"), ReportZone::EuropeOslo());
  ledger::testing::ExpectStoppedAnywhereAndResumedEqualsARebuild<ComplianceProjection>(
      log_.ledger(), [&](const ComplianceProjection& p, const LogPoint& point) {
        return ComplianceJson(p.Report(at, point));
      });
}

TEST_F(ComplianceTest, RestoreRefusesDamagedState) {
  EXPECT_EQ(ledger::testing::ExpectRestoreRefusesDamagedState<ComplianceProjection>(log_.ledger()),
            3u);
}

// P6 on agreements still open at T (judged on rules 1 and 2 only). The log holds an agreement
// with 4 problems, which a ledger with the default limit of 3 refuses at append (one created
// with max_agreement_problems 4 would take it): the test ledger's case rules are off. sub-p:
//   agr-2p 2010-10-01..12-01, 2 problems: open, within both rules.
//   agr-late 2010-10-15..2011-01-15 (exactly 3 months), closed without evaluation at
//     2010-12-31T23:30:00Z, which is 00:30 on 1 January in Oslo (UTC+1 in winter).
//   agr-4p 2010-11-01..12-01, 4 problems: open.
class ComplianceOpenAgreementsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenCase(log_, "sub-p", "2010-09-01", 20);
    Sign(log_, "sub-p", "agr-2p", "2010-10-01", "2010-12-01", false, 2);
    agr_late_ = Sign(log_, "sub-p", "agr-late", "2010-10-15", "2011-01-15", false);
    agr_4p_ = Sign(log_, "sub-p", "agr-4p", "2010-11-01", "2010-12-01", false, 4);
    late_closed_ = log_.Add(
        "sub-p", "agreement.closed", "2010-12-31T23:30:00Z",
        {{"agreement_id", "agr-late"}, {"reason", "completed"}, {"evaluation_done", false}});
  }

  ComplianceReport AsOf(const std::string& date,
                        const ReportZone& zone = ReportZone::EuropeOslo()) {
    ReportMoment m;
    m.as_of = Date(date);
    m.zone = zone;
    auto run = RunCompliance(log_.ledger(), m);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run->report;
  }

  static ComplianceCheck P6(const ComplianceReport& r) { return r.checks.at(2); }

  ReplayTestLog log_{/*check_case_rules=*/false};
  uint64_t agr_late_ = 0, agr_4p_ = 0, late_closed_ = 0;
};

TEST_F(ComplianceOpenAgreementsTest, OpenWithTwoProblemsAndTwoMonthsIsCheckedAndPassed) {
  // Only agr-2p is signed by 10-10.
  const ComplianceCheck p6 = P6(AsOf("2010-10-10"));
  ASSERT_EQ(p6.id, "P6");
  EXPECT_EQ(p6.checked, 1u);
  EXPECT_EQ(p6.passed, 1u);
  EXPECT_TRUE(p6.exceptions.empty());
}

TEST_F(ComplianceOpenAgreementsTest, OpenWithFourProblemsIsAnException) {
  // agr-2p and agr-late (open) pass; agr-4p breaks rule 1.
  const ComplianceCheck p6 = P6(AsOf("2010-11-30"));
  EXPECT_EQ(p6.checked, 3u);
  EXPECT_EQ(p6.passed, 2u);
  ASSERT_EQ(p6.exceptions.size(), 1u);
  const ComplianceException& x = p6.exceptions[0];
  EXPECT_EQ(x.ref_id, "agr-4p");
  EXPECT_EQ(x.reasons, (std::vector<std::string>{"more_than_3_problems"}));
  ASSERT_EQ(x.events.size(), 1u);  // no closing: it is open
  EXPECT_EQ(x.events[0].seq, agr_4p_);
  EXPECT_EQ(x.events[0].type, "agreement.signed");
}

TEST_F(ComplianceOpenAgreementsTest, ClosedAt2330ZOn31DecemberIsStillOpenThatDayInOslo) {
  // The default zone is Europe/Oslo: 31 December ends at 22:59:59.999999Z, before the closing.
  ReportMoment m;
  m.as_of = Date("2010-12-31");
  auto run = RunCompliance(log_.ledger(), m);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->report.at.zone, "Europe/Oslo");
  EXPECT_EQ(run->report.at.instant_us, ledger::testing::Us("2010-12-31T22:59:59.999999Z"));
  EXPECT_LT(run->report.at.instant_us, ledger::testing::Us("2010-12-31T23:30:00Z"));
  const ComplianceCheck oslo = P6(run->report);
  // agr-late is open, keeps rules 1 and 2: checked and passed, with agr-2p; agr-4p is the one
  // exception, and nothing names the closing.
  EXPECT_EQ(oslo.checked, 3u);
  EXPECT_EQ(oslo.passed, 2u);
  ASSERT_EQ(oslo.exceptions.size(), 1u);
  EXPECT_EQ(oslo.exceptions[0].ref_id, "agr-4p");

  // The same log as of 31 December in UTC, or as of 1 January in Oslo: agr-late is closed by
  // T without evaluation, an exception naming its closing.
  for (const ComplianceReport& r : {AsOf("2010-12-31", ReportZone::Utc()), AsOf("2011-01-01")}) {
    const ComplianceCheck closed = P6(r);
    EXPECT_EQ(closed.checked, 3u) << r.at.zone;
    EXPECT_EQ(closed.passed, 1u) << r.at.zone;
    ASSERT_EQ(closed.exceptions.size(), 2u) << r.at.zone;
    const ComplianceException& x = closed.exceptions[0];
    EXPECT_EQ(x.ref_id, "agr-late");
    EXPECT_EQ(x.events[0].seq, agr_late_);
    EXPECT_EQ(x.reasons, (std::vector<std::string>{"closed_without_evaluation"}));
    ASSERT_EQ(x.events.size(), 2u);
    EXPECT_EQ(x.events[1].seq, late_closed_);
    EXPECT_EQ(closed.exceptions[1].ref_id, "agr-4p");
  }
}

// C1 under consents that were renewed out of log order and replaced (indicators.md,
// "Compliance"). sub-r, everything for nav / economy / case_coordination:
//   con-a given 2009-01-02, expiring 2009-03-01T00:00Z; renewed on 02-20 to 2010-01-01, and,
//     appended after that, renewed on 02-10 to 2009-04-01: the latest by occurred_at (02-20)
//     counts, so con-a is in force on 05-01.
//   con-b given 2009-06-01T12:00Z, replacing con-a: con-a ends at that instant.
//   dis-1 05-01 under con-a; dis-2 06-01T11:59:59Z under con-a; dis-3 06-01T12:00Z under con-a
//     (replaced); dis-4 06-02 under con-b.
TEST(ComplianceConsentTest, LatestRenewalByOccurredAtCountsAndAReplacementEndsAConsent) {
  ReplayTestLog l;
  const std::string s = "sub-r";
  OpenCase(l, s, "2009-01-01", 20);
  Give(l, s, "con-a", Noon("2009-01-02"), {"case_coordination"}, {"nav"}, {"economy"},
       "2009-03-01T00:00:00Z");
  l.Add(s, "consent.renewed", Noon("2009-02-20"),
        {{"consent_id", "con-a"}, {"expires_at", "2010-01-01T00:00:00Z"}});
  l.Add(s, "consent.renewed", Noon("2009-02-10"),  // later in the log, earlier occurred_at
        {{"consent_id", "con-a"}, {"expires_at", "2009-04-01T00:00:00Z"}});
  auto disclose_at = [&](const std::string& id, const std::string& at, const std::string& con) {
    return l.Add(s, "disclosure.made", at,
                 {{"disclosure_id", id},
                  {"recipient", "nav"},
                  {"data_categories", {"economy"}},
                  {"basis", "consent:" + con},
                  {"purpose", "case_coordination"}});
  };
  disclose_at("dis-1", Noon("2009-05-01"), "con-a");
  Give(l, s, "con-b", "2009-06-01T12:00:00Z", {"case_coordination"}, {"nav"}, {"economy"},
       "2010-06-01T00:00:00Z", "con-a");
  disclose_at("dis-2", "2009-06-01T11:59:59Z", "con-a");
  const uint64_t dis3 = disclose_at("dis-3", "2009-06-01T12:00:00Z", "con-a");
  disclose_at("dis-4", Noon("2009-06-02"), "con-b");

  ReportMoment m;
  m.as_of = Date("2009-12-31");
  auto run = RunCompliance(l.ledger(), m);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const ComplianceCheck& c1 = run->report.checks.at(3);
  ASSERT_EQ(c1.id, "C1");
  EXPECT_EQ(c1.checked, 4u);
  EXPECT_EQ(c1.passed, 3u);  // dis-1 (renewed to 2010), dis-2 (before the replacement), dis-4
  ASSERT_EQ(c1.exceptions.size(), 1u);
  EXPECT_EQ(c1.exceptions[0].ref_id, "dis-3");
  EXPECT_EQ(c1.exceptions[0].events[0].seq, dis3);
  EXPECT_EQ(c1.exceptions[0].reasons, (std::vector<std::string>{"consent_replaced"}));
}

}  // namespace
}  // namespace ledger::replay
