// The catalogue's JSON codes of the schema enums projections report ("work_full"), and the
// event type names ("case.opened"). Tables, not reflection: this runs on the hot path.
#ifndef REPLAY_SRC_ENUM_NAMES_H_
#define REPLAY_SRC_ENUM_NAMES_H_

#include <string_view>

#include "event.capnp.h"

namespace ledger::replay::internal {

std::string_view PurposeName(schema::Purpose v);
std::string_view DataCategoryName(schema::DataCategory v);
std::string_view PhaseName(schema::Phase v);
std::string_view ObservedStatusName(schema::ObservedStatus v);
std::string_view IncomeSourceName(schema::IncomeSource v);
std::string_view ActivityName(schema::Activity v);
std::string_view ExemptionGroundName(schema::ExemptionGround v);
std::string_view CloseReasonName(schema::CloseReason v);

// The same tables by index, for state restored from bytes: "" if out of range.
std::string_view PhaseNameAt(unsigned i);
std::string_view ObservedStatusNameAt(unsigned i);
std::string_view IncomeSourceNameAt(unsigned i);
std::string_view ActivityNameAt(unsigned i);
std::string_view ExemptionGroundNameAt(unsigned i);
std::string_view PurposeNameAt(unsigned i);
std::string_view CloseReasonNameAt(unsigned i);
std::string_view SexNameAt(unsigned i);
constexpr unsigned kPhaseCount = 4;
constexpr unsigned kObservedStatusCount = 8;
constexpr unsigned kIncomeSourceCount = 8;
constexpr unsigned kActivityCount = 5;
constexpr unsigned kExemptionGroundCount = 4;
constexpr unsigned kPurposeCount = 4;
constexpr unsigned kCloseReasonCount = 6;
constexpr unsigned kSexCount = 3;

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_ENUM_NAMES_H_
