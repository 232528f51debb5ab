// Standard base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /, with '=' padding), the encoding
// every c2sp.org transparency-log format uses for keys, signatures and hashes.
//
// The decoder is strict so that every byte string has exactly one accepted text: it refuses
// missing or extra padding, characters outside the alphabet (including white space and line
// breaks), and non-zero bits in the unused low bits of the last character (RFC 4648 section 3.5
// allows a decoder to refuse them). Parsers can therefore promise that Format(Parse(x)) == x.
#ifndef TLOG_SRC_BASE64_H_
#define TLOG_SRC_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace tlog::internal {

std::string Base64Encode(std::string_view bytes);

// The decoded bytes, or nullopt if `text` is not canonical standard base64. The empty text
// decodes to the empty string.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace tlog::internal

#endif  // TLOG_SRC_BASE64_H_
