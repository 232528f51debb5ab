// Renderings of the compliance report: aligned text, canonical JSON, CSV.
#include "replay/compliance.h"
#include "report_format.h"
#include "report_header.h"

namespace ledger::replay {
namespace {

using internal::CsvRow;
using internal::DecimalText;
using internal::Join;
using internal::PercentText;
using internal::RatioJson;
using internal::TextTable;
using nlohmann::json;

int64_t N(uint64_t v) { return static_cast<int64_t>(v); }

json EventJson(const ComplianceEvent& e) {
  return {{"seq", e.seq},
          {"event_id", e.event_id},
          {"type", e.type},
          {"occurred_at", FormatInstantMicros(e.occurred_at_us)}};
}

std::vector<std::string> RelatedSeqs(const ComplianceException& x) {
  std::vector<std::string> out;
  for (size_t i = 1; i < x.events.size(); ++i) out.push_back(std::to_string(x.events[i].seq));
  return out;
}

// C3 as (name, num, den) rows, in report order.
struct DynamicsRow {
  const char* name;
  uint64_t num, den;
};
std::vector<DynamicsRow> DynamicsRows(const ConsentDynamics& d) {
  return {{"refusal_rate", d.refused, d.asked},
          {"withdrawal_rate", d.withdrawn, d.given},
          {"renewed_before_expiry", d.renewed_before_expiry, d.renewal_decided}};
}

}  // namespace

std::string ComplianceJson(const ComplianceReport& r) {
  json body = internal::ReportHeaderJson("compliance", r.projection_version, r.at, r.log);
  json checks = json::array();
  for (const ComplianceCheck& c : r.checks) {
    json exceptions = json::array();
    for (const ComplianceException& x : c.exceptions) {
      json events = json::array();
      for (const ComplianceEvent& e : x.events) events.push_back(EventJson(e));
      exceptions.push_back({{"stream", x.stream},
                            {"ref_id", x.ref_id},
                            {"reasons", x.reasons},
                            {"events", std::move(events)}});
    }
    checks.push_back({{"id", c.id},
                      {"title", c.title},
                      {"target", c.target},
                      {"checked", c.checked},
                      {"passed", c.passed},
                      {"share_passed", RatioJson(N(c.passed), c.checked)},
                      {"exceptions", std::move(exceptions)}});
  }
  body["checks"] = std::move(checks);
  const ConsentDynamics& d = r.consent;
  json dynamics = {{"asked", d.asked},
                   {"refused", d.refused},
                   {"given", d.given},
                   {"withdrawn", d.withdrawn},
                   {"ended", d.ended},
                   {"median_validity_days",
                    d.median_validity_days ? json(*d.median_validity_days) : json(nullptr)},
                   {"renewal_decided", d.renewal_decided},
                   {"renewed", d.renewed_before_expiry}};
  for (const DynamicsRow& row : DynamicsRows(d))
    dynamics[row.name] = RatioJson(N(row.num), row.den);
  body["consent_dynamics"] = std::move(dynamics);
  body["statute_disclosures"] = r.statute_disclosures;
  return internal::SealedReportJson(body);
}

std::string ComplianceText(const ComplianceReport& r, size_t max_exceptions_per_check) {
  std::string out = internal::ReportHeadline("Compliance", r.at, r.log);
  TextTable glance({"check", "what", "checked", "passed", "share", "target", "exceptions"});
  for (const ComplianceCheck& c : r.checks) {
    glance.AddRow({c.id, c.title, std::to_string(c.checked), std::to_string(c.passed),
                   PercentText(N(c.passed), c.checked), c.target,
                   std::to_string(c.exceptions.size())});
  }
  out += glance.Render();
  out += "\nExceptions, with the events that cause them (ledger read --id <event id>)\n";
  TextTable list(
      {"check", "seq", "event id", "stream", "type", "date", "id", "reasons", "related seq"});
  size_t not_shown = 0;
  for (const ComplianceCheck& c : r.checks) {
    for (size_t i = 0; i < c.exceptions.size(); ++i) {
      if (i >= max_exceptions_per_check) {
        not_shown += c.exceptions.size() - i;
        break;
      }
      const ComplianceException& x = c.exceptions[i];
      const ComplianceEvent& e = x.events.front();
      list.AddRow({c.id, std::to_string(e.seq), e.event_id, x.stream, e.type,
                   internal::LocalDate(r.at, e.occurred_at_us), x.ref_id, Join(x.reasons, ", "),
                   Join(RelatedSeqs(x), ", ")});
    }
  }
  out += list.Render();
  if (not_shown > 0) {
    out += "(" + std::to_string(not_shown) +
           " more, not shown here: `ledger compliance --format csv` lists every exception)\n";
  }
  const ConsentDynamics& d = r.consent;
  out += "\nConsent dynamics (C3)\n";
  TextTable c3({"measure", "count", "of", "share"});
  for (const DynamicsRow& row : DynamicsRows(d)) {
    c3.AddRow({row.name, std::to_string(row.num), std::to_string(row.den),
               PercentText(N(row.num), row.den)});
  }
  c3.AddRow({"median validity (days)",
             d.median_validity_days ? std::to_string(*d.median_validity_days) : "-",
             std::to_string(d.ended), ""});
  out += c3.Render();
  out += "\nDisclosures on a statute rather than a consent (not judged): " +
         std::to_string(r.statute_disclosures) + "\n";
  return out;
}

std::string ComplianceCsv(const ComplianceReport& r) {
  std::string out = CsvRow({"check", "stream", "ref_id", "reasons", "seq", "event_id", "event_type",
                            "occurred_at", "related_seqs"});
  for (const ComplianceCheck& c : r.checks) {
    for (const ComplianceException& x : c.exceptions) {
      const ComplianceEvent& e = x.events.front();
      out +=
          CsvRow({c.id, x.stream, x.ref_id, Join(x.reasons, ";"), std::to_string(e.seq), e.event_id,
                  e.type, FormatInstantMicros(e.occurred_at_us), Join(RelatedSeqs(x), ";")});
    }
  }
  return out;
}

std::string ComplianceSummaryCsv(const ComplianceReport& r) {
  std::string out = CsvRow({"measure", "num", "den", "value"});
  for (const ComplianceCheck& c : r.checks) {
    out += CsvRow({c.id, std::to_string(c.passed), std::to_string(c.checked),
                   DecimalText(N(c.passed), c.checked, 4)});
  }
  for (const DynamicsRow& row : DynamicsRows(r.consent)) {
    out += CsvRow({std::string("C3.") + row.name, std::to_string(row.num), std::to_string(row.den),
                   DecimalText(N(row.num), row.den, 4)});
  }
  const ConsentDynamics& d = r.consent;
  out += CsvRow({"C3.median_validity_days",
                 d.median_validity_days ? std::to_string(*d.median_validity_days) : "",
                 std::to_string(d.ended), ""});
  return out;
}

}  // namespace ledger::replay
