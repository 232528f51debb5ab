// Hexadecimal text of bytes: the one encoder and decoder every module uses (digests in JSON, key
// ids, token hashes, error messages that show bytes).
#ifndef BASE_HEX_H_
#define BASE_HEX_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger {

// Two lowercase digits per byte, most significant nibble first.
std::string HexEncode(std::string_view bytes);
std::string HexEncode(std::span<const uint8_t> bytes);

// The bytes of an even number of hex digits, either case. InvalidArgument otherwise: for an odd
// length the message gives the length, for a bad digit its offset and the byte (as \xNN when it
// is not printable), so that a caller can point at the mistake.
Result<std::string> HexDecode(std::string_view hex);

// True if every character is one of 0-9 a-f (the canonical form HexEncode writes). The empty
// text is lowercase hex; callers check the length they need.
bool IsLowerHex(std::string_view text);

}  // namespace ledger

#endif  // BASE_HEX_H_
