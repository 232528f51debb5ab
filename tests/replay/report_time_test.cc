#include "replay/report_time.h"

#include <gtest/gtest.h>

#include "replay_test_log.h"

namespace ledger::replay {
namespace {

using ledger::testing::Date;
using ledger::testing::Us;

TEST(ReportZoneTest, OsloSwitchesToSummerTimeOnTheLastSundayOfMarchAt0100Utc) {
  ReportZone oslo = ReportZone::EuropeOslo();
  // 2009: summer time from Sunday 29 March to Sunday 25 October.
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2009-03-29T00:59:59.999999Z")), 60);
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2009-03-29T01:00:00Z")), 120);
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2009-10-25T00:59:59.999999Z")), 120);
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2009-10-25T01:00:00Z")), 60);
  // 2008: 30 March and 26 October.
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2008-03-30T01:00:00Z")), 120);
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2008-03-29T12:00:00Z")), 60);
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2008-10-26T00:30:00Z")), 120);
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2008-10-26T01:30:00Z")), 60);
  EXPECT_EQ(oslo.OffsetMinutesAt(Us("2009-01-15T12:00:00Z")), 60);
}

TEST(ReportZoneTest, DatesAreReadInTheZone) {
  ReportZone oslo = ReportZone::EuropeOslo();
  // 23:30 at +01:00 on the 14th is 00:30 on the 15th in Oslo summer time.
  EXPECT_EQ(oslo.DateAt(Us("2009-06-14T23:30:00+01:00")), Date("2009-06-15"));
  EXPECT_EQ(ReportZone::Utc().DateAt(Us("2009-06-14T23:30:00+01:00")), Date("2009-06-14"));
  EXPECT_EQ(oslo.DateAt(Us("2009-01-14T23:30:00+01:00")), Date("2009-01-14"));
  EXPECT_EQ(ReportZone::FixedOffset(-300).DateAt(Us("2009-01-15T03:00:00Z")), Date("2009-01-14"));
  // Before 1970 (negative microseconds) the floor division must still hold.
  EXPECT_EQ(ReportZone::Utc().DateAt(Us("1969-12-31T23:59:59Z")), Date("1969-12-31"));
}

TEST(ReportZoneTest, StartOfDayAroundTheSwitches) {
  ReportZone oslo = ReportZone::EuropeOslo();
  EXPECT_EQ(oslo.StartOfDayUs(Date("2009-03-29")), Us("2009-03-28T23:00:00Z"));
  EXPECT_EQ(oslo.StartOfDayUs(Date("2009-03-30")), Us("2009-03-29T22:00:00Z"));
  EXPECT_EQ(oslo.StartOfDayUs(Date("2009-10-25")), Us("2009-10-24T22:00:00Z"));
  EXPECT_EQ(oslo.StartOfDayUs(Date("2009-10-26")), Us("2009-10-25T23:00:00Z"));
  EXPECT_EQ(ReportZone::FixedOffset(90).StartOfDayUs(Date("2009-01-01")),
            Us("2008-12-31T22:30:00Z"));
}

TEST(ReportTimeTest, EndOfDayIsTheLastMicrosecondOfTheLocalDate) {
  ReportTime t = ReportTime::EndOfDay(Date("2009-06-14"), ReportZone::EuropeOslo());
  EXPECT_EQ(t.date, Date("2009-06-14"));
  EXPECT_EQ(t.instant_us, Us("2009-06-14T21:59:59.999999Z"));
  EXPECT_EQ(t.zone, "Europe/Oslo");
  ReportTime w = ReportTime::EndOfDay(Date("2009-12-31"), ReportZone::EuropeOslo());
  EXPECT_EQ(w.instant_us, Us("2009-12-31T22:59:59.999999Z"));
  ReportTime u = ReportTime::EndOfDay(Date("2009-06-14"), ReportZone::Utc());
  EXPECT_EQ(u.instant_us, Us("2009-06-14T23:59:59.999999Z"));
}

TEST(ReportTimeTest, AtInstantTakesTheLocalDate) {
  ReportTime t = ReportTime::AtInstant(Us("2009-06-14T22:30:00Z"), ReportZone::EuropeOslo());
  EXPECT_EQ(t.date, Date("2009-06-15"));
  EXPECT_EQ(t.instant_us, Us("2009-06-14T22:30:00Z"));
}

TEST(ReportZoneTest, ParseNamesAndOffsets) {
  EXPECT_EQ(ReportZone::Parse("Europe/Oslo")->name(), "Europe/Oslo");
  EXPECT_EQ(ReportZone::Parse("UTC")->OffsetMinutesAt(0), 0);
  EXPECT_EQ(ReportZone::Parse("Z")->name(), "UTC");
  EXPECT_EQ(ReportZone::Parse("+05:30")->OffsetMinutesAt(0), 330);
  EXPECT_EQ(ReportZone::Parse("-03:00")->OffsetMinutesAt(0), -180);
  EXPECT_EQ(ReportZone::Parse("-03:00")->name(), "-03:00");
  for (const char* bad : {"", "Oslo", "+5:30", "+24:00", "+01:60", "01:00", "Europe/Paris"}) {
    EXPECT_EQ(ReportZone::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(AddMonthsTest, ClampsToTheLastDayOfTheMonth) {
  EXPECT_EQ(AddMonths(Date("2008-01-31"), 1), Date("2008-02-29"));
  EXPECT_EQ(AddMonths(Date("2009-01-31"), 1), Date("2009-02-28"));
  EXPECT_EQ(AddMonths(Date("2008-11-15"), 3), Date("2009-02-15"));
  EXPECT_EQ(AddMonths(Date("2008-08-31"), 6), Date("2009-02-28"));
  EXPECT_EQ(AddMonths(Date("2009-03-31"), -1), Date("2009-02-28"));
  EXPECT_EQ(AddMonths(Date("2009-01-15"), -13), Date("2007-12-15"));
  EXPECT_EQ(AddMonths(Date("2009-05-02"), 0), Date("2009-05-02"));
}

}  // namespace
}  // namespace ledger::replay
