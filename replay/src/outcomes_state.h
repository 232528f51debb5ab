// The outcomes projection's state (private to outcomes*.cc).
//
// Per case stream, only what the indicators read. Dates are days since 1970-01-01, months are
// MonthNumber (event_fields.h), enums the schema's ordinals. The lists are kept sorted by their
// date (insertion from the back: events mostly come in date order), so that a report finds the
// observation in force at a date by bisection.
#ifndef REPLAY_SRC_OUTCOMES_STATE_H_
#define REPLAY_SRC_OUTCOMES_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "event_key.h"
#include "replay/outcomes.h"

namespace ledger::replay {

// The payments of one month (data.month), summed. Paid (indicators.md) when grant + loan > 0.
struct OutcomeMonth {
  int32_t month = 0;
  uint64_t grant_nok = 0;
  uint64_t loan_nok = 0;
  uint32_t payments = 0;
};

// The status that counts for one as_of day: several on a day resolve by the catalogue's order
// work_full > ... > other, which is the enumerant order, so the smallest ordinal wins.
struct OutcomeStatus {
  int32_t day = 0;
  uint8_t status = 0;
};

// The income that counts for one as_of day: the latest event by (occurred_at, seq).
struct OutcomeIncome {
  int32_t day = 0;
  EventKey key;
  uint8_t source = 0;
};

// The days of one `condition.set` (start and end both included).
struct OutcomeCondition {
  int32_t start = 0;
  int32_t end = 0;
};

struct OutcomeCaseState {
  bool opened = false;  // case.opened applied
  int32_t intake = 0;
  uint8_t age = 0;
  uint8_t sex = 0;  // schema::Sex ordinal
  std::string municipality;
  // occurred_at of subject.shredded: follow-up ends on its date. The case keeps its codes,
  // dates and amounts (the log never held personal values), as the follow-up end needs.
  std::optional<int64_t> shredded_at_us;
  std::vector<CategoryAssignment> categories;  // log order
  std::vector<OutcomeMonth> months;            // ascending month
  std::vector<OutcomeStatus> statuses;         // ascending day, one per day
  std::vector<OutcomeIncome> incomes;          // ascending day, one per day
  std::vector<OutcomeCondition> conditions;    // log order
};

struct OutcomesProjection::State {
  std::unordered_map<std::string, OutcomeCaseState, SubjectHash, std::equal_to<>> cases;
};

}  // namespace ledger::replay

#endif  // REPLAY_SRC_OUTCOMES_STATE_H_
