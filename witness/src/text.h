// Lexical rules shared by the witness's text formats (wire and state file).
#ifndef WITNESS_SRC_TEXT_H_
#define WITNESS_SRC_TEXT_H_

#include <cstdint>
#include <string_view>

namespace witness::internal {

// An ASCII decimal with no sign and no leading zeros ("0" itself allowed) that fits a uint64, as
// c2sp.org formats write sizes. On false *value is unchanged.
inline bool ParseDecimal(std::string_view text, uint64_t* value) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *value = v;
  return true;
}

}  // namespace witness::internal

#endif  // WITNESS_SRC_TEXT_H_
