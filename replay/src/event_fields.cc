#include "event_fields.h"

namespace ledger::replay::internal {

std::optional<int32_t> DayField(capnp::Text::Reader t) {
  auto d = ParseDate(TextView(t));
  if (!d.ok()) return std::nullopt;
  return static_cast<int32_t>(DaysFromCivil(*d));
}

std::optional<int32_t> MonthField(capnp::Text::Reader t) {
  auto d = ParseMonth(TextView(t));
  if (!d.ok()) return std::nullopt;
  return MonthNumber(*d);
}

std::optional<int64_t> InstantField(capnp::Text::Reader t) {
  auto us = ParseInstantMicros(TextView(t));
  if (!us.ok()) return std::nullopt;
  return *us;
}

}  // namespace ledger::replay::internal
