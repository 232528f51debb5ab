// Request targets: "/v1/streams/case%2Fabc?from=3&limit=10" -> path and decoded parameters.
#ifndef SERVER_SRC_QUERY_H_
#define SERVER_SRC_QUERY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/decimal.h"  // ParseDecimal, for every parser of query values
#include "base/status.h"

namespace ledger::server::internal {

struct Target {
  std::string path;                           // percent-decoded
  std::map<std::string, std::string> params;  // decoded; a repeated name keeps the last value
};

// InvalidArgument for a bad percent escape or a path that does not start with '/'.
Result<Target> ParseTarget(std::string_view target);

// Percent-decoding ('+' stays '+'); nullopt for a bad escape.
std::optional<std::string> PercentDecode(std::string_view text);

// Parameter `name` as a decimal: nullopt if absent; InvalidArgument naming it if malformed.
Result<std::optional<uint64_t>> DecimalParam(const Target& target, const std::string& name);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_QUERY_H_
