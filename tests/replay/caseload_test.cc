// The caseload on a hand-built log, against figures worked out by hand from the definitions in
// indicators.md ("Caseload") and docs/projections.md. The log (seq 0-3 are key events):
//
//  sub-a office-1  opened 2009-01-05; intake, then clarification 02-01; category 3 from 02-01;
//                  consent con-1 (expires 2009-07-01 00:00 Oslo), withdrawn effective 06-15 12:00;
//                  status 2009-03-01 education and measure on the same day; income
//                  social_assistance; agreement agr-1 02-02..04-30, tasks due 02-20 (done),
//                  03-15 (partly), 06-01 (none); condition cond-1 03-01..08-31; sanctions san-2
//                  06-01..07-31 appealed, san-3 annulled; exemption exm-1 review 06-30.
//  sub-b office-1  opened 03-10; consent expiring 06-20; sanction san-1 05-01..06-30 (on a breach
//                  of a condition that ended 03-31); closed 06-10.
//  sub-c office-2  opened 04-01; follow_up 04-02 and a late clarification 04-01; categories 4 and
//                  1 at the same instant (valid 04-01), 2 valid from 07-01; consent con-7
//                  (expires 06-01) renewed 05-25 to 2010-06-01; statistics restricted 05-01;
//                  incomes: 05-01 work, 05-01 family (later), 04-15 social_assistance (late).
//  sub-d office-2  opened 01-10, closed 05-01, and a late reopening dated 04-01.
//  sub-e office-1  opened 2009-06-14T23:30+01:00 (00:30 on the 15th in Oslo).
//  sub-f office-2  opened 02-01, erasure granted, shredded 05-01.
#include "replay/caseload.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "replay/replayer.h"
#include "replay/state_store.h"
#include "replay_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::Date;
using ledger::testing::ReplayTestLog;
using ledger::testing::ScratchDir;
using ledger::testing::Us;
using nlohmann::json;

const std::string kForm(64, 'a');

json Consent(const std::string& id, json purposes, json recipients, json categories,
             const std::string& expires) {
  return {{"consent_id", id},         {"purposes", purposes},
          {"recipients", recipients}, {"data_categories", categories},
          {"method", "signed_form"},  {"form_sha256", kForm},
          {"expires_at", expires}};
}

void BuildLog(ReplayTestLog& l) {
  const std::string a = "sub-a", b = "sub-b", c = "sub-c", d = "sub-d";
  l.Open(a, "office-1", "2009-01-05T10:00:00+01:00");
  l.Add(a, "phase.entered", "2009-01-05T10:05:00+01:00", {{"phase", "intake"}});
  l.Add(a, "consent.given", "2009-01-05T10:10:00+01:00",
        Consent("con-1", {"case_coordination", "referral_committee"}, {"nav", "referral_committee"},
                {"identity", "economy"}, "2009-07-01T00:00:00+02:00"));
  l.Add(a, "status.observed", "2009-01-05T11:00:00+01:00",
        {{"as_of", "2009-01-05"}, {"status", "unemployed"}, {"source", "self_report"}}, "service");
  l.Add(a, "income.recorded", "2009-01-05T11:05:00+01:00",
        {{"as_of", "2009-01-05"}, {"main_source", "social_assistance"}}, "service");
  l.Add(a, "assistance.decided", "2009-01-06T10:00:00+01:00",
        {{"decision_id", "dec-1"},
         {"outcome", "granted"},
         {"period_from", "2009-01-06"},
         {"period_to", "2009-03-31"},
         {"form", "grant"},
         {"reduction_warning_given", true},
         {"appeal_info_given", true},
         {"emergency", false}});
  l.Add(a, "phase.entered", "2009-02-01T09:00:00+01:00", {{"phase", "clarification"}});
  l.Add(a, "category.assigned", "2009-02-01T09:30:00+01:00",
        {{"category", 3}, {"valid_from", "2009-02-01"}});
  l.Add(a, "agreement.signed", "2009-02-02T10:00:00+01:00",
        {{"agreement_id", "agr-1"},
         {"start", "2009-02-02"},
         {"end", "2009-04-30"},
         {"problems", {{{"problem_id", "p1"}, {"domain", "work"}}}},
         {"tasks",
          {{{"task_id", "t1"},
            {"problem_id", "p1"},
            {"responsible", "participant"},
            {"due", "2009-02-20"}},
           {{"task_id", "t2"},
            {"problem_id", "p1"},
            {"responsible", "caseworker"},
            {"due", "2009-03-15"}},
           {{"task_id", "t3"},
            {"problem_id", "p1"},
            {"responsible", "partner"},
            {"due", "2009-06-01"}}}}});
  l.Add(a, "agreement.task_reviewed", "2009-02-21T10:00:00+01:00",
        {{"agreement_id", "agr-1"}, {"task_id", "t1"}, {"status", "done"}});
  l.Add(a, "agreement.task_reviewed", "2009-03-16T10:00:00+01:00",
        {{"agreement_id", "agr-1"}, {"task_id", "t2"}, {"status", "partly"}});
  l.Add(a, "status.observed", "2009-03-02T10:00:00+01:00",
        {{"as_of", "2009-03-01"}, {"status", "education"}, {"source", "register"}}, "service");
  l.Add(a, "status.observed", "2009-03-02T11:00:00+01:00",
        {{"as_of", "2009-03-01"}, {"status", "measure"}, {"source", "caseworker"}});
  l.Add(a, "condition.set", "2009-02-25T10:00:00+01:00",
        {{"condition_id", "cond-1"},
         {"decision_id", "dec-1"},
         {"activity", "qualifying"},
         {"start", "2009-03-01"},
         {"end", "2009-08-31"},
         {"hours_per_week", 20}});
  l.Add(a, "consent.withdrawn", "2009-06-15T11:00:00+02:00",
        {{"consent_id", "con-1"}, {"effective_at", "2009-06-15T12:00:00+02:00"}});

  l.Open(b, "office-1", "2009-03-10T10:00:00+01:00");
  l.Add(b, "phase.entered", "2009-03-10T10:05:00+01:00", {{"phase", "intake"}});
  l.Add(b, "consent.given", "2009-03-10T10:10:00+01:00",
        Consent("con-1", {"case_coordination"}, {"nav"}, {"economy"}, "2009-06-20T23:59:59+02:00"));
  // The case rules want a decision, a condition and a breach before a sanction; the condition
  // ends before every report date below, so the caseload does not list it.
  l.Add(b, "assistance.decided", "2009-03-11T10:00:00+01:00",
        {{"decision_id", "dec-9"},
         {"outcome", "granted"},
         {"period_from", "2009-03-11"},
         {"period_to", "2009-06-30"},
         {"form", "grant"},
         {"reduction_warning_given", true},
         {"appeal_info_given", true},
         {"emergency", false}});
  l.Add(b, "condition.set", "2009-03-11T10:30:00+01:00",
        {{"condition_id", "cond-9"},
         {"decision_id", "dec-9"},
         {"activity", "low_threshold"},
         {"start", "2009-03-16"},
         {"end", "2009-03-31"},
         {"hours_per_week", 10}});
  l.Add(b, "condition.breached", "2009-03-25T10:00:00+01:00",
        {{"breach_id", "br-1"}, {"condition_id", "cond-9"}, {"kind", "no_show"}});
  l.Add(b, "sanction.imposed", "2009-04-20T10:00:00+02:00",
        {{"sanction_id", "san-1"},
         {"breach_id", "br-1"},
         {"basis_decision_id", "dec-9"},
         {"reduction_nok", 500},
         {"from", "2009-05-01"},
         {"to", "2009-06-30"},
         {"emergency_checked", true}});
  l.Add(b, "case.closed", "2009-06-10T10:00:00+02:00", {{"reason", "work"}});

  l.Open(c, "office-2", "2009-04-01T10:00:00+02:00");
  l.Add(c, "phase.entered", "2009-04-02T10:00:00+02:00", {{"phase", "follow_up"}});
  l.Add(c, "category.assigned", "2009-05-01T10:00:00+02:00",
        {{"category", 2}, {"valid_from", "2009-07-01"}});
  l.Add(c, "processing.restricted", "2009-05-01T11:00:00+02:00", {{"purpose", "statistics"}},
        "dpo");
  l.Add(c, "phase.entered", "2009-04-01T12:00:00+02:00", {{"phase", "clarification"}});
  l.Add(c, "consent.given", "2009-04-01T10:30:00+02:00",
        Consent("con-7", {"evaluation"}, {"evaluator:ramboll"}, {"education"},
                "2009-06-01T00:00:00+02:00"));
  l.Add(c, "consent.renewed", "2009-05-25T10:00:00+02:00",
        {{"consent_id", "con-7"}, {"expires_at", "2010-06-01T00:00:00+02:00"}});
  l.Add(c, "income.recorded", "2009-05-02T10:00:00+02:00",
        {{"as_of", "2009-05-01"}, {"main_source", "work"}}, "service");
  l.Add(c, "income.recorded", "2009-05-02T11:00:00+02:00",
        {{"as_of", "2009-05-01"}, {"main_source", "family"}}, "service");
  l.Add(c, "income.recorded", "2009-05-03T10:00:00+02:00",
        {{"as_of", "2009-04-15"}, {"main_source", "social_assistance"}}, "service");
  l.Add(c, "category.assigned", "2009-04-01T11:00:00+02:00",
        {{"category", 4}, {"valid_from", "2009-04-01"}});
  l.Add(c, "category.assigned", "2009-04-01T11:00:00+02:00",
        {{"category", 1}, {"valid_from", "2009-04-01"}});

  l.Open(d, "office-2", "2009-01-10T10:00:00+01:00");
  l.Add(d, "case.closed", "2009-05-01T10:00:00+02:00", {{"reason", "no_contact"}});
  l.Add(d, "case.reopened", "2009-04-01T10:00:00+02:00", {{"reason", "reapplication"}});

  l.Open("sub-e", "office-1", "2009-06-14T23:30:00+01:00");

  l.Open("sub-f", "office-2", "2009-02-01T10:00:00+01:00");
  l.Add("sub-f", "erasure.requested", "2009-04-20T10:00:00+02:00", {{"request_id", "er-1"}}, "dpo");
  l.Add("sub-f", "erasure.decided", "2009-04-25T10:00:00+02:00",
        {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}}, "dpo");
  l.Add("sub-f", "subject.shredded", "2009-05-01T10:00:00+02:00", {{"request_id", "er-1"}}, "dpo");

  l.Add(a, "condition.breached", "2009-04-20T10:00:00+02:00",
        {{"breach_id", "br-3"}, {"condition_id", "cond-1"}, {"kind", "no_show"}});
  l.Add(a, "condition.breached", "2009-05-15T10:00:00+02:00",
        {{"breach_id", "br-2"}, {"condition_id", "cond-1"}, {"kind", "dropout"}});
  l.Add(a, "sanction.imposed", "2009-05-20T10:00:00+02:00",
        {{"sanction_id", "san-2"},
         {"breach_id", "br-2"},
         {"basis_decision_id", "dec-1"},
         {"reduction_pct", 20},
         {"from", "2009-06-01"},
         {"to", "2009-07-31"},
         {"emergency_checked", true}});
  l.Add(a, "sanction.appealed", "2009-05-25T10:00:00+02:00", {{"sanction_id", "san-2"}});
  l.Add(a, "sanction.imposed", "2009-04-25T10:00:00+02:00",
        {{"sanction_id", "san-3"},
         {"breach_id", "br-3"},
         {"basis_decision_id", "dec-1"},
         {"reduction_nok", 300},
         {"from", "2009-05-01"},
         {"to", "2009-09-30"},
         {"emergency_checked", true}});
  l.Add(a, "sanction.appealed", "2009-05-01T10:00:00+02:00", {{"sanction_id", "san-3"}});
  l.Add(a, "appeal.decided", "2009-06-01T10:00:00+02:00",
        {{"sanction_id", "san-3"}, {"body", "fylkesmannen"}, {"outcome", "annulled"}});
  l.Add(a, "condition.exempted", "2009-06-01T10:00:00+02:00",
        {{"exemption_id", "exm-1"},
         {"decision_id", "dec-1"},
         {"ground", "health"},
         {"review_date", "2009-06-30"}});
}

class CaseloadTest : public ::testing::Test {
 protected:
  void SetUp() override { BuildLog(log_); }

  // A fresh replay filtered to the end of `date` in `zone`, and its report.
  CaseloadReport AsOf(const std::string& date, const ReportZone& zone = ReportZone::EuropeOslo()) {
    ReportTime at = ReportTime::EndOfDay(Date(date), zone);
    CaseloadProjection p;
    ReplayFilter filter;
    filter.occurred_at_most_us = at.instant_us;
    auto r = Replayer::Create(log_.ledger(), {&p}, filter);
    EXPECT_TRUE(r.ok());
    auto stats = (*r)->Run();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return p.Report(at, *(*r)->Point());
  }

  const CaseloadCase* Find(const CaseloadReport& r, const std::string& subject) {
    for (const CaseloadCase& c : r.cases) {
      if (c.subject == subject) return &c;
    }
    return nullptr;
  }

  std::vector<std::string> Subjects(const CaseloadReport& r) {
    std::vector<std::string> out;
    for (const CaseloadCase& c : r.cases) out.push_back(c.subject);
    return out;
  }

  ReplayTestLog log_;
};

TEST_F(CaseloadTest, KnownAnswersOn14June) {
  CaseloadReport r = AsOf("2009-06-14");
  EXPECT_EQ(r.at.instant_us, Us("2009-06-14T21:59:59.999999Z"));
  EXPECT_EQ(r.log.size, log_.ledger().log().Size());
  // b closed 06-10; d's closure (05-01) is later in business time than its late reopening;
  // e opened after midnight Oslo time; f shredded.
  EXPECT_EQ(Subjects(r), (std::vector<std::string>{"sub-a", "sub-c"}));

  const CaseloadCase& a = *Find(r, "sub-a");
  EXPECT_EQ(a.office, "office-1");
  EXPECT_EQ(a.municipality, "3005");
  EXPECT_EQ(a.intake_date, Date("2009-01-05"));
  EXPECT_EQ(a.days_since_intake, 160);  // 26 + 28 + 31 + 30 + 31 + 14
  EXPECT_EQ(a.phase, "clarification");
  EXPECT_EQ(a.category, 3u);
  EXPECT_EQ(a.status, "education");  // ties on 03-01: education before measure
  EXPECT_EQ(a.status_as_of, Date("2009-03-01"));
  EXPECT_EQ(a.main_income, "social_assistance");
  EXPECT_EQ(a.income_as_of, Date("2009-01-05"));
  ASSERT_EQ(a.consents.size(), 1u);  // the withdrawal is dated the 15th
  EXPECT_EQ(a.consents[0].consent_id, "con-1");
  EXPECT_EQ(a.consents[0].purposes,
            (std::vector<std::string>{"case_coordination", "referral_committee"}));
  EXPECT_EQ(a.consents[0].recipients, (std::vector<std::string>{"nav", "referral_committee"}));
  EXPECT_EQ(a.consents[0].data_categories, (std::vector<std::string>{"identity", "economy"}));
  EXPECT_EQ(a.consents[0].expires_at_us, Us("2009-06-30T22:00:00Z"));
  EXPECT_TRUE(a.consents[0].expires_within_30_days);  // 16 days and 1 microsecond
  ASSERT_EQ(a.agreements.size(), 1u);
  const CaseloadAgreement& agr = a.agreements[0];
  EXPECT_EQ(agr.agreement_id, "agr-1");
  EXPECT_EQ(agr.tasks, 3u);
  EXPECT_EQ(agr.open_tasks, 2u);     // t2 partly, t3 not reviewed
  EXPECT_EQ(agr.overdue_tasks, 2u);  // due 03-15 and 06-01
  EXPECT_EQ(agr.days_left, -45);     // 04-30 to 06-14
  EXPECT_TRUE(agr.past_3_months);    // 02-02 + 3 months = 05-02
  EXPECT_FALSE(agr.extension_reason);
  ASSERT_EQ(a.sanctions.size(), 1u);  // san-3 annulled
  EXPECT_EQ(a.sanctions[0].sanction_id, "san-2");
  EXPECT_TRUE(a.sanctions[0].in_force);
  EXPECT_TRUE(a.sanctions[0].appeal_pending);
  EXPECT_EQ(a.sanctions[0].reduction_pct, 20u);
  EXPECT_FALSE(a.sanctions[0].reduction_nok.has_value());
  ASSERT_EQ(a.conditions.size(), 1u);
  EXPECT_EQ(a.conditions[0].activity, "qualifying");
  EXPECT_TRUE(a.conditions[0].in_force);
  EXPECT_EQ(a.conditions[0].hours_per_week, 20u);
  ASSERT_EQ(a.exemptions.size(), 1u);
  EXPECT_EQ(a.exemptions[0].ground, "health");
  EXPECT_TRUE(a.restricted_purposes.empty());

  const CaseloadCase& c = *Find(r, "sub-c");
  EXPECT_EQ(c.office, "office-2");
  EXPECT_EQ(c.days_since_intake, 74);  // 29 + 31 + 14
  EXPECT_EQ(c.phase, "follow_up");     // the late clarification is older in business time
  EXPECT_EQ(c.category, 1u);           // 4 and 1 at one instant: the later entry; 2 not valid yet
  EXPECT_EQ(c.status, "unknown");
  EXPECT_FALSE(c.status_as_of.has_value());
  EXPECT_EQ(c.main_income, "family");  // 05-01 twice: the later; 04-15 is older
  EXPECT_EQ(c.income_as_of, Date("2009-05-01"));
  ASSERT_EQ(c.consents.size(), 1u);
  EXPECT_EQ(c.consents[0].expires_at_us, Us("2010-05-31T22:00:00Z"));  // renewed
  EXPECT_FALSE(c.consents[0].expires_within_30_days);
  EXPECT_EQ(c.restricted_purposes, (std::vector<std::string>{"statistics"}));
  EXPECT_TRUE(c.agreements.empty());

  const CaseloadSummary& s = r.summary;
  EXPECT_EQ(s.open_cases, 2u);
  std::map<std::string, uint64_t> office1 = {
      {"intake", 0}, {"clarification", 1}, {"follow_up", 0}, {"after_care", 0}, {"none", 0}};
  std::map<std::string, uint64_t> office2 = {
      {"intake", 0}, {"clarification", 0}, {"follow_up", 1}, {"after_care", 0}, {"none", 0}};
  EXPECT_EQ(s.by_office_phase.size(), 2u);
  EXPECT_EQ(s.by_office_phase.at("office-1"), office1);
  EXPECT_EQ(s.by_office_phase.at("office-2"), office2);
  EXPECT_EQ(s.by_category,
            (std::map<std::string, uint64_t>{{"1", 1}, {"2", 0}, {"3", 1}, {"4", 0}, {"none", 0}}));
  EXPECT_EQ(s.consents_expiring_within_30_days, 1u);
  EXPECT_EQ(s.overdue_tasks, 2u);
  EXPECT_EQ(s.agreements_past_3_months, 1u);
  EXPECT_EQ(s.sanctions_in_force, 1u);
}

TEST_F(CaseloadTest, KnownAnswersOn5June) {
  CaseloadReport r = AsOf("2009-06-05");
  EXPECT_EQ(Subjects(r), (std::vector<std::string>{"sub-a", "sub-b", "sub-c"}));
  const CaseloadCase& a = *Find(r, "sub-a");
  EXPECT_EQ(a.days_since_intake, 151);
  EXPECT_EQ(a.agreements[0].overdue_tasks, 2u);  // 06-01 is before 06-05
  EXPECT_EQ(a.agreements[0].days_left, -36);
  const CaseloadCase& b = *Find(r, "sub-b");
  EXPECT_EQ(b.days_since_intake, 87);  // 21 + 30 + 31 + 5
  EXPECT_EQ(b.phase, "intake");
  EXPECT_EQ(b.category, 0u);
  EXPECT_EQ(b.main_income, "unknown");
  ASSERT_EQ(b.consents.size(), 1u);
  EXPECT_EQ(b.consents[0].expires_at_us, Us("2009-06-20T21:59:59Z"));
  EXPECT_TRUE(b.consents[0].expires_within_30_days);
  ASSERT_EQ(b.sanctions.size(), 1u);
  EXPECT_TRUE(b.sanctions[0].in_force);
  EXPECT_FALSE(b.sanctions[0].appeal_pending);
  EXPECT_EQ(b.sanctions[0].reduction_nok, 500u);

  const CaseloadSummary& s = r.summary;
  EXPECT_EQ(s.open_cases, 3u);
  EXPECT_EQ(s.by_office_phase.at("office-1").at("clarification"), 1u);
  EXPECT_EQ(s.by_office_phase.at("office-1").at("intake"), 1u);
  EXPECT_EQ(s.by_office_phase.at("office-2").at("follow_up"), 1u);
  EXPECT_EQ(s.by_category,
            (std::map<std::string, uint64_t>{{"1", 1}, {"2", 0}, {"3", 1}, {"4", 0}, {"none", 1}}));
  EXPECT_EQ(s.consents_expiring_within_30_days, 2u);  // a's con-1 and b's con-1
  EXPECT_EQ(s.overdue_tasks, 2u);
  EXPECT_EQ(s.agreements_past_3_months, 1u);
  EXPECT_EQ(s.sanctions_in_force, 2u);  // a's san-2 (from 06-01) and b's san-1
}

TEST_F(CaseloadTest, KnownAnswersOn15April) {
  CaseloadReport r = AsOf("2009-04-15");
  // Sorted by office, then subject. d is open: its closure is dated 05-01. f is not yet shredded.
  EXPECT_EQ(Subjects(r), (std::vector<std::string>{"sub-a", "sub-b", "sub-c", "sub-d", "sub-f"}));
  const CaseloadCase& a = *Find(r, "sub-a");
  EXPECT_EQ(a.days_since_intake, 100);
  EXPECT_FALSE(a.consents[0].expires_within_30_days);  // 76 days left
  EXPECT_EQ(a.agreements[0].open_tasks, 2u);
  EXPECT_EQ(a.agreements[0].overdue_tasks, 1u);  // only 03-15
  EXPECT_EQ(a.agreements[0].days_left, 15);
  EXPECT_FALSE(a.agreements[0].past_3_months);
  EXPECT_TRUE(a.sanctions.empty());
  EXPECT_TRUE(a.exemptions.empty());
  const CaseloadCase& c = *Find(r, "sub-c");
  EXPECT_EQ(c.days_since_intake, 14);
  EXPECT_EQ(c.phase, "follow_up");
  EXPECT_EQ(c.category, 1u);
  EXPECT_EQ(c.main_income, "unknown");
  EXPECT_TRUE(c.restricted_purposes.empty());
  EXPECT_EQ(c.consents[0].expires_at_us, Us("2009-05-31T22:00:00Z"));
  EXPECT_FALSE(c.consents[0].expires_within_30_days);  // 46 days
  const CaseloadCase& d = *Find(r, "sub-d");
  EXPECT_EQ(d.days_since_intake, 95);
  EXPECT_EQ(d.phase, "none");
  EXPECT_EQ(Find(r, "sub-f")->days_since_intake, 73);

  const CaseloadSummary& s = r.summary;
  EXPECT_EQ(s.open_cases, 5u);
  EXPECT_EQ(s.by_office_phase.at("office-2").at("none"), 2u);
  EXPECT_EQ(s.by_office_phase.at("office-2").at("follow_up"), 1u);
  EXPECT_EQ(s.by_category,
            (std::map<std::string, uint64_t>{{"1", 1}, {"2", 0}, {"3", 1}, {"4", 0}, {"none", 3}}));
  EXPECT_EQ(s.consents_expiring_within_30_days, 0u);
  EXPECT_EQ(s.overdue_tasks, 1u);
  EXPECT_EQ(s.agreements_past_3_months, 0u);
  EXPECT_EQ(s.sanctions_in_force, 0u);
}

TEST_F(CaseloadTest, ARenewalRecordedLaterIsNotSeenBefore) {
  CaseloadReport r = AsOf("2009-05-20");
  const CaseloadCase& c = *Find(r, "sub-c");
  EXPECT_EQ(c.consents[0].expires_at_us, Us("2009-05-31T22:00:00Z"));
  EXPECT_TRUE(c.consents[0].expires_within_30_days);  // 11 days
  EXPECT_EQ(c.restricted_purposes, (std::vector<std::string>{"statistics"}));
}

TEST_F(CaseloadTest, WithdrawalBeforeAndAfter) {
  EXPECT_EQ(Find(AsOf("2009-06-14"), "sub-a")->consents.size(), 1u);
  CaseloadReport after = AsOf("2009-06-15");
  EXPECT_TRUE(Find(after, "sub-a")->consents.empty());
  EXPECT_EQ(after.summary.consents_expiring_within_30_days, 0u);
}

TEST_F(CaseloadTest, ClosureBeforeAndAfter) {
  EXPECT_NE(Find(AsOf("2009-06-09"), "sub-b"), nullptr);
  EXPECT_EQ(Find(AsOf("2009-06-10"), "sub-b"), nullptr);
  // The late reopening (dated 04-01) does not undo the closure dated 05-01.
  EXPECT_NE(Find(AsOf("2009-04-30"), "sub-d"), nullptr);
  EXPECT_EQ(Find(AsOf("2009-05-01"), "sub-d"), nullptr);
}

TEST_F(CaseloadTest, TheReportZoneDecidesWhichDayAnEventFallsOn) {
  // sub-e opened at 23:30 on the 14th at +01:00: the 15th in Oslo, the 14th in UTC.
  EXPECT_EQ(Find(AsOf("2009-06-14"), "sub-e"), nullptr);
  CaseloadReport utc = AsOf("2009-06-14", ReportZone::Utc());
  ASSERT_NE(Find(utc, "sub-e"), nullptr);
  EXPECT_EQ(Find(utc, "sub-e")->days_since_intake, 0);
  EXPECT_EQ(utc.at.zone, "UTC");
  CaseloadReport oslo15 = AsOf("2009-06-15");
  EXPECT_EQ(Subjects(oslo15), (std::vector<std::string>{"sub-a", "sub-e", "sub-c"}));
  const CaseloadCase& e = *Find(oslo15, "sub-e");
  EXPECT_EQ(e.phase, "none");
  EXPECT_EQ(e.category, 0u);
  EXPECT_EQ(e.status, "unknown");
  EXPECT_EQ(e.main_income, "unknown");
  EXPECT_EQ(e.days_since_intake, 1);
}

TEST_F(CaseloadTest, AtAnInstantWithTheWholeLog) {
  // A report at a moment, from a state of the whole log: consents judged at the instant.
  CaseloadProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  ASSERT_TRUE((*r)->Run().ok());
  auto point = (*r)->Point();
  ReportZone oslo = ReportZone::EuropeOslo();
  CaseloadReport before =
      p.Report(ReportTime::AtInstant(Us("2009-06-15T11:59:59.999999+02:00"), oslo), *point);
  CaseloadReport at =
      p.Report(ReportTime::AtInstant(Us("2009-06-15T12:00:00+02:00"), oslo), *point);
  EXPECT_EQ(Find(before, "sub-a")->consents.size(), 1u);
  EXPECT_TRUE(Find(at, "sub-a")->consents.empty());
  EXPECT_EQ(at.at.date, Date("2009-06-15"));
}

TEST_F(CaseloadTest, JsonIsCanonicalAndCarriesItsDigest) {
  CaseloadReport r = AsOf("2009-06-14");
  std::string text = CaseloadJson(r);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // one line
  json j = json::parse(text);
  ASSERT_TRUE(j.contains("report"));
  ASSERT_TRUE(j.contains("sha256"));
  EXPECT_EQ(j.size(), 2u);
  std::string body = j["report"].dump();
  // Re-dumping the parsed document gives the same bytes: keys sorted, no whitespace.
  EXPECT_EQ(j.dump() + "\n", text);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  EXPECT_EQ(j["sha256"], std::string(hex));

  const json& rep = j["report"];
  EXPECT_EQ(rep["kind"], "caseload");
  EXPECT_EQ(rep["projection_version"], CaseloadProjection::kVersion);
  EXPECT_EQ(rep["as_of"]["date"], "2009-06-14");
  EXPECT_EQ(rep["as_of"]["instant"], "2009-06-14T21:59:59.999999Z");
  EXPECT_EQ(rep["as_of"]["zone"], "Europe/Oslo");
  EXPECT_EQ(rep["log"]["size"], log_.ledger().log().Size());
  EXPECT_EQ(rep["log"]["root"].get<std::string>().size(), 64u);
  EXPECT_EQ(rep["summary"]["open_cases"], 2);
  EXPECT_EQ(rep["summary"]["by_office_phase"]["office-1"]["clarification"], 1);
  EXPECT_EQ(rep["summary"]["by_category"]["none"], 0);
  ASSERT_EQ(rep["cases"].size(), 2u);
  const json& a = rep["cases"][0];
  EXPECT_EQ(a["subject"], "sub-a");
  EXPECT_EQ(a["days_since_intake"], 160);
  EXPECT_EQ(a["consents"][0]["expires_at"], "2009-06-30T22:00:00Z");
  EXPECT_EQ(a["agreements"][0]["days_left"], -45);
  EXPECT_EQ(a["sanctions"][0]["reduction_pct"], 20);
  EXPECT_TRUE(a["sanctions"][0]["reduction_nok"].is_null());
  EXPECT_TRUE(rep["cases"][1]["category"] == 1);
  EXPECT_TRUE(rep["cases"][1]["status_as_of"].is_null());
  // No floating-point number anywhere.
  std::function<void(const json&)> no_floats = [&](const json& v) {
    EXPECT_FALSE(v.is_number_float());
    if (v.is_structured()) {
      for (const auto& x : v) no_floats(x);
    }
  };
  no_floats(j);
}

TEST_F(CaseloadTest, CsvAndText) {
  CaseloadReport r = AsOf("2009-06-14");
  std::string csv = CaseloadCsv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "subject,office,municipality,intake_date,days_since_intake,phase,category,status,"
            "status_as_of,main_income,income_as_of,consents_in_force,"
            "consents_expiring_within_30_days,agreements,open_tasks,overdue_tasks,"
            "agreement_days_left,agreements_past_3_months,sanctions,sanctions_in_force,"
            "conditions,conditions_in_force,exemptions,restricted_purposes");
  EXPECT_NE(csv.find("\nsub-a,office-1,3005,2009-01-05,160,clarification,3,education,2009-03-01,"
                     "social_assistance,2009-01-05,con-1,con-1,agr-1,2,2,-45,1,san-2,1,cond-1,1,"
                     "exm-1,\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\nsub-c,office-2,3005,2009-04-01,74,follow_up,1,unknown,,family,"
                     "2009-05-01,con-7,,,0,0,,0,,0,,0,,statistics\n"),
            std::string::npos)
      << csv;
  std::string summary = CaseloadSummaryCsv(r);
  EXPECT_EQ(summary.substr(0, summary.find('\n')), "measure,office,phase,category,count");
  EXPECT_NE(summary.find("\nopen_cases,,,,2\n"), std::string::npos);
  EXPECT_NE(summary.find("\nopen_cases,office-1,clarification,,1\n"), std::string::npos);
  EXPECT_NE(summary.find("\nopen_cases,,,3,1\n"), std::string::npos);
  EXPECT_NE(summary.find("\noverdue_tasks,,,,2\n"), std::string::npos);

  std::string text = CaseloadText(r);
  EXPECT_EQ(text.rfind("Caseload as of 2009-06-14 (Europe/Oslo, 2009-06-14T21:59:59.999999Z)", 0),
            0u)
      << text;
  EXPECT_NE(text.find("con-1 to 2009-07-01!"), std::string::npos) << text;
  EXPECT_NE(text.find("agr-1 2 open/2 overdue, -45 d left, >3 mo"), std::string::npos) << text;
  size_t line = text.find("\nagreements past 3 months ");
  ASSERT_NE(line, std::string::npos) << text;
  std::string row = text.substr(line + 1, text.find('\n', line + 1) - line - 1);
  EXPECT_EQ(row.substr(row.find_last_not_of(' ')), "1") << row;
  EXPECT_NE(text.find("office-1       0              1"), std::string::npos) << text;
}

TEST_F(CaseloadTest, TwoReplaysGiveIdenticalBytes) {
  std::string first = CaseloadJson(AsOf("2009-06-14"));
  std::string second = CaseloadJson(AsOf("2009-06-14"));
  EXPECT_EQ(first, second);
  EXPECT_EQ(CaseloadCsv(AsOf("2009-04-15")), CaseloadCsv(AsOf("2009-04-15")));
  EXPECT_EQ(CaseloadText(AsOf("2009-04-15")), CaseloadText(AsOf("2009-04-15")));
  EXPECT_NE(first, CaseloadJson(AsOf("2009-06-15")));
}

TEST_F(CaseloadTest, StoppedAnywhereAndResumedEqualsARebuild) {
  const uint64_t size = log_.ledger().log().Size();
  CaseloadProjection full;
  auto whole = Replayer::Create(log_.ledger(), {&full});
  ASSERT_TRUE((*whole)->Run().ok());
  const std::string expected = full.Serialize();
  const ReportTime at = ReportTime::EndOfDay(Date("2009-06-14"), ReportZone::EuropeOslo());
  const std::string expected_json = CaseloadJson(full.Report(at, *(*whole)->Point()));

  for (uint64_t k = 0; k <= size; ++k) {
    CaseloadProjection first;
    auto r1 = Replayer::Create(log_.ledger(), {&first});
    RunOptions to_k;
    to_k.to_seq = k;
    ASSERT_TRUE((*r1)->Run(to_k).ok());
    CaseloadProjection second;
    ASSERT_TRUE(second.Restore(first.Serialize()).ok()) << "k=" << k;
    EXPECT_EQ(second.Serialize(), first.Serialize()) << "k=" << k;
    // Continue the restored state from k through a replayer resumed at k.
    ScratchDir dir;
    auto store = StateStore::Open(dir.path());
    ASSERT_TRUE((*r1)->Save(**store).ok());
    CaseloadProjection resumed;
    auto r2 = Replayer::Create(log_.ledger(), {&resumed});
    auto info = (*r2)->Resume(**store);
    ASSERT_TRUE(info.ok());
    ASSERT_EQ(info->kind, ResumeKind::kResumed);
    ASSERT_EQ(info->position, k);
    ASSERT_TRUE((*r2)->Run().ok());
    EXPECT_EQ(resumed.Serialize(), expected) << "stopped at k=" << k;
    EXPECT_EQ(CaseloadJson(resumed.Report(at, *(*r2)->Point())), expected_json) << "k=" << k;
  }
}

TEST_F(CaseloadTest, FilteredStateResumesUnderTheSameFilter) {
  const ReportTime at = ReportTime::EndOfDay(Date("2009-06-05"), ReportZone::EuropeOslo());
  ReplayFilter filter;
  filter.occurred_at_most_us = at.instant_us;
  CaseloadProjection whole;
  auto r = Replayer::Create(log_.ledger(), {&whole}, filter);
  ASSERT_TRUE((*r)->Run().ok());

  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  CaseloadProjection half;
  auto r1 = Replayer::Create(log_.ledger(), {&half}, filter);
  RunOptions to20;
  to20.to_seq = 20;
  ASSERT_TRUE((*r1)->Run(to20).ok());
  ASSERT_TRUE((*r1)->Save(**store).ok());
  CaseloadProjection rest;
  auto r2 = Replayer::Create(log_.ledger(), {&rest}, filter);
  EXPECT_EQ((*r2)->Resume(**store)->kind, ResumeKind::kResumed);
  ASSERT_TRUE((*r2)->Run().ok());
  EXPECT_EQ(rest.Serialize(), whole.Serialize());
  EXPECT_EQ(CaseloadJson(rest.Report(at, *(*r2)->Point())),
            CaseloadJson(whole.Report(at, *(*r)->Point())));
}

TEST_F(CaseloadTest, RunCaseloadAsOfADate) {
  CaseloadQuery query;
  query.as_of = Date("2009-06-14");
  auto run = RunCaseload(log_.ledger(), query);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(CaseloadJson(run->report), CaseloadJson(AsOf("2009-06-14")));
  EXPECT_EQ(run->resume.kind, ResumeKind::kFresh);
  EXPECT_EQ(run->stats.to, log_.ledger().log().Size());
}

TEST_F(CaseloadTest, RunCaseloadAtAPositionUsesTheLedgerClockThere) {
  CaseloadQuery query;
  query.at_seq = 20;  // keys, sub-a's 15 events, and sub-b's first
  auto run = RunCaseload(log_.ledger(), query);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->report.log.size, 20u);
  EXPECT_EQ(run->report.log.root, *log_.ledger().audit().RootAt(20));
  int64_t clock = log_.ledger().log().ReadSeq(19)->recorded_at_us;
  EXPECT_EQ(run->report.at.instant_us, clock);
  EXPECT_EQ(run->report.at.date, ReportZone::EuropeOslo().DateAt(clock));
  // Everything up to 20 is applied, judged at the ledger clock (2026): con-1 is long gone.
  EXPECT_EQ(Subjects(run->report), (std::vector<std::string>{"sub-a", "sub-b"}));
  EXPECT_TRUE(Find(run->report, "sub-a")->consents.empty());

  query.as_of = Date("2009-06-14");
  auto both = RunCaseload(log_.ledger(), query);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->report.at.instant_us, Us("2009-06-14T21:59:59.999999Z"));
  EXPECT_EQ(Find(both->report, "sub-a")->consents.size(), 1u);

  query.at_seq = log_.ledger().log().Size() + 1;
  EXPECT_EQ(RunCaseload(log_.ledger(), query).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CaseloadTest, RunCaseloadNowResumesFromItsStore) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  CaseloadQuery query;
  query.now_us = Us("2009-06-14T12:00:00+02:00");
  auto first = RunCaseload(log_.ledger(), query, store->get());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->resume.kind, ResumeKind::kFresh);
  EXPECT_EQ(first->stats.applied, log_.ledger().log().Size());
  EXPECT_EQ(first->report.at.date, Date("2009-06-14"));

  auto second = RunCaseload(log_.ledger(), query, store->get());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->resume.kind, ResumeKind::kResumed);
  EXPECT_EQ(second->stats.applied, 0u);
  EXPECT_EQ(CaseloadJson(second->report), CaseloadJson(first->report));

  log_.Add("sub-c", "phase.entered", "2009-06-14T10:00:00+02:00", {{"phase", "after_care"}});
  auto third = RunCaseload(log_.ledger(), query, store->get());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->resume.kind, ResumeKind::kResumed);
  EXPECT_EQ(third->stats.applied, 1u);
  EXPECT_EQ(Find(third->report, "sub-c")->phase, "after_care");
  auto fresh = RunCaseload(log_.ledger(), query);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(CaseloadJson(third->report), CaseloadJson(fresh->report));
}

TEST_F(CaseloadTest, RestoreRefusesDamagedState) {
  CaseloadProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  ASSERT_TRUE((*r)->Run().ok());
  std::string bytes = p.Serialize();
  EXPECT_EQ(p.case_count(), 6u);

  CaseloadProjection q;
  EXPECT_EQ(q.Restore(bytes.substr(0, bytes.size() - 1)).code(), StatusCode::kCorruption);
  EXPECT_EQ(q.case_count(), 0u);
  EXPECT_EQ(q.Restore(bytes + "x").code(), StatusCode::kCorruption);
  // Every truncation is refused, never a crash.
  for (size_t n = 0; n < bytes.size(); n += 7) {
    EXPECT_EQ(q.Restore(bytes.substr(0, n)).code(), StatusCode::kCorruption) << n;
  }
  ASSERT_TRUE(q.Restore(bytes).ok());
  EXPECT_EQ(q.Serialize(), bytes);
  EXPECT_EQ(q.case_count(), 6u);
  EXPECT_TRUE(q.Restore("").code() == StatusCode::kCorruption);
}

TEST_F(CaseloadTest, RestoreRefusesSubjectsOutOfOrder) {
  // Two empty-ish cases written in descending order: not the canonical encoding.
  CaseloadProjection p;
  auto r = Replayer::Create(log_.ledger(), {&p});
  RunOptions to5;
  to5.to_seq = 5;  // keys, and sub-a's case.opened
  ASSERT_TRUE((*r)->Run(to5).ok());
  std::string one = p.Serialize();  // count 1, then sub-a's case
  std::string case_bytes = one.substr(1);
  std::string b_case = case_bytes;
  b_case[5] = 'b';  // "sub-a" -> "sub-b" (length byte, then the subject)
  EXPECT_TRUE(p.Restore(std::string("\x02", 1) + case_bytes + b_case).ok());
  EXPECT_EQ(p.Restore(std::string("\x02", 1) + b_case + case_bytes).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(p.Restore(std::string("\x02", 1) + case_bytes + case_bytes).code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace ledger::replay
