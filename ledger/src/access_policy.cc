#include "access_policy.h"

#include <array>

namespace ledger::internal {
namespace {

constexpr std::array<std::string_view, 6> kDpoTypes = {
    "erasure.decided",         "subject.shredded",  "processing.restricted",
    "processing.unrestricted", "erasure.requested", "release.approved"};

bool IsDpoOnly(std::string_view type) {
  return type == "erasure.decided" || type == "subject.shredded" ||
         type == "processing.restricted" || type == "processing.unrestricted";
}

}  // namespace

bool RoleMayAppend(std::string_view role, std::string_view type) {
  if (role == "admin") return type.starts_with("key.");
  if (role == "dpo") {
    if (type.starts_with("release.")) return true;
    for (auto t : kDpoTypes) {
      if (t == type) return true;
    }
    return false;
  }
  if (role == "caseworker" || role == "service") {
    return !type.starts_with("key.") && !type.starts_with("release.") && !IsDpoOnly(type);
  }
  return false;
}

bool ScopeAllows(const std::vector<std::string>& scope, std::string_view stream,
                 std::string_view office) {
  if (scope.empty()) return true;
  for (const auto& s : scope) {
    std::string_view entry = s;
    if (entry.starts_with("office:")) {
      if (!office.empty() && entry.substr(7) == office) return true;
    } else if (entry.ends_with('/') ? stream.starts_with(entry) : stream == entry) {
      // "case/" is a prefix; "case/yabc" names one stream (and not case/yabcd).
      return true;
    }
  }
  return false;
}

}  // namespace ledger::internal
