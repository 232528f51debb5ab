// Reads: /v1/entries, /v1/entries/<seq>, /v1/entries/<seq>/personal, /v1/events/<id>,
// /v1/streams/<stream>, /v1/head, /v1/keys.
#include <nlohmann/json.hpp>

#include "api.h"
#include "base/base64.h"
#include "entry_json.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "tlog/base64.h"

namespace ledger::server::internal {
namespace {

constexpr uint64_t kDefaultLimit = 100;
constexpr uint64_t kMaxLimit = 1000;

Result<uint64_t> LimitParam(const Target& t) {
  LEDGER_ASSIGN_OR_RETURN(auto limit, DecimalParam(t, "limit"));
  if (!limit) return kDefaultLimit;
  if (*limit == 0 || *limit > kMaxLimit) {
    return Status::InvalidArgument("limit must be 1 to " + std::to_string(kMaxLimit));
  }
  return *limit;
}

Result<std::string> StreamOf(const Entry& e) {
  LEDGER_ASSIGN_OR_RETURN(EventSummary s, SummarizeEvent(e.event));
  return s.stream;
}

// The entry as JSON if the caller may see it.
Reply EntryReply(ApiContext& ctx, const ApiRequest& req, const Result<Entry>& entry) {
  if (!entry.ok()) return ErrorFor(entry.status());
  auto stream = StreamOf(*entry);
  if (!stream.ok()) return ErrorFor(stream.status());
  if (!StreamVisible(req.principal, *stream, ctx.offices)) {
    return Forbidden("entry " + std::to_string(entry->seq) + " is outside the token's scope");
  }
  auto json = EntryJson(*entry);
  if (!json.ok()) return ErrorFor(json.status());
  return JsonReply(200, std::move(json).value());
}

// {"entries": [...], "next": <position to continue from>}
Reply EntryList(ApiContext& ctx, const ApiRequest& req, const std::vector<Entry>& entries,
                const std::string& next_name, uint64_t next) {
  std::string out = "{\"entries\":[";
  bool first = true;
  for (const Entry& e : entries) {
    auto stream = StreamOf(e);
    if (!stream.ok()) return ErrorFor(stream.status());
    if (!StreamVisible(req.principal, *stream, ctx.offices)) continue;
    auto json = EntryJson(e);
    if (!json.ok()) return ErrorFor(json.status());
    if (!first) out += ",";
    first = false;
    out += *json;
  }
  out += "],\"" + next_name + "\":" + std::to_string(next) + "}";
  return JsonReply(200, std::move(out));
}

Reply ListEntries(ApiContext& ctx, const ApiRequest& req) {
  auto from = DecimalParam(req.target, "from");
  if (!from.ok()) return ErrorFor(from.status());
  auto limit = LimitParam(req.target);
  if (!limit.ok()) return ErrorFor(limit.status());
  const uint64_t start = from->value_or(0);
  std::vector<Entry> entries;
  uint64_t next = start;
  auto it = ctx.ledger.log().Scan(start);
  for (; it->Valid() && entries.size() < *limit; it->Next()) {
    entries.push_back(it->entry());
    next = it->entry().seq + 1;
  }
  if (!it->status().ok()) return ErrorFor(it->status());
  return EntryList(ctx, req, entries, "next", next);
}

Reply Personal(ApiContext& ctx, const ApiRequest& req, uint64_t seq) {
  if (!MayReadPersonal(req.principal)) {
    return Forbidden("role " + req.principal.role + " may not read personal values");
  }
  auto entry = ctx.ledger.log().ReadSeq(seq);
  if (!entry.ok()) return ErrorFor(entry.status());
  auto stream = StreamOf(*entry);
  if (!stream.ok()) return ErrorFor(stream.status());
  if (!StreamVisible(req.principal, *stream, ctx.offices)) {
    return Forbidden("entry " + std::to_string(seq) + " is outside the token's scope");
  }
  // The ledger checks again that this key may read them (role, scope), and opens the vault.
  auto personal = ctx.ledger.privacy().ReadPersonal(seq, req.principal.key_id);
  if (!personal.ok()) return ErrorFor(personal.status());
  // Logged, durably, before anything is returned.
  Status logged =
      ctx.access_log.Append({req.principal.token_id, req.principal.key_id_hex, req.principal.role,
                             "read_personal", "seq:" + std::to_string(seq)},
                            NowMicros());
  if (!logged.ok()) {
    if (ctx.log) ctx.log("access log: " + logged.ToString());
    return ErrorReply(503, "access_log_unavailable",
                      "personal values cannot be read while the access log cannot be written");
  }
  nlohmann::ordered_json j;
  j["seq"] = seq;
  switch (personal->state) {
    case PersonalValues::State::kNone:
      j["state"] = "none";
      break;
    case PersonalValues::State::kPresent:
      j["state"] = "present";
      break;
    case PersonalValues::State::kErased:
      j["state"] = "erased";
      break;
  }
  j["values"] = nlohmann::ordered_json::array();
  for (const auto& d : personal->values) {
    nlohmann::ordered_json v;
    v["field"] = d.field;
    v["value"] = d.value;
    v["salt"] = Base64Encode(d.salt);
    j["values"].push_back(std::move(v));
  }
  return JsonReply(200, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Reply Head(ApiContext& ctx) {
  TreeHead head = ctx.ledger.audit().Head();
  nlohmann::ordered_json j;
  j["size"] = head.size;
  j["root"] = tlog::HashToBase64(head.root);
  return JsonReply(200, j.dump());
}

Reply Keys(ApiContext& ctx, const ApiRequest& req) {
  if (!MayAudit(req.principal) && req.principal.role != "admin") {
    return Forbidden("role " + req.principal.role + " may not list keys");
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const KeyInfo& k : ctx.ledger.log().Keys()) {
    nlohmann::ordered_json j;
    j["key_id"] = k.key_id_hex;
    j["name"] = k.name;
    j["public_key"] = Base64Encode(k.public_key);
    j["role"] = k.role;
    j["scope"] = k.scope;
    j["registered_seq"] = k.registered_seq;
    j["revoked"] = k.revoked;
    if (k.revoked) j["revoked_seq"] = k.revoked_seq;
    list.push_back(std::move(j));
  }
  nlohmann::ordered_json out;
  out["keys"] = std::move(list);
  return JsonReply(200, out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

Reply HandleRead(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  const std::string& path = req.target.path;
  const bool ours = path == "/v1/entries" || path.starts_with("/v1/entries/") ||
                    path.starts_with("/v1/events/") || path.starts_with("/v1/streams/") ||
                    path == "/v1/head" || path == "/v1/keys";
  if (!ours || path == "/v1/events/batch") {
    *handled = false;
    return {};
  }
  if (req.method != "GET") return MethodNotAllowed("GET");
  if (path == "/v1/head") {
    if (Status may = CheckMayReadHead(req.principal); !may.ok()) return ErrorFor(may);
    return Head(ctx);
  }
  if (path == "/v1/keys") return Keys(ctx, req);
  if (path == "/v1/entries") return ListEntries(ctx, req);
  if (path.starts_with("/v1/entries/")) {
    std::string rest = path.substr(12);
    bool personal = false;
    if (rest.ends_with("/personal")) {
      rest.resize(rest.size() - 9);
      personal = true;
    }
    auto seq = ParseDecimal(rest);
    if (!seq.ok()) {
      return ErrorReply(400, "bad_path", "expected /v1/entries/<seq>, got " + path);
    }
    if (personal) return Personal(ctx, req, *seq);
    return EntryReply(ctx, req, ctx.ledger.log().ReadSeq(*seq));
  }
  if (path.starts_with("/v1/events/")) {
    return EntryReply(ctx, req, ctx.ledger.log().ReadId(path.substr(11)));
  }
  // /v1/streams/<stream>: the stream name may hold '/' (case/<subject>), encoded or not.
  const std::string stream = path.substr(12);
  if (stream.empty()) return ErrorReply(400, "bad_path", "expected /v1/streams/<stream>");
  if (!StreamVisible(req.principal, stream, ctx.offices)) {
    return Forbidden("stream " + stream + " is outside the token's scope");
  }
  auto from = DecimalParam(req.target, "from");
  if (!from.ok()) return ErrorFor(from.status());
  auto limit = LimitParam(req.target);
  if (!limit.ok()) return ErrorFor(limit.status());
  auto entries = ctx.ledger.log().ReadStream(stream, from->value_or(0), *limit);
  if (!entries.ok()) return ErrorFor(entries.status());
  const uint64_t next = entries->empty() ? from->value_or(0) : entries->back().version + 1;
  return EntryList(ctx, req, *entries, "next_version", next);
}

}  // namespace ledger::server::internal
