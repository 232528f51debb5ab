// What every report says about itself, the same way in each rendering: its kind and
// projection version, the moment it describes and the log point it was computed from
// (docs/projections.md, "Report output").
#ifndef REPLAY_SRC_REPORT_HEADER_H_
#define REPLAY_SRC_REPORT_HEADER_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "replay/replayer.h"
#include "replay/report_time.h"

namespace ledger::replay::internal {

// {"kind", "projection_version", "as_of": {"date", "instant", "zone"}, "log": {"size", "root"}}:
// the members a report's JSON body starts from.
nlohmann::json ReportHeaderJson(std::string_view kind, uint32_t version, const ReportTime& at,
                                const LogPoint& log);
// "<title> as of 2009-06-14 (Europe/Oslo, 2009-06-14T21:59:59.999999Z); log size N, root
// <16 hex digits>" and a blank line.
std::string ReportHeadline(std::string_view title, const ReportTime& at, const LogPoint& log);
std::string RootHex(const LogPoint& log);
// The date of instant `us` in the report's zone.
std::string LocalDate(const ReportTime& at, int64_t us);

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_REPORT_HEADER_H_
