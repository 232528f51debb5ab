// The ledger-wide privacy policy (docs/privacy.md, "Retention"): which cases the archive duty
// keeps (erasure of them is refused, and the refusal is recorded with the rule's ground), and
// after how long time-limited case data may be shredded. Stored in the ledger and changed only
// by an admin; its JSON form is what `ledger policy show|set` reads and writes.
#ifndef LEDGER_POLICY_H_
#define LEDGER_POLICY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ledger {

// Cases that must be archived. A case matches when every given criterion matches (an empty
// list or date matches everything).
struct ArchiveRule {
  std::string name;                         // e.g. "municipal-archive-sample"
  std::vector<std::string> municipalities;  // case.opened municipality
  std::vector<std::string> programmes;      // case.opened programme
  std::string intake_from, intake_to;       // YYYY-MM-DD, inclusive
  std::string ground;                       // legal code recorded on refusal, e.g. NO:arkivl§6
  bool operator==(const ArchiveRule&) const = default;
};

// Case data that may be shredded once the case has been closed this long.
struct RetentionRule {
  std::string name;  // recorded in subject.shredded as retention_rule
  uint32_t months_after_closure = 0;
  bool operator==(const RetentionRule&) const = default;
};

struct LedgerPolicy {
  std::vector<ArchiveRule> archive;
  std::vector<RetentionRule> retention;
  bool operator==(const LedgerPolicy&) const = default;

  const ArchiveRule* ArchiveRuleFor(std::string_view municipality, std::string_view programme,
                                    std::string_view intake_date) const;
  const RetentionRule* FindRetentionRule(std::string_view name) const;
};

// {"archive":[{"name":..,"municipalities":[..],"programmes":[..],"intake_from":..,
//  "intake_to":..,"ground":..}],"retention":[{"name":..,"months_after_closure":N}]}
// InvalidArgument names the field that is wrong.
Result<LedgerPolicy> PolicyFromJson(std::string_view json);
std::string PolicyToJson(const LedgerPolicy& policy);

}  // namespace ledger

#endif  // LEDGER_POLICY_H_
