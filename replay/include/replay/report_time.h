// The moment a report describes, and the zone its business dates are read in.
//
// A report "as of date D" describes the last instant of D in the report zone: it applies the
// events with occurred_at up to that instant (ReplayFilter::occurred_at_most_us), judges
// instants (consent expiry, withdrawal) at it, and counts days (since intake, left, overdue)
// from D. A report at a log position describes the ledger's clock at that position (the
// recorded_at of its last entry).
#ifndef REPLAY_REPORT_TIME_H_
#define REPLAY_REPORT_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "ledger/time_format.h"

namespace ledger::replay {

// Maps instants to local calendar dates and back. Two kinds: a fixed UTC offset, and the
// Norwegian civil zone (Europe/Oslo: UTC+1, and UTC+2 from the last Sunday of March 01:00 UTC to
// the last Sunday of October 01:00 UTC, the EU rule in force since 1996, applied to every year).
// A value type.
class ReportZone {
 public:
  static ReportZone Utc() { return FixedOffset(0); }
  // REQUIRES: -18 h < offset < 18 h.
  static ReportZone FixedOffset(int offset_minutes);
  static ReportZone EuropeOslo();
  // "Europe/Oslo", "UTC", "Z" or "+01:00" / "-05:30". InvalidArgument otherwise.
  static Result<ReportZone> Parse(std::string_view name);

  // "Europe/Oslo", "UTC", "+01:00".
  const std::string& name() const { return name_; }
  int OffsetMinutesAt(int64_t utc_us) const;
  CivilDate DateAt(int64_t utc_us) const;
  // The first microsecond of local date `date`. Local midnight is never skipped or repeated by
  // the EU rule (it changes at 01:00 UTC), so this is always one instant.
  int64_t StartOfDayUs(const CivilDate& date) const;

 private:
  ReportZone(std::string name, int fixed_offset_minutes, bool eu_rule)
      : name_(std::move(name)), fixed_offset_minutes_(fixed_offset_minutes), eu_rule_(eu_rule) {}
  std::string name_;
  int fixed_offset_minutes_ = 0;
  bool eu_rule_ = false;
};

struct ReportTime {
  CivilDate date;          // the business date the report speaks of
  int64_t instant_us = 0;  // the instant it describes (UTC microseconds)
  std::string zone;        // the zone `date` is read in

  // The last microsecond of `date` in `zone`: the moment "as of `date`" describes.
  static ReportTime EndOfDay(const CivilDate& date, const ReportZone& zone);
  // A given instant (now, or the ledger's clock at a position) and its date in `zone`.
  static ReportTime AtInstant(int64_t instant_us, const ReportZone& zone);
};

// `date` plus `months` calendar months, keeping the day of month clamped to the last day of the
// target month (2008-01-31 + 1 month = 2008-02-29), as indicators.md defines it.
CivilDate AddMonths(const CivilDate& date, int months);

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

}  // namespace ledger::replay

#endif  // REPLAY_REPORT_TIME_H_
