// FindApproval: the dpo's release.approved, read from the ledger's `releases` stream.
#include <nlohmann/json.hpp>

#include "ledger/event_codec.h"
#include "release/release.h"

namespace ledger::release {

bool BasisNeedsConsent(std::string_view basis) {
  return basis == "GDPR:6(1)(a)" || basis.starts_with("consent");
}

Result<Approval> FindApproval(Ledger& ledger, std::string_view release_id, int64_t now_us) {
  std::optional<Approval> found;
  for (uint64_t from = 0;;) {
    ASSIGN_OR_RETURN(std::vector<Entry> entries, ledger.ReadStream("releases", from, 1024));
    if (entries.empty()) break;
    from += entries.size();
    for (const Entry& entry : entries) {
      ASSIGN_OR_RETURN(std::string text, EventJsonFromCanonical(entry.event));
      const nlohmann::json event = nlohmann::json::parse(text);
      if (event.at("type") != "release.approved") continue;
      const nlohmann::json& data = event.at("data");
      if (data.at("release_id") != release_id) continue;
      Approval a;
      a.release_id = data.at("release_id");
      a.recipient_org = data.at("recipient_org");
      a.purpose = data.at("purpose");
      a.basis = data.at("basis");
      ASSIGN_OR_RETURN(a.expires_at_us,
                       ParseInstantMicros(data.at("expires_at").get<std::string>()));
      found = std::move(a);  // a later approval of the same id replaces the earlier
    }
  }
  if (!found) {
    return Status::NotFound("release " + std::string(release_id) +
                            " has no approval: a dpo must first run `ledger release approve`");
  }
  if (found->expires_at_us <= now_us) {
    return Status::FailedPrecondition("the approval of release " + std::string(release_id) +
                                      " expired at " +
                                      FormatInstantMicros(found->expires_at_us) +
                                      ": nothing was exported");
  }
  return *found;
}

}  // namespace ledger::release
