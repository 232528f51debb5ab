#include "reply.h"

#include <nlohmann/json.hpp>

namespace ledger::server::internal {
namespace {

bool Internal(StatusCode code) {
  return code == StatusCode::kCorruption || code == StatusCode::kIOError || code == StatusCode::kOk;
}

std::string PublicMessage(const Status& status) {
  // Paths and errno texts are for the operator, not the client.
  return Internal(status.code()) ? "the ledger could not complete the request" : status.message();
}

}  // namespace

Reply JsonReply(unsigned status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  if (r.body.empty() || r.body.back() != '\n') r.body.push_back('\n');
  return r;
}

Reply TextReply(unsigned status, std::string body, std::string_view content_type) {
  Reply r;
  r.status = status;
  r.content_type = std::string(content_type);
  r.body = std::move(body);
  return r;
}

Reply ErrorReply(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::ordered_json j;
  j["error"]["code"] = code;
  j["error"]["message"] = message;
  // Messages may quote the client's bytes: never throw on invalid UTF-8.
  Reply r = JsonReply(status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  r.error_code = std::string(code);
  return r;
}

unsigned HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kInvalidArgument:
      return 422;
    case StatusCode::kConflict:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
      return 500;
  }
  return 500;
}

std::string_view ErrorCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIOError:
      return "io_error";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kUnavailable:
      return "unavailable";
  }
  return "internal";
}

Reply ErrorFor(const Status& status) {
  return ErrorReply(HttpStatusFor(status.code()), ErrorCodeFor(status.code()),
                    PublicMessage(status));
}

std::string ErrorObjectJson(const Status& status) {
  nlohmann::ordered_json j;
  j["code"] = ErrorCodeFor(status.code());
  j["message"] = PublicMessage(status);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ledger::server::internal
