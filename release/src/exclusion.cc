#include "exclusion.h"

#include <cassert>

namespace ledger::release::internal {

std::string_view ExclusionName(ExclusionReason reason) {
  switch (reason) {
    case ExclusionReason::kNone:
      return "";
    case ExclusionReason::kNoConsent:
      return "no_consent";
    case ExclusionReason::kObjected:
      return "objected";
    case ExclusionReason::kRestricted:
      return "restricted";
    case ExclusionReason::kErased:
      return "erased";
  }
  return "";
}

std::optional<ExclusionReason> ExclusionNamed(std::string_view name) {
  for (ExclusionReason reason : kExclusionReasons) {
    if (ExclusionName(reason) == name) return reason;
  }
  return std::nullopt;
}

uint64_t& CountOf(ExclusionCounts& counts, ExclusionReason reason) {
  switch (reason) {
    case ExclusionReason::kNoConsent:
      return counts.no_consent;
    case ExclusionReason::kObjected:
      return counts.objected;
    case ExclusionReason::kRestricted:
      return counts.restricted;
    case ExclusionReason::kErased:
    case ExclusionReason::kNone:
      break;
  }
  // Invariant: callers never count kNone (a person who may be released is not excluded).
  assert(reason == ExclusionReason::kErased);
  return counts.erased;
}

uint64_t CountOf(const ExclusionCounts& counts, ExclusionReason reason) {
  switch (reason) {
    case ExclusionReason::kNoConsent:
      return counts.no_consent;
    case ExclusionReason::kObjected:
      return counts.objected;
    case ExclusionReason::kRestricted:
      return counts.restricted;
    case ExclusionReason::kErased:
      return counts.erased;
    case ExclusionReason::kNone:
      break;
  }
  return 0;
}

}  // namespace ledger::release::internal
