// The HTTP/JSON API's request handlers (docs/api.md). Each handler is synchronous and runs on a
// worker thread, a heavy one on a report thread (report_pool.h, run_api.cc) (it may block on
// RocksDB or wait for an append's synced group commit); the
// connection code (http_session.h) authenticates, applies limits and handles subscriptions
// before calling HandleApi.
//
// Routing: api.cc dispatches on the path to the handlers of one area each:
//   routes_append.cc   POST /v1/events, POST /v1/events/batch
//   routes_read.cc     /v1/entries..., /v1/events/<id>, /v1/streams/<stream>, /v1/head, /v1/keys
//   routes_audit.cc    /checkpoint, /tile/..., /v1/proof/...   (c2sp.org, for auditors)
//   routes_reports.cc  /v1/reports/caseload, /v1/reports/outcomes, /v1/reports/compliance,
//                      /v1/groups/...
//   routes_consent.cc  /v1/consent/check (Ledger::DecideConsent)
//   routes_admin.cc    POST /v1/admin/backup
//   routes_releases.cc /v1/releases...: published releases for evaluators
#ifndef SERVER_SRC_API_H_
#define SERVER_SRC_API_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <mutex>
#include <string>
#include <string_view>

#include "auth.h"
#include "groups.h"
#include "hub.h"
#include "ledger/ledger.h"
#include "metrics.h"
#include "query.h"
#include "reply.h"
#include "server/access_log.h"
#include "server/server.h"

namespace ledger::server::internal {

struct ApiContext {
  Ledger& ledger;
  Hub& hub;
  Metrics& metrics;
  OfficeIndex& offices;
  GroupStore& groups;
  AccessLog& access_log;
  const ServerOptions& options;  // data_dir, backup_dir, releases_dir
  const ServerLimits& limits;
  std::function<void(std::string_view)> log;
  std::mutex backup_mu = {};  // one backup at a time (routes_admin.cc)
  std::mutex export_mu = {};  // one release export at a time (routes_releases.cc)
};

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  Target target;
  std::string body;
  Principal principal;
};

Reply HandleApi(ApiContext& ctx, const ApiRequest& request);

// One area each (see above). They return nullopt-like "not mine" by setting *handled = false.
Reply HandleAppend(ApiContext& ctx, const ApiRequest& request, bool* handled);
Reply HandleRead(ApiContext& ctx, const ApiRequest& request, bool* handled);
Reply HandleAudit(ApiContext& ctx, const ApiRequest& request, bool* handled);
Reply HandleReports(ApiContext& ctx, const ApiRequest& request, bool* handled);
Reply HandleConsent(ApiContext& ctx, const ApiRequest& request, bool* handled);
Reply HandleAdmin(ApiContext& ctx, const ApiRequest& request, bool* handled);
Reply HandleReleases(ApiContext& ctx, const ApiRequest& request, bool* handled);

// The largest body `method` `path` takes (docs/api.md, "Errors", body_too_large): for the
// connection layer to check the declared Content-Length against before the body is read. Small
// JSON bodies (a group ack, a backup, a release export) 4 KiB; appends and everything else the
// configured --max-body (limits.max_body_bytes).
inline constexpr size_t kSmallBodyBytes = 4 << 10;
size_t MaxBodyBytes(std::string_view method, std::string_view path, const ServerLimits& limits);

// Shared replies.
Reply MethodNotAllowed(std::string_view allow);
Reply Forbidden(std::string_view what);
Reply BadRequest(std::string_view code, std::string_view message);

// Every request body is parsed by this, the ledger's strict parser (ledger::ParseEventJson): it
// refuses, besides what the JSON grammar forbids, a key repeated in one object, nesting over 64
// levels, a NUL byte and over-long numbers. The error is InvalidArgument naming the position
// and the fault ("column 12: position: duplicate key"); answer it with MalformedJson.
Result<nlohmann::json> ParseRequestJson(std::string_view body);
// 400 malformed_json "the body is not valid JSON: <what ParseRequestJson said>".
Reply MalformedJson(const Status& parse_error);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_API_H_
