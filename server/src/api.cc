#include "api.h"

#include <algorithm>

#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "tree_metrics.h"

namespace ledger::server::internal {

Reply MethodNotAllowed(std::string_view allow) {
  Reply r = ErrorReply(405, "method_not_allowed", "this endpoint takes " + std::string(allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

Reply Forbidden(std::string_view what) { return ErrorReply(403, "permission_denied", what); }

Reply BadRequest(std::string_view code, std::string_view message) {
  return ErrorReply(400, code, message);
}

Result<nlohmann::json> ParseRequestJson(std::string_view body, size_t max_elements) {
  return ParseEventJson(body, max_elements);
}

Reply MalformedJson(const Status& parse_error) {
  return BadRequest("malformed_json", "the body is not valid JSON: " + parse_error.message());
}

BodyLimits RouteBodyLimits(std::string_view method, std::string_view path, std::string_view role,
                           const ServerLimits& limits) {
  BodyLimits out;
  if (method == "GET" || method == "HEAD") {
    out.max_body_bytes = 0;
  } else if (method == "POST" && (path == "/v1/events" || path == "/v1/events/batch")) {
    Principal p;
    p.role = std::string(role);
    if (MayAppend(p)) {
      out.max_body_bytes = limits.max_body_bytes;
      out.max_json_elements =
          path == "/v1/events"
              ? kMaxEventJsonElements
              : std::max(kMaxEventJsonElements, limits.max_batch_events * kJsonElementsPerEvent);
    } else {
      out.max_body_bytes = kSmallBodyBytes;
    }
  } else {
    out.max_body_bytes = kSmallBodyBytes;
  }
  out.max_body_bytes = std::min(out.max_body_bytes, limits.max_body_bytes);
  return out;
}

size_t MaxBodyBytes(std::string_view method, std::string_view path, std::string_view role,
                    const ServerLimits& limits) {
  return RouteBodyLimits(method, path, role, limits).max_body_bytes;
}

size_t BodyCharge(size_t body_bytes, const BodyLimits& route) {
  const size_t elements = std::min(route.max_json_elements, body_bytes / 2 + 1);
  return 2 * body_bytes + elements * kJsonBytesPerElement;
}

Reply MetricsReply(ApiContext& ctx, const ApiRequest& request) {
  if (request.method != "GET") return MethodNotAllowed("GET");
  if (request.principal.role == "evaluator") return Forbidden("evaluators receive releases only");
  Metrics::Gauges g;
  g.log_size = ctx.hub.end();
  g.subscribers = ctx.hub.subscribers();
  g.max_subscriber_lag = ctx.hub.max_lag();
  g.delivery_rounds = ctx.hub.deliveries();
  const ErasurePurgeState purge = ctx.ledger.privacy().ErasurePurge();
  g.erasure_purges_pending = purge.pending;
  g.erasure_purge_failing = !purge.last_error.ok();
  auto tree = ReadTreeGauges(ctx.ledger, ctx.ledger.log().Size(), NowMicros());
  if (!tree.ok()) return ErrorFor(tree.status());
  std::string extra = ctx.options.extra_metrics ? ctx.options.extra_metrics() : std::string();
  return TextReply(200, ctx.metrics.Render(g) + RenderTreeGauges(*tree) + extra,
                   "text/plain; version=0.0.4; charset=utf-8");
}

Reply HandleApi(ApiContext& ctx, const ApiRequest& request) {
  if (request.target.path == "/v1/metrics") return MetricsReply(ctx, request);
  using Handler = Reply (*)(ApiContext&, const ApiRequest&, bool*);
  for (Handler h : {HandleAppend, HandleRead, HandleAudit, HandleReports, HandleConsent,
                    HandleAdmin, HandleReleases, HandleOpenApi}) {
    bool handled = true;
    Reply reply = h(ctx, request, &handled);
    if (handled) return reply;
  }
  return ErrorReply(404, "no_such_endpoint", "no endpoint " + request.target.path);
}

}  // namespace ledger::server::internal
