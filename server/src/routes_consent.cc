// GET /v1/consent/check?subject=S&recipient=R&categories=a,b&purpose=P[&at=<RFC 3339>]:
// "may R receive D about S for purpose P at T?", answered from the ledger's kept consent state
// (ledger/consent.h, PersonalData::DecideConsent). T defaults to now.
#include <nlohmann/json.hpp>

#include "api.h"
#include "ledger/consent.h"
#include "ledger/time_format.h"

namespace ledger::server::internal {
namespace {

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Reply Check(ApiContext& ctx, const ApiRequest& req) {
  const Principal& p = req.principal;
  if (p.role != "caseworker" && p.role != "service" && p.role != "dpo") {
    return Forbidden("role " + p.role + " may not check consent");
  }
  ConsentQuestion q;
  q.at_us = NowMicros();
  bool have_subject = false, have_recipient = false, have_purpose = false, have_categories = false;
  for (const auto& [name, value] : req.target.params) {
    if (name == "subject") {
      q.subject = value;
      have_subject = true;
    } else if (name == "recipient") {
      q.recipient = value;
      have_recipient = true;
    } else if (name == "purpose") {
      q.purpose = value;
      have_purpose = true;
    } else if (name == "categories") {
      q.data_categories = Split(value);
      have_categories = !q.data_categories.empty();
    } else if (name == "at") {
      auto at = ParseInstantMicros(value);
      if (!at.ok()) return ErrorReply(422, "invalid_argument", "at: " + at.status().message());
      q.at_us = *at;
    } else {
      return ErrorReply(422, "invalid_argument", "unknown parameter \"" + name + "\"");
    }
  }
  if (!have_subject || !have_recipient || !have_purpose || !have_categories) {
    return ErrorReply(422, "invalid_argument",
                      "subject, recipient, purpose and categories are required");
  }
  if (!StreamVisible(p, "case/" + q.subject, ctx.offices)) {
    return Forbidden("the subject's case is outside the token's scope");
  }
  auto decision = ctx.ledger.privacy().DecideConsent(q);
  if (!decision.ok()) return ErrorFor(decision.status());
  nlohmann::ordered_json j;
  j["allowed"] = decision->allowed();
  j["answer"] = ConsentAnswerName(decision->answer);
  j["consent_ids"] = decision->consent_ids;
  if (decision->since_us != 0) j["since"] = FormatInstantMicros(decision->since_us);
  if (!decision->replaced_by.empty()) j["replaced_by"] = decision->replaced_by;
  if (!decision->missing.empty()) j["missing"] = decision->missing;
  j["at"] = FormatInstantMicros(q.at_us);
  return JsonReply(200, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

Reply HandleConsent(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  if (req.target.path != "/v1/consent/check") {
    *handled = false;
    return {};
  }
  if (req.method != "GET") return MethodNotAllowed("GET");
  return Check(ctx, req);
}

}  // namespace ledger::server::internal
