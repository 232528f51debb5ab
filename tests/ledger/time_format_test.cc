// Dates, months and RFC 3339 instants as the catalogue writes them.
#include "ledger/time_format.h"

#include <gtest/gtest.h>

namespace ledger {
namespace {

TEST(TimeFormatTest, InstantsWithZonesAreTheSameMoment) {
  auto a = ParseInstantMicros("2008-01-15T09:30:00+01:00");
  auto b = ParseInstantMicros("2008-01-15T08:30:00Z");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*b, int64_t{1200385800} * 1000000);
  EXPECT_EQ(FormatInstantMicros(*a), "2008-01-15T08:30:00Z");
  EXPECT_EQ(*ParseInstantMicros("1969-12-31T23:59:59.5Z"), -500000);
  EXPECT_EQ(FormatInstantMicros(-500000), "1969-12-31T23:59:59.500000Z");
}

TEST(TimeFormatTest, MalformedInstantsAreRefused) {
  for (const char* bad : {"2008-01-15T09:30:00", "2008-01-15 09:30:00Z", "2008-02-30T00:00:00Z",
                          "2008-01-15T24:00:00Z", "2008-01-15T09:30:60Z", "2008-01-15T09:30:00.Z",
                          "2008-01-15T09:30:00.1234567Z", "2008-01-15T09:30:00+0100", ""}) {
    EXPECT_FALSE(ParseInstantMicros(bad).ok()) << bad;
  }
}

TEST(TimeFormatTest, DatesAndMonths) {
  EXPECT_TRUE(ParseDate("2008-02-29").ok());
  EXPECT_FALSE(ParseDate("2009-02-29").ok());
  EXPECT_FALSE(ParseDate("2009-2-28").ok());
  EXPECT_TRUE(ParseMonth("2008-12").ok());
  EXPECT_FALSE(ParseMonth("2008-13").ok());
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  CivilDate d{2008, 1, 31};
  EXPECT_EQ(CivilFromDays(DaysFromCivil(d)), d);
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
}

}  // namespace
}  // namespace ledger
