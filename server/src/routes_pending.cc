// The routing place for endpoints whose projections are being built elsewhere (issue 7 leaves
// them to their owners: replay/outcomes.h, replay/compliance.h, release export). Each answers 501 not_implemented with what it will do, after the same
// authentication and role check it will have, so that clients and the access rules can be
// written against it now. To wire one: replace its body with a call into the projection's
// public header (replay/...), keeping the role check; exports must also write an access-log
// record (ctx.access_log) before returning anything, as routes_read.cc does for personal values.
//
//   GET /v1/reports/outcomes                                          auditor, dpo, admin
//   GET /v1/reports/compliance                                        auditor, dpo, admin
//   GET /v1/releases/<release_id>/export                              evaluator (access-logged)
#include "api.h"

namespace ledger::server::internal {
namespace {

Reply NotYet(std::string_view what) {
  return ErrorReply(501, "not_implemented", std::string(what) + " is not available yet");
}

}  // namespace

Reply HandlePending(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  (void)ctx;
  const std::string& path = req.target.path;
  const Principal& p = req.principal;
  if (path == "/v1/reports/outcomes" || path == "/v1/reports/compliance") {
    if (req.method != "GET") return MethodNotAllowed("GET");
    if (!MayAudit(p)) return Forbidden("role " + p.role + " may not read this report");
    return NotYet(path.substr(12) + " report");
  }
  if (path.starts_with("/v1/releases/") && path.ends_with("/export")) {
    if (req.method != "GET") return MethodNotAllowed("GET");
    if (p.role != "evaluator" && p.role != "dpo") {
      return Forbidden("only evaluators (and the DPO) receive releases");
    }
    return NotYet("release export");
  }
  *handled = false;
  return {};
}

}  // namespace ledger::server::internal
