// Which role may append which event type, and what a key's scope lets it touch
// (../shared/spec/events.md, "Roles"; docs/architecture.md).
#ifndef LEDGER_SRC_ACCESS_POLICY_H_
#define LEDGER_SRC_ACCESS_POLICY_H_

#include <string>
#include <string_view>
#include <vector>

namespace ledger::internal {

// admin: key.*; caseworker and service: case events except the data protection officer's
// decisions; dpo: erasure decisions, shredding, restriction and research releases (and an
// erasure request); auditor, evaluator, subscriber: nothing.
bool RoleMayAppend(std::string_view role, std::string_view type);

// An empty scope allows every stream the role allows. Otherwise one entry must match:
// "office:<id>" matches a case stream whose case.opened named that office; an entry ending in
// "/" is a stream prefix ("case/"); any other entry names one stream exactly ("releases").
bool ScopeAllows(const std::vector<std::string>& scope, std::string_view stream,
                 std::string_view office);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_ACCESS_POLICY_H_
