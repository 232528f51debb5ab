// The Kaplan-Meier estimate and the exact arithmetic under it, against values computed by hand
// from S(t) = product over exit times t_j <= t of (1 - d_j / n_j).
#include "kaplan_meier.h"

#include <gtest/gtest.h>

#include "exact_fraction.h"

namespace ledger::replay::internal {
namespace {

TEST(KaplanMeierTest, TextbookExampleWithCensoring) {
  // Times 1, 2+, 3, 3, 4+, 5 (+: censored). t=1: 6 at risk, 1 exit: 5/6. t=3: 4 at risk
  // (2+ censored before), 2 exits: 5/6 * 2/4 = 5/12. t=5: 1 at risk, 1 exit: 0.
  Survival s = KaplanMeier({{1, true}, {2, false}, {3, true}, {3, true}, {4, false}, {5, true}});
  ASSERT_EQ(s.rows.size(), 6u);
  EXPECT_EQ(s.rows[0].at_risk, 6u);
  EXPECT_EQ(s.rows[0].s_ppm, 1000000u);
  EXPECT_EQ(s.rows[1].at_risk, 6u);
  EXPECT_EQ(s.rows[1].s_ppm, 833333u);  // 5/6
  EXPECT_EQ(s.rows[2].at_risk, 5u);
  EXPECT_EQ(s.rows[2].censored, 1u);
  EXPECT_EQ(s.rows[2].s_ppm, 833333u);
  EXPECT_EQ(s.rows[3].at_risk, 4u);
  EXPECT_EQ(s.rows[3].exits, 2u);
  EXPECT_EQ(s.rows[3].s_ppm, 416667u);  // 5/12
  EXPECT_EQ(s.rows[4].at_risk, 2u);
  EXPECT_EQ(s.rows[5].at_risk, 1u);
  EXPECT_EQ(s.rows[5].s_ppm, 0u);
  EXPECT_EQ(s.median_months, 3);
  EXPECT_EQ(s.exits, 4u);
  EXPECT_EQ(s.censored, 2u);
}

TEST(KaplanMeierTest, MedianAtExactlyOneHalfIsFoundExactly) {
  // 2/3 * 3/4 = 1/2 exactly at t=2, although neither factor is a binary fraction: six
  // people, two exit at 1 (4/6), one of the four left exits at 2 (3/4). The median is 2.
  Survival s = KaplanMeier({{1, true}, {1, true}, {2, true}, {3, false}, {3, false}, {3, false}});
  EXPECT_EQ(s.rows[1].s_ppm, 666667u);
  EXPECT_EQ(s.rows[2].s_ppm, 500000u);
  EXPECT_EQ(s.median_months, 2);
}

TEST(KaplanMeierTest, NoExitsNoMedianAndEmptyInput) {
  Survival s = KaplanMeier({{0, false}, {2, false}});
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[0].at_risk, 2u);
  EXPECT_EQ(s.rows[1].at_risk, 1u);
  EXPECT_EQ(s.rows[2].s_ppm, 1000000u);
  EXPECT_FALSE(s.median_months.has_value());
  EXPECT_TRUE(KaplanMeier({}).rows.empty());
}

TEST(ExactFractionTest, LongProductsStayExact) {
  // prod_{n=2}^{200} (n-1)/n = 1/200 exactly, far beyond 64-bit numerators and denominators.
  ExactFraction f;
  for (uint32_t n = 2; n <= 200; ++n) f.MultiplyBy(n - 1, n);
  EXPECT_EQ(f.Scaled(1000000), 5000u);
  EXPECT_TRUE(f.AtMost(1, 200));
  EXPECT_FALSE(f.AtMost(1, 201));
  ExactFraction half;
  half.MultiplyBy(1, 2);
  EXPECT_EQ(half.Scaled(3), 2u);  // 1.5 rounds half up
  EXPECT_TRUE(half.AtMost(1, 2));
}

TEST(BigUintTest, CarriesAcrossLimbs) {
  BigUint a(0xffffffffu);
  a.Multiply(0xffffffffu);  // 0xfffffffe00000001
  BigUint b(0xfffffffeu);
  b.Multiply(0x80000000u);
  b.Multiply(2);  // 0xfffffffe00000000
  EXPECT_GT(a.Compare(b), 0);
  b.Add(BigUint(1));
  EXPECT_EQ(a.Compare(b), 0);
  a.Multiply(0);
  EXPECT_EQ(a.Compare(BigUint(0)), 0);
}

}  // namespace
}  // namespace ledger::replay::internal
