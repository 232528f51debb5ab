#include "ledger/policy.h"

#include <nlohmann/json.hpp>

#include "ledger/time_format.h"

namespace ledger {
namespace {

using json = nlohmann::json;

bool Matches(const std::vector<std::string>& list, std::string_view value) {
  if (list.empty()) return true;
  for (const auto& x : list) {
    if (x == value) return true;
  }
  return false;
}

Status Bad(const std::string& where, const std::string& why) {
  return Status::InvalidArgument("policy: " + where + ": " + why);
}

Result<std::string> GetString(const json& j, const std::string& key, const std::string& where,
                              bool required) {
  if (!j.contains(key)) {
    if (required) return Bad(where + "." + key, "missing");
    return std::string();
  }
  if (!j[key].is_string()) return Bad(where + "." + key, "must be a string");
  return j[key].get<std::string>();
}

Result<std::vector<std::string>> GetStrings(const json& j, const std::string& key,
                                            const std::string& where) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) return Bad(where + "." + key, "must be a list of strings");
  for (const auto& x : j[key]) {
    if (!x.is_string()) return Bad(where + "." + key, "must be a list of strings");
    out.push_back(x.get<std::string>());
  }
  return out;
}

Status CheckKeys(const json& j, const std::string& where,
                 std::initializer_list<const char*> known) {
  if (!j.is_object()) return Bad(where, "must be an object");
  for (const auto& [k, v] : j.items()) {
    bool ok = false;
    for (const char* n : known) ok = ok || k == n;
    if (!ok) return Bad(where + "." + k, "unknown field");
  }
  return Status::Ok();
}

}  // namespace

const ArchiveRule* LedgerPolicy::ArchiveRuleFor(std::string_view municipality,
                                                std::string_view programme,
                                                std::string_view intake_date) const {
  for (const ArchiveRule& r : archive) {
    if (!Matches(r.municipalities, municipality) || !Matches(r.programmes, programme)) continue;
    // Dates in YYYY-MM-DD compare as text.
    if (!r.intake_from.empty() && intake_date < std::string_view(r.intake_from)) continue;
    if (!r.intake_to.empty() && intake_date > std::string_view(r.intake_to)) continue;
    return &r;
  }
  return nullptr;
}

const RetentionRule* LedgerPolicy::FindRetentionRule(std::string_view name) const {
  for (const RetentionRule& r : retention) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Result<LedgerPolicy> PolicyFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("policy: not valid JSON");
  LEDGER_RETURN_IF_ERROR(CheckKeys(j, "policy", {"archive", "retention"}));
  LedgerPolicy p;
  if (j.contains("archive")) {
    if (!j["archive"].is_array()) return Bad("archive", "must be a list");
    for (size_t i = 0; i < j["archive"].size(); ++i) {
      const json& r = j["archive"][i];
      std::string where = "archive[" + std::to_string(i) + "]";
      LEDGER_RETURN_IF_ERROR(CheckKeys(
          r, where,
          {"name", "municipalities", "programmes", "intake_from", "intake_to", "ground"}));
      ArchiveRule rule;
      LEDGER_ASSIGN_OR_RETURN(rule.name, GetString(r, "name", where, true));
      LEDGER_ASSIGN_OR_RETURN(rule.ground, GetString(r, "ground", where, true));
      LEDGER_ASSIGN_OR_RETURN(rule.municipalities, GetStrings(r, "municipalities", where));
      LEDGER_ASSIGN_OR_RETURN(rule.programmes, GetStrings(r, "programmes", where));
      LEDGER_ASSIGN_OR_RETURN(rule.intake_from, GetString(r, "intake_from", where, false));
      LEDGER_ASSIGN_OR_RETURN(rule.intake_to, GetString(r, "intake_to", where, false));
      for (const auto* d : {&rule.intake_from, &rule.intake_to}) {
        if (!d->empty() && !ParseDate(*d).ok()) return Bad(where, "not a date: " + *d);
      }
      if (rule.name.empty()) return Bad(where + ".name", "empty");
      p.archive.push_back(std::move(rule));
    }
  }
  if (j.contains("retention")) {
    if (!j["retention"].is_array()) return Bad("retention", "must be a list");
    for (size_t i = 0; i < j["retention"].size(); ++i) {
      const json& r = j["retention"][i];
      std::string where = "retention[" + std::to_string(i) + "]";
      LEDGER_RETURN_IF_ERROR(CheckKeys(r, where, {"name", "months_after_closure"}));
      RetentionRule rule;
      LEDGER_ASSIGN_OR_RETURN(rule.name, GetString(r, "name", where, true));
      if (rule.name.empty()) return Bad(where + ".name", "empty");
      if (!r.contains("months_after_closure") || !r["months_after_closure"].is_number_unsigned() ||
          r["months_after_closure"].get<uint64_t>() > 1200) {
        return Bad(where + ".months_after_closure", "must be a whole number of months, 0 to 1200");
      }
      rule.months_after_closure = r["months_after_closure"].get<uint32_t>();
      if (p.FindRetentionRule(rule.name)) return Bad(where + ".name", "used twice: " + rule.name);
      p.retention.push_back(std::move(rule));
    }
  }
  return p;
}

std::string PolicyToJson(const LedgerPolicy& p) {
  json out = {{"archive", json::array()}, {"retention", json::array()}};
  for (const auto& r : p.archive) {
    json x = {{"name", r.name}, {"ground", r.ground}};
    if (!r.municipalities.empty()) x["municipalities"] = r.municipalities;
    if (!r.programmes.empty()) x["programmes"] = r.programmes;
    if (!r.intake_from.empty()) x["intake_from"] = r.intake_from;
    if (!r.intake_to.empty()) x["intake_to"] = r.intake_to;
    out["archive"].push_back(x);
  }
  for (const auto& r : p.retention) {
    out["retention"].push_back(
        {{"name", r.name}, {"months_after_closure", r.months_after_closure}});
  }
  return out.dump(2);
}

}  // namespace ledger
