// POST /v1/events and POST /v1/events/batch.
#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "api.h"
#include "ledger/time_format.h"
#include "signed_event_json.h"

namespace ledger::server::internal {
namespace {

std::string ResultJson(const AppendResult& r) {
  return "\"seq\":" + std::to_string(r.seq) + ",\"version\":" + std::to_string(r.version) +
         ",\"recorded_at\":\"" + FormatInstantMicros(r.recorded_at_us) +
         "\",\"duplicate\":" + (r.duplicate ? "true" : "false");
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Reply AppendOne(ApiContext& ctx, const ApiRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  auto body = ParseRequestJson(
      req.body, RouteBodyLimits(req.method, req.target.path, req.principal.role, ctx.limits)
                    .max_json_elements);
  if (!body.ok()) return MalformedJson(body.status());
  auto event = SignedEventFromJson(*body);
  Status refused = event.status();
  if (event.ok()) refused = CheckSigner(*event, req.principal);
  if (!refused.ok()) {
    ctx.metrics.AppendDone(0, 1, SecondsSince(start));
    return ErrorFor(refused);
  }
  auto result = ctx.ledger.log().Append(*event);
  if (!result.ok()) {
    ctx.metrics.AppendDone(0, 1, SecondsSince(start));
    return ErrorFor(result.status());
  }
  ctx.hub.NotifyDurable(result->seq + 1);
  ctx.metrics.AppendDone(1, 0, SecondsSince(start));
  return JsonReply(result->duplicate ? 200 : 201, "{" + ResultJson(*result) + "}");
}

Reply AppendBatch(ApiContext& ctx, const ApiRequest& req) {
  const auto start = std::chrono::steady_clock::now();
  auto body = ParseRequestJson(
      req.body, RouteBodyLimits(req.method, req.target.path, req.principal.role, ctx.limits)
                    .max_json_elements);
  if (!body.ok()) return MalformedJson(body.status());
  const nlohmann::json& j = *body;
  if (!j.is_object() || !j.contains("events") || !j["events"].is_array()) {
    return ErrorReply(422, "invalid_argument",
                      "the body must be {\"events\": [...], \"atomic\": bool}");
  }
  for (const auto& [name, value] : j.items()) {
    if (name != "events" && name != "atomic") {
      return ErrorReply(422, "invalid_argument", "unknown field \"" + name + "\"");
    }
  }
  if (j.contains("atomic") && !j["atomic"].is_boolean()) {
    return ErrorReply(422, "invalid_argument", "atomic: must be true or false");
  }
  const bool atomic = j.value("atomic", false);
  const auto& list = j["events"];
  if (list.empty()) return ErrorReply(422, "invalid_argument", "events: empty batch");
  if (list.size() > ctx.limits.max_batch_events) {
    return ErrorReply(413, "batch_too_large",
                      "a batch holds at most " + std::to_string(ctx.limits.max_batch_events) +
                          " events, this one " + std::to_string(list.size()));
  }
  // Decode everything first; refusals here are per event (or the whole batch if atomic).
  std::vector<SignedEvent> events;
  std::vector<size_t> index;  // events[k] is list[index[k]]
  std::vector<Status> early(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    auto e = SignedEventFromJson(list[i]);
    Status s = e.status();
    if (e.ok()) s = CheckSigner(*e, req.principal);
    if (!s.ok()) {
      const Status named = s.WithContext("events[" + std::to_string(i) + "]");
      if (atomic) {
        ctx.metrics.AppendDone(0, list.size(), SecondsSince(start));
        return ErrorFor(named);
      }
      early[i] = named;
      continue;
    }
    events.push_back(std::move(e).value());
    index.push_back(i);
  }
  std::string out = "{\"atomic\":" + std::string(atomic ? "true" : "false") + ",\"results\":[";
  uint64_t appended = 0, refused = 0;
  if (atomic) {
    auto results = ctx.ledger.log().AppendAtomic(events);
    if (!results.ok()) {
      ctx.metrics.AppendDone(0, list.size(), SecondsSince(start));
      return ErrorFor(results.status());
    }
    uint64_t durable = 0;
    for (size_t k = 0; k < results->size(); ++k) {
      if (k) out += ",";
      out += "{\"index\":" + std::to_string(k) + ",\"ok\":true," + ResultJson((*results)[k]) + "}";
      durable = std::max(durable, (*results)[k].seq + 1);
    }
    ctx.hub.NotifyDurable(durable);
    appended = results->size();
  } else {
    std::vector<Result<AppendResult>> results;
    if (!events.empty()) results = ctx.ledger.log().AppendEach(events);
    uint64_t durable = 0;
    std::vector<const Result<AppendResult>*> by_index(list.size(), nullptr);
    for (size_t k = 0; k < results.size(); ++k) by_index[index[k]] = &results[k];
    for (size_t i = 0; i < list.size(); ++i) {
      if (i) out += ",";
      out += "{\"index\":" + std::to_string(i);
      const Result<AppendResult>* r = by_index[i];
      if (r != nullptr && r->ok()) {
        out += ",\"ok\":true," + ResultJson(r->value()) + "}";
        durable = std::max(durable, r->value().seq + 1);
        ++appended;
      } else {
        const Status& s = r != nullptr ? r->status() : early[i];
        out += ",\"ok\":false,\"error\":" + ErrorObjectJson(s) + "}";
        ++refused;
      }
    }
    if (durable > 0) ctx.hub.NotifyDurable(durable);
  }
  out += "],\"appended\":" + std::to_string(appended) + ",\"refused\":" + std::to_string(refused) +
         "}";
  ctx.metrics.AppendDone(appended, refused, SecondsSince(start));
  return JsonReply(200, std::move(out));
}

}  // namespace

Reply HandleAppend(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  const std::string& path = req.target.path;
  if (path != "/v1/events" && path != "/v1/events/batch") {
    *handled = false;
    return {};
  }
  if (req.method != "POST") return MethodNotAllowed("POST");
  if (!MayAppend(req.principal)) {
    return Forbidden("role " + req.principal.role + " may not append");
  }
  return path == "/v1/events" ? AppendOne(ctx, req) : AppendBatch(ctx, req);
}

}  // namespace ledger::server::internal
