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
//   routes_consent.cc  /v1/consent/check (PersonalData::DecideConsent)
//   routes_admin.cc    POST /v1/admin/backup
//   routes_releases.cc /v1/releases...: published releases for evaluators
//   openapi_route.cc   GET /v1/openapi.json: docs/openapi.json, embedded at build time
#ifndef SERVER_SRC_API_H_
#define SERVER_SRC_API_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "auth.h"
#include "base/mutex.h"
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
  Mutex backup_mu = {};  // one backup at a time (routes_admin.cc)
  Mutex export_mu = {};  // one release export at a time (routes_releases.cc)
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
Reply HandleOpenApi(ApiContext& ctx, const ApiRequest& request, bool* handled);

// What a request may carry, decided from its header and the caller's role alone, before any of
// the body is read (docs/api.md, "Limits"): the connection layer answers a declared
// Content-Length over `max_body_bytes` with 413 at once, stops a chunked body there, and charges
// bodies over kFreeBodyBytes to the body memory budget (body_budget.h) by BodyCharge. The JSON
// parse of the body (ParseRequestJson) stops at `max_json_elements`.
//   - POST /v1/events, /v1/events/batch: the configured --max-body for roles that may append
//     (MayAppend); kSmallBodyBytes for the rest, whose small body still reaches the handler's 403.
//     A single event holds at most kMaxEventJsonElements JSON elements, a batch
//     kJsonElementsPerEvent for each of its max_batch_events events (at least
//     kMaxEventJsonElements).
//   - POST /v1/groups/<g>/ack, /v1/admin/backup, /v1/releases/<id>/export and every other
//     non-GET request: kSmallBodyBytes and kSmallJsonElements (they carry a few fields each).
//   - GET and HEAD: no body at all (0 bytes); no GET route reads one.
// Never above the configured max_body_bytes. `role` is the authenticated principal's ("" for
// none: GET /v1/health).
inline constexpr size_t kSmallBodyBytes = 4 << 10;
inline constexpr size_t kSmallJsonElements = 256;
inline constexpr size_t kMaxEventJsonElements = 4096;
// An event signed and wrapped for POST holds about 20 elements (the envelope, its data, key id,
// signature, disclosures); 64 leaves room for richer data while keeping a batch's parse bounded.
inline constexpr size_t kJsonElementsPerEvent = 64;
struct BodyLimits {
  size_t max_body_bytes = 0;
  size_t max_json_elements = kSmallJsonElements;
};
BodyLimits RouteBodyLimits(std::string_view method, std::string_view path, std::string_view role,
                           const ServerLimits& limits);
// RouteBodyLimits(...).max_body_bytes.
size_t MaxBodyBytes(std::string_view method, std::string_view path, std::string_view role,
                    const ServerLimits& limits);

// Bodies up to this size are never charged to the body memory budget, so that the small requests
// of ordinary clients never wait on it or see its 503; their parses are bounded by the worker
// threads that run them.
inline constexpr size_t kFreeBodyBytes = 64 << 10;
// A body over this is heavy work: its read and parse hold a core for tens of milliseconds. It is
// read only when one of the heavy request threads (ServerOptions::report_threads) can take it,
// at most that many at once (503 busy otherwise), and handled on that pool, below the workers.
// (Batches of a few hundred events, a few hundred KiB, stay with the workers: they are the fast
// path of bulk appends.)
inline constexpr size_t kHeavyBodyBytes = size_t{1} << 20;
// A parsed JSON element's worst heap cost in nlohmann::json: the 16-byte value in its array
// (twice over while the array grows), an empty object's std::map (48 bytes, a 64-byte chunk), or
// a key's tree node (about 96 bytes with its key), rounded up (libstdc++, glibc, 64-bit).
inline constexpr size_t kJsonBytesPerElement = 128;
// The memory a body of `body_bytes` may take while it is read, parsed and handled: its bytes
// twice (the body, and what the handler derives from it: canonical events, the response) and
// kJsonBytesPerElement for each element its parse may build (at most max_json_elements, and
// never more than one per two bytes of text).
size_t BodyCharge(size_t body_bytes, const BodyLimits& route);

// Shared replies.
Reply MethodNotAllowed(std::string_view allow);
Reply Forbidden(std::string_view what);
Reply BadRequest(std::string_view code, std::string_view message);

// Every request body is parsed by this, the ledger's strict parser (ledger::ParseEventJson): it
// refuses, besides what the JSON grammar forbids, a key repeated in one object, nesting over 64
// levels, a NUL byte and over-long numbers. The error is InvalidArgument naming the position
// and the fault ("column 12: position: duplicate key"); answer it with MalformedJson.
// `max_elements` bounds the values of any kind (objects, arrays, strings, numbers, literals) it
// builds, so that a body's parse takes memory in proportion to what the route can use
// (RouteBodyLimits); over it, InvalidArgument "... more than N JSON elements".
Result<nlohmann::json> ParseRequestJson(std::string_view body,
                                        size_t max_elements = kSmallJsonElements);
// 400 malformed_json "the body is not valid JSON: <what ParseRequestJson said>".
Reply MalformedJson(const Status& parse_error);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_API_H_
