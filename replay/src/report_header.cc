#include "report_header.h"

#include "base/hex.h"
#include "ledger/time_format.h"

namespace ledger::replay::internal {

std::string RootHex(const LogPoint& log) { return HexEncode(log.root); }

nlohmann::json ReportHeaderJson(std::string_view kind, uint32_t version, const ReportTime& at,
                                const LogPoint& log) {
  return {{"kind", kind},
          {"projection_version", version},
          {"as_of",
           {{"date", FormatDate(at.date)},
            {"instant", FormatInstantMicros(at.instant_us)},
            {"zone", at.zone}}},
          {"log", {{"size", log.size}, {"root", RootHex(log)}}}};
}

std::string ReportHeadline(std::string_view title, const ReportTime& at, const LogPoint& log) {
  return std::string(title) + " as of " + FormatDate(at.date) + " (" + at.zone + ", " +
         FormatInstantMicros(at.instant_us) + "); log size " + std::to_string(log.size) +
         ", root " + RootHex(log).substr(0, 16) + "\n\n";
}

std::string LocalDate(const ReportTime& at, int64_t us) {
  auto zone = ReportZone::Parse(at.zone);
  return FormatDate(zone.ok() ? zone->DateAt(us) : ReportZone::Utc().DateAt(us));
}

}  // namespace ledger::replay::internal
