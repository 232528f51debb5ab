// The case rules (events.md, "What is refused"; docs/privacy.md, "Case rules"): what a case
// event may do given its stream's state. Shared by the writer, which refuses, and the verifier,
// which reports the first entry that broke one. Every refusal is FailedPrecondition and its
// message starts with "rule <name>:" and names the referenced id.
#ifndef LEDGER_SRC_CASE_RULES_H_
#define LEDGER_SRC_CASE_RULES_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "case_facts.h"
#include "case_state.h"
#include "ledger/policy.h"

namespace ledger::internal {

struct CaseRulesConfig {
  uint32_t max_agreement_problems = 3;  // fixed when the ledger is created
  // False only to measure their cost (LedgerOptions::check_case_rules): neither the rules nor
  // the case state are kept up.
  bool enforce = true;
};

// Rules the log itself proves: references, states, limits. `stream` is for messages.
Status CheckCaseEvent(const CaseFacts& f, std::string_view stream, int64_t occurred_at_us,
                      const CaseState& state, const CaseRulesConfig& config);

// Rules of the ledger's policy as it stands now (archive duty, retention periods): checked by
// the writer only, since the policy may change after an event was accepted.
Status CheckCasePolicy(const CaseFacts& f, std::string_view stream, int64_t occurred_at_us,
                       const CaseState& state, const LedgerPolicy& policy);

// The state after the event. REQUIRES: CheckCaseEvent passed. `seq` orders renewals.
void ApplyCaseEvent(const CaseFacts& f, int64_t occurred_at_us, uint64_t seq, CaseState* state);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CASE_RULES_H_
