// The ledger's "releases" stream, read by event type: the one loop over it that approvals
// (release.approved) and published releases (release.exported) share.
#ifndef RELEASE_SRC_RELEASES_STREAM_H_
#define RELEASE_SRC_RELEASES_STREAM_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"
#include "ledger/ledger.h"

namespace ledger::release::internal {

// Calls `visit` with the `data` object of each event of type `type` in the stream, in log order
// (a later event of one release comes after an earlier one). Stops at the first error, of the
// read or of `visit`, and returns it.
Status ForEachReleasesEvent(Ledger& ledger, std::string_view type,
                            const std::function<Status(const nlohmann::ordered_json& data)>& visit);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_RELEASES_STREAM_H_
