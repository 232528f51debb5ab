// Calendar values as the event catalogue writes them: dates (YYYY-MM-DD), months (YYYY-MM) and
// RFC 3339 instants with a zone. The ledger keeps instants as microseconds since the Unix epoch
// (UTC); leap seconds are not represented (":60" is refused).
#ifndef LEDGER_TIME_FORMAT_H_
#define LEDGER_TIME_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);
int DaysInMonth(int year, int month);

// "2008-01-31". Refuses impossible dates (2009-02-29).
Result<CivilDate> ParseDate(std::string_view text);
std::string FormatDate(const CivilDate& date);

// "2008-01". day is set to 1.
Result<CivilDate> ParseMonth(std::string_view text);

// "2008-01-15T09:30:00+01:00", "2008-01-15T08:30:00.25Z": microseconds since the epoch (UTC).
// A zone is required; fractions beyond microseconds are refused rather than rounded.
Result<int64_t> ParseInstantMicros(std::string_view text);
// UTC, "Z", with a fraction only when non-zero: "2026-11-23T06:26:45.123456Z".
std::string FormatInstantMicros(int64_t micros);

// The current time, microseconds since the epoch.
int64_t NowMicros();

}  // namespace ledger

#endif  // LEDGER_TIME_FORMAT_H_
