#include "calendar.h"

#include <cassert>
#include <cstdio>

namespace ledger::synth {
namespace {

// Floor division for the negative minutes and days before 1970.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Gregorian Easter Sunday (the anonymous algorithm, Meeus/Jones/Butcher).
Day EasterSunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
  return DayFromCivil(year, month, day);
}

Day LastSunday(int year, int month) {
  const Day last = DayFromCivil(year, month, DaysInMonth(year, month));
  return last - (Weekday(last) + 1) % 7;
}

}  // namespace

Day DayFromCivil(int year, int month, int day) {
  // Howard Hinnant's days_from_civil.
  year -= month <= 2;
  const int era = static_cast<int>(FloorDiv(year, 400));
  const int yoe = year - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDay(Day z) {
  const int64_t zz = static_cast<int64_t>(z) + 719468;
  const int era = static_cast<int>(FloorDiv(zz, 146097));
  const int doe = static_cast<int>(zz - static_cast<int64_t>(era) * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{yoe + era * 400 + (m <= 2), m, d};
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

int Weekday(Day day) { return static_cast<int>(((static_cast<int64_t>(day) % 7) + 10) % 7); }

int MonthIndex(Day day) {
  const CivilDate c = CivilFromDay(day);
  return c.year * 12 + c.month - 1;
}

Day FirstDayOfMonthIndex(int month_index) {
  return DayFromCivil(month_index / 12, month_index % 12 + 1, 1);
}

Day LastDayOfMonthIndex(int month_index) { return FirstDayOfMonthIndex(month_index + 1) - 1; }

Day AddMonths(Day day, int n) { return AddMonths(CivilFromDay(day), n); }

Day AddMonths(const CivilDate& c, int n) {
  const int index = c.year * 12 + c.month - 1 + n;
  const int year = index / 12, month = index % 12 + 1;
  const int dom = c.day < DaysInMonth(year, month) ? c.day : DaysInMonth(year, month);
  return DayFromCivil(year, month, dom);
}

Day AddYears(Day day, int n) { return AddMonths(day, 12 * n); }

bool IsPublicHoliday(Day day) {
  const CivilDate c = CivilFromDay(day);
  if ((c.month == 1 && c.day == 1) || (c.month == 5 && (c.day == 1 || c.day == 17)) ||
      (c.month == 12 && (c.day == 25 || c.day == 26))) {
    return true;
  }
  if (c.month < 3 || c.month > 6) return false;
  const Day easter = EasterSunday(c.year);
  const int offset = day - easter;
  return offset == -3 || offset == -2 || offset == 1 || offset == 39 || offset == 50;
}

bool IsWorkingDay(Day day) { return Weekday(day) < 5 && !IsPublicHoliday(day); }

WorkCalendar::WorkCalendar(Day first, Day last) : first_(first) {
  assert(first <= last);
  working_.resize(static_cast<size_t>(last - first + 1));
  for (Day d = first; d <= last; ++d)
    working_[static_cast<size_t>(d - first)] = synth::IsWorkingDay(d);
}

bool WorkCalendar::IsWorkingDay(Day day) const {
  const int64_t i = static_cast<int64_t>(day) - first_;
  if (i < 0 || i >= static_cast<int64_t>(working_.size())) return synth::IsWorkingDay(day);
  return working_[static_cast<size_t>(i)];
}

Day WorkCalendar::OnOrAfter(Day day) const {
  while (!IsWorkingDay(day)) ++day;
  return day;
}

Day WorkCalendar::OnOrBefore(Day day) const {
  while (!IsWorkingDay(day)) --day;
  return day;
}

Day WorkCalendar::AddWorkingDays(Day day, int n) const {
  day = OnOrAfter(day);
  for (int i = 0; i < n; ++i) day = OnOrAfter(day + 1);
  return day;
}

int NorwayUtcOffsetMinutes(Minute local) {
  const Day day = DayOf(local);
  const int year = CivilFromDay(day).year;
  const Day spring = LastSunday(year, 3), autumn = LastSunday(year, 10);
  const int minute_of_day = static_cast<int>(local - static_cast<Minute>(day) * kMinutesPerDay);
  // The switch happens at 02:00 local (to 03:00) in spring and at 03:00 local (back to 02:00)
  // in autumn; the caller never asks about the hour in between.
  const bool after_spring = day > spring || (day == spring && minute_of_day >= 3 * 60);
  const bool before_autumn = day < autumn || (day == autumn && minute_of_day < 2 * 60);
  return after_spring && before_autumn ? 120 : 60;
}

Minute AtTime(Day day, int hour, int minute) {
  return static_cast<Minute>(day) * kMinutesPerDay + hour * 60 + minute;
}

Day DayOf(Minute local) { return static_cast<Day>(FloorDiv(local, kMinutesPerDay)); }

std::string FormatDate(Day day) {
  const CivilDate c = CivilFromDay(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

std::string FormatMonthIndex(int month_index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", month_index / 12, month_index % 12 + 1);
  return buf;
}

std::string FormatInstant(Minute local, int second) {
  const Day day = DayOf(local);
  const CivilDate c = CivilFromDay(day);
  const int minute_of_day = static_cast<int>(local - static_cast<Minute>(day) * kMinutesPerDay);
  const int offset = NorwayUtcOffsetMinutes(local);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00", c.year, c.month, c.day,
                minute_of_day / 60, minute_of_day % 60, second, offset / 60);
  return buf;
}

}  // namespace ledger::synth
