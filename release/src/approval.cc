// The `releases` stream: its events, and FindApproval (the dpo's release.approved).
#include <nlohmann/json.hpp>

#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"
#include "release/release.h"
#include "releases_stream.h"

namespace ledger::release {

std::string ReleaseEventJson(std::string_view dpo_id, std::string_view type, std::string_view basis,
                             std::string_view data_json) {
  nlohmann::ordered_json j;
  j["id"] = NewEventId();
  j["stream"] = "releases";
  j["type"] = type;
  j["occurred_at"] = FormatInstantMicros(NowMicros() / 1000000 * 1000000);
  j["actor"] = {{"id", dpo_id}, {"role", "dpo"}};
  j["legal_basis"] = {basis};
  j["data"] = nlohmann::ordered_json::parse(data_json);
  return j.dump();
}

bool BasisNeedsConsent(std::string_view basis) {
  return basis == "GDPR:6(1)(a)" || basis.starts_with("consent");
}

Result<Approval> FindApproval(Ledger& ledger, std::string_view release_id, int64_t now_us) {
  std::optional<Approval> found;
  LEDGER_RETURN_IF_ERROR(internal::ForEachReleasesEvent(
      ledger, "release.approved", [&](const nlohmann::ordered_json& data) -> Status {
        if (data.at("release_id") != release_id) return Status::Ok();
        Approval a;
        a.release_id = data.at("release_id");
        a.recipient_org = data.at("recipient_org");
        a.purpose = data.at("purpose");
        a.basis = data.at("basis");
        LEDGER_ASSIGN_OR_RETURN(a.expires_at_us,
                                ParseInstantMicros(data.at("expires_at").get<std::string>()));
        found = std::move(a);  // a later approval of the same id replaces the earlier
        return Status::Ok();
      }));
  if (!found) {
    return Status::NotFound("release " + std::string(release_id) +
                            " has no approval: a dpo must first run `ledger release approve`");
  }
  if (found->expires_at_us <= now_us) {
    return Status::FailedPrecondition("the approval of release " + std::string(release_id) +
                                      " expired at " + FormatInstantMicros(found->expires_at_us) +
                                      ": nothing was exported");
  }
  return *found;
}

}  // namespace ledger::release
