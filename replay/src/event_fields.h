// Reading catalogue values out of events for projections: text fields as views, dates as day
// numbers, months as month numbers, instants as microseconds. A value that does not parse gives
// nullopt: the event was validated when it was appended, so a projection ignores it rather than
// fail (projection.h).
#ifndef REPLAY_SRC_EVENT_FIELDS_H_
#define REPLAY_SRC_EVENT_FIELDS_H_

#include <capnp/blob.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/time_format.h"

namespace ledger::replay::internal {

inline std::string_view TextView(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

// Months are numbered year * 12 + (month - 1): consecutive months differ by one.
inline int32_t MonthNumber(const CivilDate& d) { return d.year * 12 + (d.month - 1); }
inline int32_t MonthNumberOfDay(int64_t days) { return MonthNumber(CivilFromDays(days)); }
inline CivilDate FirstDayOfMonthNumber(int32_t m) {
  int32_t year = m >= 0 ? m / 12 : -((-m + 11) / 12);
  return CivilDate{year, m - year * 12 + 1, 1};
}

// "2008-01-31" -> days since 1970-01-01.
std::optional<int32_t> DayField(capnp::Text::Reader t);
// "2008-01" -> MonthNumber.
std::optional<int32_t> MonthField(capnp::Text::Reader t);
// RFC 3339 instant -> microseconds since the epoch (UTC).
std::optional<int64_t> InstantField(capnp::Text::Reader t);

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_EVENT_FIELDS_H_
