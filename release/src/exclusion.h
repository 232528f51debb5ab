// Why a cohort member is not released (docs/evaluator-guide.md, "Who is released"), and the
// names the manifest's counts.excluded gives each reason. The names are part of the manifest's
// format (docs/formats.md): do not change them.
#ifndef RELEASE_SRC_EXCLUSION_H_
#define RELEASE_SRC_EXCLUSION_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "release/release.h"

namespace ledger::release::internal {

enum class ExclusionReason : uint8_t {
  kNone,        // may be released
  kNoConsent,   // consent basis: no consent in force covering the release
  kObjected,    // statutory basis: refused or withdrew consent for the purpose
  kRestricted,  // processing restricted for the purpose
  kErased,      // shredded
};

// Every reason that excludes, in the order the manifest's reader takes them.
inline constexpr std::array<ExclusionReason, 4> kExclusionReasons = {
    ExclusionReason::kNoConsent, ExclusionReason::kObjected, ExclusionReason::kRestricted,
    ExclusionReason::kErased};

// The manifest's key: "no_consent", "objected", "restricted", "erased"; "" for kNone.
std::string_view ExclusionName(ExclusionReason reason);
// The reason of a manifest key; nullopt for any other text (the empty one included).
std::optional<ExclusionReason> ExclusionNamed(std::string_view name);

// The counter of `reason` in `counts`. REQUIRES: reason != kNone.
uint64_t& CountOf(ExclusionCounts& counts, ExclusionReason reason);
uint64_t CountOf(const ExclusionCounts& counts, ExclusionReason reason);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_EXCLUSION_H_
