#include "consent_text.h"

#include "ledger/time_format.h"

namespace ledger::cli {

// An instant as a local time in the zone: "2009-03-01 14:00 Europe/Oslo".
std::string Local(int64_t us, const replay::ReportZone& zone) {
  int offset = zone.OffsetMinutesAt(us);
  int64_t local = us + int64_t{offset} * 60 * 1000000;
  std::string text = FormatInstantMicros(local / 60000000 * 60000000);  // whole minutes
  return text.substr(0, 10) + " " + text.substr(11, 5) + " " + zone.name();
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

std::string Reason(const ConsentDecision& d, const replay::ReportZone& zone) {
  std::string id = d.consent_ids.empty() ? "" : d.consent_ids.front();
  switch (d.answer) {
    case ConsentAnswer::kAllowed:
      return "allowed by " + Join(d.consent_ids);
    case ConsentAnswer::kNoConsent:
      return "no consent given that covers it";
    case ConsentAnswer::kRefused:
      return "the participant refused consent " + id + " on " + Local(d.since_us, zone);
    case ConsentAnswer::kWithdrawn:
      return "consent " + id + " withdrawn, effective " + Local(d.since_us, zone);
    case ConsentAnswer::kRevoked:
      return "consent " + id + " revoked on " + Local(d.since_us, zone);
    case ConsentAnswer::kInvalidated:
      return "consent " + id + " invalidated on " + Local(d.since_us, zone);
    case ConsentAnswer::kReplaced:
      return "consent " + id + " replaced by " + d.replaced_by + " on " + Local(d.since_us, zone) +
             ", which does not cover it";
    case ConsentAnswer::kExpired:
      return "consent " + id + " expired on " + Local(d.since_us, zone);
    case ConsentAnswer::kRecipientNotCovered:
      return "no consent in force names the recipient";
    case ConsentAnswer::kPurposeNotCovered:
      return "no consent in force covers the purpose for "
             "this recipient";
    case ConsentAnswer::kCategoryNotCovered:
      return "consent " + id + " does not cover " + Join(d.missing);
    case ConsentAnswer::kRestricted:
      return "processing for the purpose is restricted since " + Local(d.since_us, zone);
    case ConsentAnswer::kErased:
      return "the subject was erased";
  }
  return "";
}

}  // namespace ledger::cli
