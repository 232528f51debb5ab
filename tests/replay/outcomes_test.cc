// The outcomes of a cohort on a hand-built log, against figures worked out by hand from the
// definitions in indicators.md ("Outcomes of a cohort", O1-O13). Instants are written at noon
// UTC so that the Oslo date is the written date. Amounts in NOK.
//
//  sub-a  intake 2008-01-15, 19, female, 3005; category 3 from 2008-02-01, then 1 from 06-01.
//         Paid 2008-01..04 (5,000 each, 1,000 loan in 03), a zero payment for 2008-05, paid
//         2009-03 (4,000). Status as of 2008-07-10: education and work_part (same day); as of
//         2009-01-05 work_full. Income as of 2008-07-01 work.
//  sub-b  intake 2008-08-31, 22, male, 3005. Paid every month 2008-08..2009-12 (6,000).
//         Status as of 2009-01-20 unemployed, as of 2009-01-28 measure (recorded late),
//         2009-08-31 qualification_programme, 2009-09-01 work_full. Income as of 2009-01-02
//         social_assistance, 2009-06-30 work, and as of 2009-11-15 twice: social_assistance
//         (occurred 11-20, recorded first) and work (occurred 11-16, recorded later).
//  sub-c  intake 2009-03-10, 24, female, 3025; category 2 from 2009-04-01. Paid 2009-03, 04
//         (5,500 each).
//  sub-d  intake 2009-10-05, 18, male, 3005. Paid 2009-10, 11 (5,000 each).
//  sub-e  intake 2008-06-02, 20, female, 3005. Paid 2008-06..09 (4,500). Status as of
//         2008-11-01 education. Shredded 2008-12-15 (erasure granted).
//  sub-f  intake 2008-05-01, 25: not 18-24, never in the cohort.
//  sub-g  intake 2007-12-20, 19, male, 3005: outside the window 2008-01-01..2009-12-31. Paid
//         2007-12, 2008-01.
//
// As of 2009-12-31, window 2008-01-01..2009-12-31, the cohort is a, b, c, d, e:
//  time to exit (O8): a exits at 2008-05 (05, 06, 07 unpaid): 4 months; b is never three months
//  unpaid: censored at (2009-12 - 2) - 2008-08 = 14; c exits at 2009-05: 2; d: 2009-11 + 2 is
//  after 2009-12, censored at max(0, 2009-10 - 2009-10) = 0; e's follow-up ends 2008-12-15,
//  exit 2008-10 (10, 11, 12 unpaid, 12 not after 12): 4.
#include "replay/outcomes.h"

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

std::string Noon(const std::string& date) { return date + "T12:00:00Z"; }

void OpenCase(ReplayTestLog& l, const std::string& s, const std::string& intake, int age,
              const std::string& sex, const std::string& municipality = "3005") {
  l.Add(s, "case.opened", Noon(intake),
        {{"municipality", municipality},
         {"office", "office-1"},
         {"programme", "P1824"},
         {"intake_date", intake},
         {"age_at_intake", age},
         {"sex", sex},
         {"referral_source", "nav"}});
  l.Add(s, "assistance.decided", Noon(intake),
        {{"decision_id", "dec-1"},
         {"outcome", "granted"},
         {"period_from", intake},
         {"period_to", "2010-12-31"},
         {"form", "both"},
         {"reduction_warning_given", true},
         {"appeal_info_given", true},
         {"emergency", false}});
}

void Pay(ReplayTestLog& l, const std::string& s, const std::string& month, int grant,
         int loan = 0) {
  l.Add(s, "payment.made", Noon(month + "-01"),
        {{"decision_id", "dec-1"}, {"month", month}, {"grant_nok", grant}, {"loan_nok", loan}},
        "service");
}

void Observe(ReplayTestLog& l, const std::string& s, const std::string& as_of,
             const std::string& status, const std::string& occurred = "") {
  l.Add(s, "status.observed", occurred.empty() ? Noon(as_of) : occurred,
        {{"as_of", as_of}, {"status", status}, {"source", "register"}}, "service");
}

void Income(ReplayTestLog& l, const std::string& s, const std::string& as_of,
            const std::string& source, const std::string& occurred = "") {
  l.Add(s, "income.recorded", occurred.empty() ? Noon(as_of) : occurred,
        {{"as_of", as_of}, {"main_source", source}}, "service");
}

void Category(ReplayTestLog& l, const std::string& s, int category, const std::string& from) {
  l.Add(s, "category.assigned", Noon(from), {{"category", category}, {"valid_from", from}});
}

// Months "2008-08" .. "2009-12" as written.
std::vector<std::string> Months(int year, int month, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%04d-%02d", year + (month - 1 + i) / 12,
                  (month - 1 + i) % 12 + 1);
    out.push_back(buf);
  }
  return out;
}

void BuildLog(ReplayTestLog& l) {
  OpenCase(l, "sub-a", "2008-01-15", 19, "female");
  Category(l, "sub-a", 3, "2008-02-01");
  Category(l, "sub-a", 1, "2008-06-01");
  for (const auto& m : Months(2008, 1, 4)) Pay(l, "sub-a", m, 5000, m == "2008-03" ? 1000 : 0);
  Pay(l, "sub-a", "2008-05", 0, 0);
  Income(l, "sub-a", "2008-07-01", "work");
  Observe(l, "sub-a", "2008-07-10", "education");
  Observe(l, "sub-a", "2008-07-10", "work_part");

  OpenCase(l, "sub-e", "2008-06-02", 20, "female");
  for (const auto& m : Months(2008, 6, 4)) Pay(l, "sub-e", m, 4500);
  OpenCase(l, "sub-f", "2008-05-01", 25, "male");
  Pay(l, "sub-f", "2008-06", 7000);
  OpenCase(l, "sub-g", "2007-12-20", 19, "male");
  Pay(l, "sub-g", "2007-12", 3000);
  Pay(l, "sub-g", "2008-01", 3000);

  OpenCase(l, "sub-b", "2008-08-31", 22, "male");
  for (const auto& m : Months(2008, 8, 17)) Pay(l, "sub-b", m, 6000);
  Observe(l, "sub-e", "2008-11-01", "education");
  l.Add("sub-e", "erasure.requested", Noon("2008-12-10"), {{"request_id", "er-1"}}, "dpo");
  l.Add("sub-e", "erasure.decided", Noon("2008-12-12"),
        {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}}, "dpo");
  l.Add("sub-e", "subject.shredded", Noon("2008-12-15"), {{"request_id", "er-1"}}, "dpo");

  Observe(l, "sub-a", "2009-01-05", "work_full");
  Income(l, "sub-b", "2009-01-02", "social_assistance");
  Observe(l, "sub-b", "2009-01-20", "unemployed");
  Pay(l, "sub-a", "2009-03", 4000);
  OpenCase(l, "sub-c", "2009-03-10", 24, "female", "3025");
  Category(l, "sub-c", 2, "2009-04-01");
  Pay(l, "sub-c", "2009-03", 5500);
  Pay(l, "sub-c", "2009-04", 5500);
  Observe(l, "sub-b", "2009-01-28", "measure", Noon("2009-06-01"));  // late
  Income(l, "sub-b", "2009-06-30", "work");
  Observe(l, "sub-b", "2009-08-31", "qualification_programme");
  Observe(l, "sub-b", "2009-09-01", "work_full");
  OpenCase(l, "sub-d", "2009-10-05", 18, "male");
  Pay(l, "sub-d", "2009-10", 5000);
  Pay(l, "sub-d", "2009-11", 5000);
  Income(l, "sub-b", "2009-11-15", "social_assistance", Noon("2009-11-20"));
  Income(l, "sub-b", "2009-11-15", "work", Noon("2009-11-16"));  // later in the log, earlier
}

OutcomesOptions Window() {
  OutcomesOptions o;
  o.intake_from = Date("2008-01-01");
  o.intake_to = Date("2009-12-31");
  o.stock_baseline = Date("2008-12-01");
  o.stock_month = Date("2009-03-01");
  return o;
}

class OutcomesTest : public ::testing::Test {
 protected:
  void SetUp() override { BuildLog(log_); }

  OutcomesReport AsOf(const std::string& date, const OutcomesOptions& options = Window()) {
    ReportTime at = ReportTime::EndOfDay(Date(date), ReportZone::EuropeOslo());
    OutcomesProjection p;
    ReplayFilter filter;
    filter.occurred_at_most_us = at.instant_us;
    auto r = Replayer::Create(log_.ledger(), {&p}, filter);
    EXPECT_TRUE(r.ok());
    auto stats = (*r)->Run();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return p.Report(at, *(*r)->Point(), options);
  }

  static const OutcomeGroup& Group(const OutcomesReport& r, const std::string& value) {
    for (const OutcomeGroup& g : r.groups) {
      if (g.value == value) return g;
    }
    ADD_FAILURE() << "no group " << value;
    return r.groups.front();
  }

  ReplayTestLog log_;
};

std::map<std::string, uint64_t> Statuses(std::map<std::string, uint64_t> nonzero) {
  std::map<std::string, uint64_t> all = {
      {"work_full", 0}, {"work_part", 0},      {"education", 0},  {"qualification_programme", 0},
      {"measure", 0},   {"health_benefit", 0}, {"unemployed", 0}, {"other", 0},
      {"unknown", 0}};
  for (const auto& [k, v] : nonzero) all[k] = v;
  return all;
}

TEST_F(OutcomesTest, CohortSizeAndBreakdowns) {
  OutcomesReport r = AsOf("2009-12-31");
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].dimension, "all");
  EXPECT_EQ(r.groups[0].cohort, 5u);  // a, b, c, d, e
  EXPECT_EQ(r.cohort_by.at("sex"), (std::map<std::string, uint64_t>{{"female", 3}, {"male", 2}}));
  EXPECT_EQ(r.cohort_by.at("age_band"),
            (std::map<std::string, uint64_t>{{"18-20", 3}, {"21-24", 2}}));
  EXPECT_EQ(r.cohort_by.at("municipality"),
            (std::map<std::string, uint64_t>{{"3005", 4}, {"3025", 1}}));
  // a entered follow-up in category 3 (the earliest valid_from), c in 2.
  EXPECT_EQ(r.cohort_by.at("category"),
            (std::map<std::string, uint64_t>{{"2", 1}, {"3", 1}, {"none", 3}}));

  // Without a window g (intake 2007-12-20) is in; f (25) never is.
  OutcomesOptions open;
  EXPECT_EQ(AsOf("2009-12-31", open).groups[0].cohort, 6u);
}

TEST_F(OutcomesTest, StatusAndIncomeAtSixMonths) {
  const auto report = AsOf("2009-12-31");
  const HorizonOutcome& h = report.groups[0].horizons[0];
  EXPECT_EQ(h.months, 6);
  // a at 2008-07-15, b at 2009-02-28 (08-31 + 6 months, clamped), c at 2009-09-10, e at
  // 2008-12-02 (before its follow-up end 12-15); d's 2010-04-05 is after the report date.
  EXPECT_EQ(h.followed, 4u);
  // a: work_part beats education on 07-10; b: 2009-01-28 is exactly t - 31 days (in), 01-20
  // is not; c: nothing; e: 2008-11-01 is exactly t - 31 days.
  EXPECT_EQ(h.status,
            Statuses({{"work_part", 1}, {"measure", 1}, {"education", 1}, {"unknown", 1}}));
  EXPECT_EQ(h.work_or_education, 2u);  // a, e
  EXPECT_EQ(h.any_activity, 3u);       // a, e, b
  // Paid in the month of t0 + 6 or the one before: only b (2009-02).
  EXPECT_EQ(h.off_assistance, 3u);
  EXPECT_EQ(h.assistance_main_income, 1u);  // b: social_assistance as of 2009-01-02
  EXPECT_EQ(h.supplementary_only, 0u);      // b is paid, but its main income is assistance
}

TEST_F(OutcomesTest, StatusAndIncomeAtTwelveAndTwentyFourMonths) {
  OutcomesReport r = AsOf("2009-12-31");
  const HorizonOutcome& h = r.groups[0].horizons[1];
  EXPECT_EQ(h.months, 12);
  EXPECT_EQ(h.followed, 2u);  // a (2009-01-15), b (2009-08-31); e's follow-up ended 2008-12-15
  // b: 2009-08-31 is t itself; the 09-01 observation is after t.
  EXPECT_EQ(h.status, Statuses({{"work_full", 1}, {"qualification_programme", 1}}));
  EXPECT_EQ(h.work_or_education, 1u);
  EXPECT_EQ(h.any_activity, 2u);
  EXPECT_EQ(h.off_assistance, 1u);          // a: nothing paid in 2009-01 or 2008-12
  EXPECT_EQ(h.assistance_main_income, 0u);  // a unknown, b work (2009-06-30 = t - 62 days)
  EXPECT_EQ(h.supplementary_only, 1u);      // b: paid 2009-08, main income work
  const HorizonOutcome& h24 = r.groups[0].horizons[2];
  EXPECT_EQ(h24.followed, 0u);
  EXPECT_EQ(h24.status.at("unknown"), 0u);
}

TEST_F(OutcomesTest, KaplanMeierWithTiesAndCensoring) {
  const auto report = AsOf("2009-12-31");
  const OutcomeGroup& g = report.groups[0];
  const Survival& s = g.survival;
  ASSERT_EQ(s.rows.size(), 15u);  // months 0..14 (b's censoring time)
  // t=0: 5 at risk, d censored. t=2: c exits, 4 at risk: S = 3/4. t=4: a and e exit on the
  // same month, 3 at risk: S = 3/4 * 1/3 = 1/4. Then b alone, censored at 14.
  EXPECT_EQ(s.rows[0].at_risk, 5u);
  EXPECT_EQ(s.rows[0].censored, 1u);
  EXPECT_EQ(s.rows[0].s_ppm, 1000000u);
  EXPECT_EQ(s.rows[1].at_risk, 4u);
  EXPECT_EQ(s.rows[1].s_ppm, 1000000u);
  EXPECT_EQ(s.rows[2].at_risk, 4u);
  EXPECT_EQ(s.rows[2].exits, 1u);
  EXPECT_EQ(s.rows[2].s_ppm, 750000u);
  EXPECT_EQ(s.rows[3].at_risk, 3u);
  EXPECT_EQ(s.rows[4].at_risk, 3u);
  EXPECT_EQ(s.rows[4].exits, 2u);
  EXPECT_EQ(s.rows[4].s_ppm, 250000u);
  EXPECT_EQ(s.rows[5].at_risk, 1u);
  EXPECT_EQ(s.rows[14].at_risk, 1u);
  EXPECT_EQ(s.rows[14].censored, 1u);
  EXPECT_EQ(s.rows[14].s_ppm, 250000u);
  EXPECT_EQ(s.median_months, 4);  // S(2) = 0.75 > 0.5 >= S(4)
  EXPECT_EQ(s.exits, 3u);
  EXPECT_EQ(s.censored, 2u);
  // O9: a, c and e exited; a was paid again in 2009-03, within 2008-08 .. 2009-07.
  EXPECT_EQ(g.exited, 3u);
  EXPECT_EQ(g.reentered, 1u);
}

TEST_F(OutcomesTest, YearsPaymentsAndLongTermAssistance) {
  const auto report = AsOf("2009-12-31");
  const OutcomeGroup& g = report.groups[0];
  ASSERT_EQ(g.years.size(), 2u);  // g's 2007 payment is outside the cohort
  const YearOutcome& y8 = g.years[0];
  EXPECT_EQ(y8.year, 2008);
  EXPECT_EQ(y8.recipients, 3u);    // a, b, e
  EXPECT_EQ(y8.paid_months, 13u);  // 4 + 5 + 4; a's zero payment for 2008-05 is no paid month
  EXPECT_EQ(y8.payments, 14u);
  EXPECT_EQ(y8.grant_nok, 68000u);  // 20,000 + 30,000 + 18,000
  EXPECT_EQ(y8.loan_nok, 1000u);
  EXPECT_EQ(y8.long_term_assistance, 0u);  // nobody had 6 paid months in 2008
  const YearOutcome& y9 = g.years[1];
  EXPECT_EQ(y9.year, 2009);
  EXPECT_EQ(y9.recipients, 4u);    // a, b, c, d
  EXPECT_EQ(y9.paid_months, 17u);  // 1 + 12 + 2 + 2
  EXPECT_EQ(y9.grant_nok, 97000u);
  EXPECT_EQ(y9.loan_nok, 0u);
  // b: 12 paid months; its last income of 2009 is as of 11-15, where the social_assistance
  // record occurred later (11-20) than the work record appended after it (a late entry).
  EXPECT_EQ(y9.long_term_assistance, 1u);
}

TEST_F(OutcomesTest, StockAgainstABaselineMonth) {
  const auto report = AsOf("2009-12-31");
  const OutcomeGroup& g = report.groups[0];
  ASSERT_TRUE(g.stock.has_value());
  EXPECT_EQ(g.stock->baseline, Date("2008-12-01"));
  EXPECT_EQ(g.stock->month, Date("2009-03-01"));
  EXPECT_EQ(g.stock->baseline_recipients, 1u);  // b
  EXPECT_EQ(g.stock->recipients, 3u);           // a, b, c
  EXPECT_EQ(g.stock->both, 1u);
  std::string text = OutcomesJson(AsOf("2009-12-31"));
  EXPECT_NE(text.find("\"change\":{\"den\":1,\"milli\":2000,\"num\":2}"), std::string::npos)
      << text;
}

// Of the recipients in D (2009-03: a, b, c), those whose main income on D's last day is known
// and not social_assistance, and those without an activity condition meeting D.
TEST_F(OutcomesTest, StockCountsSupplementaryAndPassiveRecipients) {
  auto condition = [&](const std::string& s, const std::string& id, const std::string& start,
                       const std::string& end) {
    log_.Add(s, "condition.set", Noon("2009-01-02"),
             {{"condition_id", id},
              {"decision_id", "dec-1"},
              {"activity", "qualifying"},
              {"start", start},
              {"end", end},
              {"hours_per_week", 20}});
  };
  condition("sub-a", "cond-1", "2009-03-31", "2009-06-30");  // meets March on its last day
  condition("sub-b", "cond-1", "2009-01-01", "2009-02-28");  // ends before March
  Income(log_, "sub-a", "2009-03-31", "social_assistance");  // assistance is the main income
  Income(log_, "sub-b", "2009-04-01", "work");               // after March 31: b stays unknown
  Income(log_, "sub-c", "2009-03-20", "work");               // a supplement
  const OutcomesReport report = AsOf("2009-12-31");
  const OutcomeGroup& g = report.groups[0];
  ASSERT_TRUE(g.stock.has_value());
  EXPECT_EQ(g.stock->recipients, 3u);
  EXPECT_EQ(g.stock->supplementary, 1u);  // c
  EXPECT_EQ(g.stock->passive, 2u);        // b, c
  const std::string text = OutcomesJson(AsOf("2009-12-31"));
  EXPECT_NE(text.find("\"passive\":{\"den\":3,\"milli\":667,\"num\":2}"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\"supplementary\":{\"den\":3,\"milli\":333,\"num\":1}"), std::string::npos);
  const std::string csv = OutcomesCsv(AsOf("2009-12-31"));
  EXPECT_NE(csv.find("all,all,O13,2009-03,passive,2,3,0.6667"), std::string::npos) << csv;
  // As of 2009-03-19 c's income (as of, and recorded, 03-20) is not there yet.
  const OutcomesReport before = AsOf("2009-03-19");
  EXPECT_EQ(before.groups[0].stock->supplementary, 0u);
  EXPECT_EQ(before.groups[0].stock->passive, 2u);
}

TEST_F(OutcomesTest, GroupedBySex) {
  OutcomesOptions o = Window();
  o.grouping = OutcomeGrouping::kSex;
  OutcomesReport r = AsOf("2009-12-31", o);
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[1].value, "female");
  EXPECT_EQ(r.groups[2].value, "male");
  const OutcomeGroup& f = Group(r, "female");  // a, c, e
  EXPECT_EQ(f.dimension, "sex");
  EXPECT_EQ(f.cohort, 3u);
  EXPECT_EQ(f.horizons[0].followed, 3u);
  // Exits at 2 (c) and 4 (a, e): S(2) = 2/3, S(4) = 0.
  EXPECT_EQ(f.survival.rows[2].s_ppm, 666667u);
  EXPECT_EQ(f.survival.rows[4].s_ppm, 0u);
  EXPECT_EQ(f.survival.median_months, 4);
  const OutcomeGroup& m = Group(r, "male");  // b, d: both censored
  EXPECT_EQ(m.cohort, 2u);
  EXPECT_FALSE(m.survival.median_months.has_value());
  EXPECT_EQ(m.survival.rows.back().s_ppm, 1000000u);
  EXPECT_EQ(m.years.size(), 2u);  // every group lists the cohort's years
  EXPECT_EQ(m.years[0].recipients, 1u);
  EXPECT_EQ(m.stock->recipients, 1u);

  o.grouping = OutcomeGrouping::kAgeBand;
  r = AsOf("2009-12-31", o);
  EXPECT_EQ(Group(r, "18-20").cohort, 3u);
  EXPECT_EQ(Group(r, "21-24").cohort, 2u);
  o.grouping = OutcomeGrouping::kCategory;
  r = AsOf("2009-12-31", o);
  EXPECT_EQ(Group(r, "none").cohort, 3u);
  EXPECT_EQ(Group(r, "3").cohort, 1u);
  o.grouping = OutcomeGrouping::kMunicipality;
  EXPECT_EQ(Group(AsOf("2009-12-31", o), "3025").cohort, 1u);
}

TEST_F(OutcomesTest, AsOfADateFollowsOnlyThoseWhoseHorizonHasPassed) {
  // t0 + 6 months of a is 2008-07-15.
  EXPECT_EQ(AsOf("2008-07-14").groups[0].horizons[0].followed, 0u);
  OutcomesReport r = AsOf("2008-07-15");
  EXPECT_EQ(r.groups[0].horizons[0].followed, 1u);
  EXPECT_EQ(r.groups[0].cohort, 2u);  // a and e; b opens 08-31
  // As of 2008-07-15 a's exit cannot be seen yet: 05, 06, 07 are unpaid but 2008-07 is the
  // month of the follow-up end, so m + 2 = 07 is allowed: exit at 4. e (intake 06-02, paid
  // through July so far) is censored at max(0, 2008-05 - 2008-06) = 0.
  EXPECT_EQ(r.groups[0].survival.exits, 1u);
  EXPECT_EQ(r.groups[0].survival.censored, 1u);
  // b's late-recorded status (occurred 2009-06-01, as of 2009-01-28) is not seen as of
  // 2009-05-31: b's status at 6 months is unknown then (01-20 is outside the window), and
  // measure from 2009-06-01 on.
  OutcomesReport before = AsOf("2009-05-31");
  EXPECT_EQ(before.groups[0].horizons[0].followed, 3u);  // a, b, e
  EXPECT_EQ(before.groups[0].horizons[0].status.at("measure"), 0u);
  EXPECT_EQ(before.groups[0].horizons[0].status.at("unknown"), 1u);
  EXPECT_EQ(AsOf("2009-06-01").groups[0].horizons[0].status.at("measure"), 1u);
}

TEST_F(OutcomesTest, ShreddingEndsTheFollowUp) {
  // As of 2008-12-14 e is followed for 6 months (2008-12-02), as after its shredding.
  OutcomesReport r = AsOf("2008-12-14");
  EXPECT_EQ(r.groups[0].horizons[0].followed, 2u);  // a, e
  OutcomesReport later = AsOf("2009-06-30");
  // e's 12-month horizon (2009-06-02) is after its follow-up end (2008-12-15): not followed.
  EXPECT_EQ(later.groups[0].horizons[1].followed, 1u);  // a only (b's is 2009-08-31)
}

TEST(OutcomesOptionsTest, ParsedFromTextNamingTheOptionAsFlagOrParameter) {
  OutcomesOptionsText text;
  text.cohort_from = "2008-02";
  text.cohort_to = "2008-02";
  text.horizons = "3,12";
  text.by = "age_band";
  text.baseline_month = "2008-12";
  text.stock_month = "2009-12";
  auto o = ParseOutcomesOptions(text, OptionSpelling::kParameter);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  // A month is its first day as a start and its last day as an end.
  EXPECT_EQ(FormatDate(*o->intake_from), "2008-02-01");
  EXPECT_EQ(FormatDate(*o->intake_to), "2008-02-29");
  EXPECT_EQ(o->horizons, (std::vector<int>{3, 12}));
  EXPECT_EQ(o->grouping, OutcomeGrouping::kAgeBand);
  EXPECT_EQ(FormatDate(*o->stock_baseline), "2008-12-01");
  EXPECT_EQ(FormatDate(*o->stock_month), "2009-12-01");
  text.cohort_to = "2008-02-30";
  auto flag = ParseOutcomesOptions(text, OptionSpelling::kFlag);
  EXPECT_EQ(flag.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(flag.status().message().rfind("--cohort-to: ", 0), 0u) << flag.status().message();
  auto param = ParseOutcomesOptions(text, OptionSpelling::kParameter);
  EXPECT_EQ(param.status().message().rfind("cohort_to: ", 0), 0u) << param.status().message();
  text.cohort_to.clear();
  text.baseline_month = "2008-12-01";
  EXPECT_EQ(ParseOutcomesOptions(text, OptionSpelling::kFlag)
                .status()
                .message()
                .rfind("--baseline-month: ", 0),
            0u);
  // Defaults: no window, 6/12/24, no grouping, no stock.
  auto defaults = ParseOutcomesOptions(OutcomesOptionsText{}, OptionSpelling::kFlag);
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->intake_from || defaults->intake_to || defaults->stock_baseline);
  EXPECT_EQ(defaults->horizons, (std::vector<int>{6, 12, 24}));
}

TEST_F(OutcomesTest, OptionsAreChecked) {
  OutcomesOptions o;
  o.horizons = {12, 6};
  EXPECT_EQ(ValidateOutcomesOptions(o).code(), StatusCode::kInvalidArgument);
  o.horizons = {0};
  EXPECT_EQ(ValidateOutcomesOptions(o).code(), StatusCode::kInvalidArgument);
  o.horizons = {6};
  o.intake_from = Date("2009-01-01");
  o.intake_to = Date("2008-01-01");
  Status s = ValidateOutcomesOptions(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("2008-01-01"), std::string::npos) << s.message();
  auto g = ParseOutcomeGrouping("gender");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("\"gender\""), std::string::npos);
  EXPECT_NE(g.status().message().find("age_band"), std::string::npos);
  EXPECT_EQ(*ParseOutcomeGrouping("municipality"), OutcomeGrouping::kMunicipality);
  EXPECT_EQ(*ParseHorizons("6,12,24"), (std::vector<int>{6, 12, 24}));
  auto bad = ParseHorizons("6,x");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"x\""), std::string::npos);
  EXPECT_FALSE(ParseHorizons("").ok());
  OutcomesQuery q;
  q.options.horizons = {};
  EXPECT_EQ(RunOutcomes(log_.ledger(), q).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(OutcomesTest, JsonIsCanonicalWithoutFloatsAndCsvAndTextCarryTheFigures) {
  OutcomesReport r = AsOf("2009-12-31");
  std::string text = OutcomesJson(r);
  json j = json::parse(text);
  EXPECT_EQ(j.dump() + "\n", text);
  EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u);
  const json& rep = j["report"];
  EXPECT_EQ(rep["kind"], "outcomes");
  EXPECT_EQ(rep["cohort"]["size"], 5);
  EXPECT_EQ(rep["cohort"]["intake_from"], "2008-01-01");
  const json& all = rep["groups"][0];
  EXPECT_EQ(all["horizons"][0]["off_assistance"], (json{{"num", 3}, {"den", 4}, {"milli", 750}}));
  EXPECT_EQ(all["time_to_exit"]["median_months"], 4);
  EXPECT_EQ(all["time_to_exit"]["rows"][2]["s_ppm"], 750000);
  EXPECT_EQ(all["reentry"], (json{{"num", 1}, {"den", 3}, {"milli", 333}}));
  EXPECT_EQ(all["years"][1]["long_term_assistance"],
            (json{{"num", 1}, {"den", 4}, {"milli", 250}}));
  EXPECT_TRUE(all["horizons"][2]["off_assistance"]["milli"].is_null());
  std::function<void(const json&)> no_floats = [&](const json& v) {
    EXPECT_FALSE(v.is_number_float());
    if (v.is_structured()) {
      for (const auto& x : v) no_floats(x);
    }
  };
  no_floats(j);

  std::string csv = OutcomesCsv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "group_dimension,group_value,indicator,horizon,key,num,den,value");
  EXPECT_NE(csv.find("\nall,all,O5,6,off_assistance,3,4,0.7500\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nall,all,O8,4,survival,250000,1000000,0.2500\n"), std::string::npos);
  EXPECT_NE(csv.find("\nall,all,O13,2009-03,change,2,1,2.0000\n"), std::string::npos);

  std::string t = OutcomesText(r);
  EXPECT_EQ(t.rfind("Outcomes as of 2009-12-31 (Europe/Oslo", 0), 0u) << t;
  EXPECT_NE(t.find("off assistance (O5)"), std::string::npos) << t;
  EXPECT_NE(t.find("75.0%"), std::string::npos) << t;
}

TEST_F(OutcomesTest, TwoReplaysGiveIdenticalBytes) {
  OutcomesOptions o = Window();
  o.grouping = OutcomeGrouping::kSex;
  EXPECT_EQ(OutcomesJson(AsOf("2009-12-31", o)), OutcomesJson(AsOf("2009-12-31", o)));
  EXPECT_EQ(OutcomesCsv(AsOf("2009-06-30", o)), OutcomesCsv(AsOf("2009-06-30", o)));
  EXPECT_EQ(OutcomesText(AsOf("2009-06-30", o)), OutcomesText(AsOf("2009-06-30", o)));
}

TEST_F(OutcomesTest, StoppedAnywhereAndResumedEqualsARebuild) {
  const ReportTime at = ReportTime::EndOfDay(Date("2009-12-31"), ReportZone::EuropeOslo());
  ledger::testing::ExpectStoppedAnywhereAndResumedEqualsARebuild<OutcomesProjection>(
      log_.ledger(), [&](const OutcomesProjection& p, const LogPoint& point) {
        return OutcomesJson(p.Report(at, point, Window()));
      });
}

TEST_F(OutcomesTest, IncrementalEqualsRebuildAndRunOutcomesResumes) {
  ScratchDir dir;
  auto store = StateStore::Open(dir.path());
  OutcomesQuery q;
  q.options = Window();
  q.now_us = ledger::testing::Us("2009-12-31T12:00:00Z");
  auto first = RunOutcomes(log_.ledger(), q, store->get());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->resume.kind, ResumeKind::kFresh);
  Pay(log_, "sub-d", "2009-12", 5000);
  auto second = RunOutcomes(log_.ledger(), q, store->get());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->resume.kind, ResumeKind::kResumed);
  EXPECT_EQ(second->stats.applied, 1u);
  auto rebuilt = RunOutcomes(log_.ledger(), q);
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(OutcomesJson(second->report), OutcomesJson(rebuilt->report));
  EXPECT_EQ(second->report.groups[0].years[1].paid_months, 18u);
}

TEST_F(OutcomesTest, ApplyingAppendedEventsEqualsARebuild) {
  OutcomesProjection live;
  auto replayer = Replayer::Create(log_.ledger(), {&live});
  ASSERT_TRUE((*replayer)->Run().ok());
  auto payment = [&](const std::string& month) {
    nlohmann::json j = {
        {"id", NewEventId()},
        {"stream", "case/sub-d"},
        {"type", "payment.made"},
        {"occurred_at", Noon(month + "-01")},
        {"subject", "sub-d"},
        {"actor", {{"id", "svc"}, {"role", "service"}}},
        {"legal_basis", {"NO:sotjl§18"}},
        {"data",
         {{"decision_id", "dec-1"}, {"month", month}, {"grant_nok", 5000}, {"loan_nok", 0}}}};
    return SignEventJson(j.dump(), log_.Key("service")).value();
  };
  // Appended by this process and applied from memory.
  SignedEvent december = payment("2009-12");
  auto appended = log_.ledger().log().Append(december);
  ASSERT_TRUE(appended.ok());
  ASSERT_TRUE((*replayer)->ApplyAppended(december, *appended).ok());
  EXPECT_EQ((*replayer)->position(), log_.ledger().log().Size());
  // Someone else appends first: that entry is read from the log before this one is applied.
  Pay(log_, "sub-c", "2009-05", 100);
  SignedEvent january = payment("2010-01");
  auto second = log_.ledger().log().Append(january);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*replayer)->ApplyAppended(january, *second).ok());
  // A retry of an event already applied changes nothing.
  auto again = log_.ledger().log().Append(december);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  ASSERT_TRUE((*replayer)->ApplyAppended(december, *again).ok());
  EXPECT_EQ((*replayer)->position(), log_.ledger().log().Size());

  OutcomesProjection rebuilt;
  auto fresh = Replayer::Create(log_.ledger(), {&rebuilt});
  ASSERT_TRUE((*fresh)->Run().ok());
  EXPECT_EQ(live.Serialize(), rebuilt.Serialize());
}

// Main income at t (O6, O7): of several income.recorded with the latest as_of in the window,
// the one with the latest occurred_at counts, and on equal occurred_at the later in the log.
// x and y each have three records as of 2009-07-01, two of them at the same instant:
//   x: work, then social_assistance (same occurred_at, later in the log): social_assistance.
//   y: social_assistance, then work (same occurred_at, later in the log), then
//      social_assistance again, appended last but occurred a day earlier: work.
// Both entered on 2009-01-15, so t0 + 6 = 2009-07-15 and 2009-07-01 is in the 62-day window.
TEST(MainIncomeTest, TiesGoToTheLatestOccurredAtThenToTheLaterInTheLog) {
  ReplayTestLog l;
  const std::string same = "2009-07-02T12:00:00Z";
  OpenCase(l, "sub-x", "2009-01-15", 19, "female");
  OpenCase(l, "sub-y", "2009-01-15", 19, "male");
  Income(l, "sub-x", "2009-07-01", "work", same);
  Income(l, "sub-y", "2009-07-01", "social_assistance", same);
  Income(l, "sub-x", "2009-07-01", "social_assistance", same);
  Income(l, "sub-y", "2009-07-01", "work", same);
  Income(l, "sub-y", "2009-07-01", "social_assistance", "2009-07-01T12:00:00Z");  // late entry
  Pay(l, "sub-x", "2009-07", 5000);
  Pay(l, "sub-y", "2009-07", 5000);

  OutcomesQuery q;
  q.as_of = Date("2009-12-31");
  q.options.intake_from = Date("2009-01-01");
  q.options.intake_to = Date("2009-12-31");
  q.options.horizons = {6};
  q.options.grouping = OutcomeGrouping::kSex;
  auto run = RunOutcomes(l.ledger(), q);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->report.groups.size(), 3u);  // all, female (x), male (y)
  const HorizonOutcome& x = run->report.groups[1].horizons[0];
  const HorizonOutcome& y = run->report.groups[2].horizons[0];
  EXPECT_EQ(run->report.groups[1].value, "female");
  EXPECT_EQ(x.followed, 1u);
  EXPECT_EQ(x.assistance_main_income, 1u);
  EXPECT_EQ(run->report.groups[2].value, "male");
  EXPECT_EQ(y.followed, 1u);
  EXPECT_EQ(y.assistance_main_income, 0u);
  EXPECT_EQ(y.supplementary_only, 1u);  // paid, and its main income is known: work
  EXPECT_EQ(x.supplementary_only, 0u);
}

TEST_F(OutcomesTest, RestoreRefusesDamagedState) {
  EXPECT_EQ(ledger::testing::ExpectRestoreRefusesDamagedState<OutcomesProjection>(log_.ledger()),
            7u);
}

}  // namespace
}  // namespace ledger::replay
