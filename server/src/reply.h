// What a handler answers, before it is bound to a connection, and the one mapping from a
// Status to an HTTP status and an error code (docs/api.md, "Errors").
//
// Every error body is {"error": {"code": "<snake_case>", "message": "<for people>"}}.
#ifndef SERVER_SRC_REPLY_H_
#define SERVER_SRC_REPLY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ledger::server::internal {

inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kTextType = "text/plain; charset=utf-8";

struct Reply {
  unsigned status = 200;
  std::string content_type = std::string(kJsonType);
  std::string body;
  // If set, the body is this file instead (sent as it is read: releases can be large).
  std::string file_path;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;      // end the connection after this response
  std::string error_code;  // set for errors: counted in the metrics
};

Reply JsonReply(unsigned status, std::string body);
Reply TextReply(unsigned status, std::string body, std::string_view content_type = kTextType);
Reply ErrorReply(unsigned status, std::string_view code, std::string_view message);

// not_found 404, invalid_argument 422, conflict 409, failed_precondition 409,
// permission_denied 403, unavailable 503; corruption and io_error 500 with a generic message
// (the details go to the operator's log through `log`).
unsigned HttpStatusFor(StatusCode code);
std::string_view ErrorCodeFor(StatusCode code);
Reply ErrorFor(const Status& status);

// {"code": ..., "message": ...} of a Status, as it appears inside per-event batch results.
std::string ErrorObjectJson(const Status& status);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_REPLY_H_
