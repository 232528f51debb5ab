#include "replay/report_time.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace ledger::replay {
namespace {

constexpr int64_t kMicrosPerMinute = int64_t{60} * 1000000;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// 0 = Sunday.
int Weekday(int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }

// The UTC instant 01:00 on the last Sunday of `month` in `year`: when EU summer time starts
// (March) or ends (October).
int64_t EuSwitchUs(int year, int month) {
  int64_t last = DaysFromCivil(CivilDate{year, month, DaysInMonth(year, month)});
  int64_t sunday = last - Weekday(last);
  return sunday * kMicrosPerDay + 60 * kMicrosPerMinute;
}

std::string OffsetName(int minutes) {
  if (minutes == 0) return "UTC";
  char buf[16];
  int a = minutes < 0 ? -minutes : minutes;
  std::snprintf(buf, sizeof(buf), "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

}  // namespace

ReportZone ReportZone::FixedOffset(int offset_minutes) {
  // Invariant: callers pass offsets within a day (Parse checks input from outside).
  assert(offset_minutes > -18 * 60 && offset_minutes < 18 * 60);
  return ReportZone(OffsetName(offset_minutes), offset_minutes, false);
}

ReportZone ReportZone::EuropeOslo() { return ReportZone("Europe/Oslo", 60, true); }

Result<ReportZone> ReportZone::Parse(std::string_view name) {
  if (name == "Europe/Oslo") return EuropeOslo();
  if (name == "UTC" || name == "Z") return Utc();
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (name.size() == 6 && (name[0] == '+' || name[0] == '-') && digit(name[1]) && digit(name[2]) &&
      name[3] == ':' && digit(name[4]) && digit(name[5])) {
    int h = (name[1] - '0') * 10 + (name[2] - '0');
    int m = (name[4] - '0') * 10 + (name[5] - '0');
    if (h < 18 && m < 60) return FixedOffset((name[0] == '-' ? -1 : 1) * (h * 60 + m));
  }
  return Status::InvalidArgument("report zone \"" + std::string(name) +
                                 "\": expected Europe/Oslo, UTC or an offset like +01:00");
}

int ReportZone::OffsetMinutesAt(int64_t utc_us) const {
  if (!eu_rule_) return fixed_offset_minutes_;
  int year = CivilFromDays(FloorDiv(utc_us, kMicrosPerDay)).year;
  bool summer = utc_us >= EuSwitchUs(year, 3) && utc_us < EuSwitchUs(year, 10);
  return fixed_offset_minutes_ + (summer ? 60 : 0);
}

CivilDate ReportZone::DateAt(int64_t utc_us) const {
  int64_t local = utc_us + OffsetMinutesAt(utc_us) * kMicrosPerMinute;
  return CivilFromDays(FloorDiv(local, kMicrosPerDay));
}

int64_t ReportZone::StartOfDayUs(const CivilDate& date) const {
  int64_t local_midnight = DaysFromCivil(date) * kMicrosPerDay;
  if (!eu_rule_) return local_midnight - fixed_offset_minutes_ * kMicrosPerMinute;
  for (int offset : {fixed_offset_minutes_, fixed_offset_minutes_ + 60}) {
    int64_t utc = local_midnight - offset * kMicrosPerMinute;
    if (OffsetMinutesAt(utc) == offset) return utc;
  }
  // Invariant: the EU rule switches at 01:00 UTC, never at local midnight.
  assert(false);
  return local_midnight - fixed_offset_minutes_ * kMicrosPerMinute;
}

ReportTime ReportTime::EndOfDay(const CivilDate& date, const ReportZone& zone) {
  CivilDate next = CivilFromDays(DaysFromCivil(date) + 1);
  return ReportTime{date, zone.StartOfDayUs(next) - 1, zone.name()};
}

ReportTime ReportTime::AtInstant(int64_t instant_us, const ReportZone& zone) {
  return ReportTime{zone.DateAt(instant_us), instant_us, zone.name()};
}

CivilDate AddMonths(const CivilDate& date, int months) {
  int64_t index = int64_t{date.year} * 12 + (date.month - 1) + months;
  int year = static_cast<int>(FloorDiv(index, 12));
  int month = static_cast<int>(index - int64_t{year} * 12) + 1;
  int day = std::min(date.day, DaysInMonth(year, month));
  return CivilDate{year, month, day};
}

}  // namespace ledger::replay
