#include "privacy_actions.h"

#include "cli_common.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"

namespace ledger::cli {

using json = nlohmann::ordered_json;

json DpoEvent(const SigningKey& key, const std::string& subject, const std::string& type, json data,
              const std::string& legal_basis, int64_t at_us) {
  json j;
  j["id"] = NewEventId();
  j["stream"] = "case/" + subject;
  j["type"] = type;
  j["occurred_at"] = FormatInstantMicros(at_us / 1000000 * 1000000);
  j["subject"] = subject;
  j["actor"] = {{"id", key.name()}, {"role", "dpo"}};
  j["legal_basis"] = {legal_basis};
  j["data"] = std::move(data);
  return j;
}

Result<AppendResult> AppendSigned(Ledger& ledger, const SigningKey& key, const json& event) {
  LEDGER_ASSIGN_OR_RETURN(auto signed_event, SignEventJson(event.dump(), key));
  return ledger.log().Append(signed_event);
}

Status ShredAndPurge(Ledger& ledger, const std::vector<json>& events, const SigningKey& key,
                     const std::string& label) {
  Progress progress(label, events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    LEDGER_RETURN_IF_ERROR(AppendSigned(ledger, key, events[i]).status());
    progress.Update(i + 1);
  }
  progress.Finish();
  // The ledger purges by itself shortly after; waiting here means the command returns only
  // once the deleted keys and values have left the files.
  return ledger.privacy().PurgeErased();
}

}  // namespace ledger::cli
