#include "base/decimal.h"

#include <limits>
#include <string>

#include "shown_byte.h"

namespace ledger {

Result<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("decimal: empty");
  uint64_t value = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("decimal: " + internal::ShownByte(c) + " at offset " +
                                     std::to_string(i) + " is not a digit");
    }
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return Status::InvalidArgument("decimal: above 18446744073709551615");
    }
    value = value * 10 + digit;
  }
  // Checked after the digits so that "0x10" is named for its 'x', "007" for its zero.
  if (text.size() > 1 && text[0] == '0') {
    return Status::InvalidArgument("decimal: leading zero");
  }
  return value;
}

}  // namespace ledger
