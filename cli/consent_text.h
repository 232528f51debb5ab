// The words people read for consent decisions: local times and the reason for an answer.
#ifndef LEDGER_CLI_CONSENT_TEXT_H_
#define LEDGER_CLI_CONSENT_TEXT_H_

#include <string>
#include <vector>

#include "ledger/consent.h"
#include "replay/report_time.h"

namespace ledger::cli {

// An instant as a local time in the zone: "2009-03-01 14:00 Europe/Oslo".
std::string Local(int64_t us, const replay::ReportZone& zone);
std::string Join(const std::vector<std::string>& v);
// "consent con-1 withdrawn, effective 2009-03-01 00:00 Europe/Oslo", "allowed by con-1", ...
std::string Reason(const ConsentDecision& d, const replay::ReportZone& zone);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_CONSENT_TEXT_H_
