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

namespace {

// The member of ExclusionCounts that counts `reason`. REQUIRES: reason != kNone.
uint64_t ExclusionCounts::*CounterOf(ExclusionReason reason) {
  switch (reason) {
    case ExclusionReason::kNoConsent:
      return &ExclusionCounts::no_consent;
    case ExclusionReason::kObjected:
      return &ExclusionCounts::objected;
    case ExclusionReason::kRestricted:
      return &ExclusionCounts::restricted;
    case ExclusionReason::kErased:
    case ExclusionReason::kNone:
      break;
  }
  // Invariant: callers never count kNone (a person who may be released is not excluded).
  assert(reason == ExclusionReason::kErased);
  return &ExclusionCounts::erased;
}

}  // namespace

uint64_t& CountOf(ExclusionCounts& counts, ExclusionReason reason) {
  return counts.*CounterOf(reason);
}

uint64_t CountOf(const ExclusionCounts& counts, ExclusionReason reason) {
  return reason == ExclusionReason::kNone ? 0 : counts.*CounterOf(reason);
}

}  // namespace ledger::release::internal
