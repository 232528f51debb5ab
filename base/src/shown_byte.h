// One untrusted byte as error messages in base/ show it: 'c' when printable ASCII, \xNN otherwise,
// so that a message never carries a line break or a terminal escape.
#ifndef BASE_SRC_SHOWN_BYTE_H_
#define BASE_SRC_SHOWN_BYTE_H_

#include <string>
#include <string_view>

#include "base/hex.h"

namespace ledger::internal {

inline std::string ShownByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') return std::string("'") + c + "'";
  return "\\x" + HexEncode(std::string_view(&c, 1));
}

}  // namespace ledger::internal

#endif  // BASE_SRC_SHOWN_BYTE_H_
