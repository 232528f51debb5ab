// The caseload projection's state (private to caseload.cc and caseload_report.cc).
//
// Dates are days since 1970-01-01; enums are the schema's ordinals (-1: none). A "latest" fact
// (open or closed, phase, income, restriction) is replaced only by an event with a greater
// Key = (occurred_at, seq), so a late entry whose business time is earlier does not override a
// newer fact, whatever order the log holds them in.
#ifndef REPLAY_SRC_CASELOAD_STATE_H_
#define REPLAY_SRC_CASELOAD_STATE_H_

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event_key.h"
#include "replay/caseload.h"
#include "replay/consent.h"

namespace ledger::replay {

struct CaseloadTask {
  std::string task_id;
  int32_t due = 0;
  int8_t status = -1;  // schema::TaskStatus ordinal; -1: not reviewed
  EventKey reviewed;
};

struct CaseloadAgreementState {
  std::string agreement_id;
  int32_t start = 0, end = 0;
  bool extension_reason = false;
  std::vector<CaseloadTask> tasks;
};

struct CaseloadSanctionState {
  std::string sanction_id;
  int32_t from = 0, to = 0;
  bool appeal_pending = false;
  uint8_t reduction_kind = 0;  // 0: none given, 1: NOK, 2: percent
  uint32_t reduction = 0;
};

struct CaseloadConditionState {
  std::string condition_id;
  uint8_t activity = 0;
  int32_t start = 0, end = 0;
  uint32_t hours_per_week = 0;
};

struct CaseloadExemptionState {
  std::string exemption_id;
  uint8_t ground = 0;
  int32_t review_date = 0;
};

struct CaseloadCaseState {
  bool opened = false;  // case.opened applied
  std::string office;
  std::string municipality;
  int32_t intake_date = 0;
  bool open = false;
  EventKey open_key;
  bool shredded = false;
  int8_t phase = -1;
  EventKey phase_key;
  std::vector<CategoryAssignment> categories;
  int8_t status = -1;
  int32_t status_as_of = 0;
  int8_t income = -1;
  int32_t income_as_of = 0;
  EventKey income_key;
  std::vector<ConsentFacts> consents;
  std::vector<CaseloadAgreementState> agreements;  // signed, not closed
  std::vector<CaseloadSanctionState> sanctions;    // imposed, neither lifted nor annulled
  std::vector<CaseloadConditionState> conditions;
  std::vector<CaseloadExemptionState> exemptions;
  uint8_t restricted = 0;  // bit i: purpose i restricted
  std::array<EventKey, 4> restriction_keys{};
};

struct CaseloadProjection::State {
  std::unordered_map<std::string, CaseloadCaseState, SubjectHash, std::equal_to<>> cases;
};

}  // namespace ledger::replay

#endif  // REPLAY_SRC_CASELOAD_STATE_H_
