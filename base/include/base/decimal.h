// Unsigned decimal numbers as the c2sp.org text formats and the query strings of the HTTP API
// write them: the one parser for every module.
#ifndef BASE_DECIMAL_H_
#define BASE_DECIMAL_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace ledger {

// An ASCII decimal with no sign, no white space and no leading zeros ("0" itself is allowed)
// that fits a uint64, so that every number has exactly one accepted text. InvalidArgument
// otherwise, naming what is wrong: empty, a leading zero, the offset of the first byte that is
// not a digit, or a value above 18446744073709551615. The message does not repeat the text.
Result<uint64_t> ParseDecimal(std::string_view text);

}  // namespace ledger

#endif  // BASE_DECIMAL_H_
