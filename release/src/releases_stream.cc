#include "releases_stream.h"

#include <vector>

#include "ledger/event_codec.h"

namespace ledger::release::internal {

Status ForEachReleasesEvent(
    Ledger& ledger, std::string_view type,
    const std::function<Status(const nlohmann::ordered_json& data)>& visit) {
  for (uint64_t from = 0;;) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<Entry> entries,
                            ledger.log().ReadStream("releases", from, 1024));
    if (entries.empty()) return Status::Ok();
    from += entries.size();
    for (const Entry& entry : entries) {
      LEDGER_ASSIGN_OR_RETURN(nlohmann::ordered_json event,
                              EventJsonValueFromCanonical(entry.event));
      if (event.at("type") != type) continue;
      LEDGER_RETURN_IF_ERROR(visit(event.at("data")));
    }
  }
}

}  // namespace ledger::release::internal
