// Civil dates, Norwegian working days and Norwegian wall-clock instants.
//
// A Day is a count of days since 1970-01-01 (proleptic Gregorian). A Minute is a local
// Norwegian wall-clock minute since 1970-01-01 00:00 local: events happen in office hours,
// never in the night hour that daylight saving skips or repeats, so ordering by local minute is
// the same as ordering by instant.
#ifndef LEDGER_SYNTH_CALENDAR_H_
#define LEDGER_SYNTH_CALENDAR_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ledger::synth {

using Day = int32_t;
using Minute = int64_t;

constexpr Minute kMinutesPerDay = 24 * 60;

struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

Day DayFromCivil(int year, int month, int day);
CivilDate CivilFromDay(Day day);
int DaysInMonth(int year, int month);

// Monday = 0 ... Sunday = 6.
int Weekday(Day day);

// A month as a single count: year * 12 + (month - 1).
int MonthIndex(Day day);
Day FirstDayOfMonthIndex(int month_index);
Day LastDayOfMonthIndex(int month_index);

// Adds n months keeping the day of month, clamped to the month's last day
// (2008-01-31 + 1 month = 2008-02-29), as the indicator definitions do.
Day AddMonths(Day day, int n);
// The same from an already converted date (saves the conversion in loops over months).
Day AddMonths(const CivilDate& date, int n);
// Adds n years the same way (29 February becomes 28 February).
Day AddYears(Day day, int n);

// Norwegian public holidays: New Year, Maundy Thursday, Good Friday, Easter Monday, 1 May,
// 17 May, Ascension Day, Whit Monday, Christmas Day and Boxing Day.
bool IsPublicHoliday(Day day);
// Monday to Friday and not a public holiday.
bool IsWorkingDay(Day day);

// A cache of IsWorkingDay over a span, since the simulation asks the question very often.
class WorkCalendar {
 public:
  WorkCalendar(Day first, Day last);
  bool IsWorkingDay(Day day) const;
  // The day itself if it is a working day, else the next one.
  Day OnOrAfter(Day day) const;
  // The day itself if it is a working day, else the previous one.
  Day OnOrBefore(Day day) const;
  // n >= 0 working days after day (0: OnOrAfter(day)).
  Day AddWorkingDays(Day day, int n) const;

 private:
  Day first_;
  std::vector<bool> working_;
};

// The UTC offset in minutes of Norwegian time at the local wall-clock minute (CET, or CEST from
// the last Sunday in March to the last Sunday in October). REQUIRES: the minute is not in the
// hour from 02:00 to 03:00 local on a switch-over day. Valid for 1996 onwards (EU rule).
int NorwayUtcOffsetMinutes(Minute local);

Minute AtTime(Day day, int hour, int minute);
Day DayOf(Minute local);

std::string FormatDate(Day day);                // YYYY-MM-DD
std::string FormatMonthIndex(int month_index);  // YYYY-MM
// RFC 3339 with the Norwegian offset: 2008-01-15T09:30:00+01:00. `second` is 0..59.
std::string FormatInstant(Minute local, int second = 0);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_CALENDAR_H_
