// Rules for plain personal values (the ones that travel beside an event, never in it).
#ifndef LEDGER_SRC_PERSONAL_VALUES_H_
#define LEDGER_SRC_PERSONAL_VALUES_H_

#include <string_view>

#include "base/status.h"

namespace ledger::internal {

inline constexpr size_t kPersonalSaltBytes = 16;

// InvalidArgument naming "personal.<field>" when the field is unknown or the value malformed.
Status CheckPersonalValue(std::string_view field, std::string_view value);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_PERSONAL_VALUES_H_
