// Standard base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /, with '=' padding), the encoding
// every c2sp.org transparency-log format uses for keys, signatures and hashes.
//
// The decoder is strict so that every byte string has exactly one accepted text: it refuses
// missing or extra padding, characters outside the alphabet (including white space and line
// breaks), and non-zero bits in the unused low bits of the last character (RFC 4648 section 3.5
// allows a decoder to refuse them). Parsers can therefore promise that Format(Parse(x)) == x.
#ifndef TLOG_BASE64_H_
#define TLOG_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

#include "tlog/merkle.h"

namespace tlog {

std::string Base64Encode(std::string_view bytes);

// The decoded bytes, or nullopt if `text` is not canonical standard base64. The empty text
// decodes to the empty string.
std::optional<std::string> Base64Decode(std::string_view text);

// A hash as standard base64 (44 characters), and back (nullopt unless exactly 32 bytes).
std::string HashToBase64(const Hash& hash);
std::optional<Hash> HashFromBase64(std::string_view text);

}  // namespace tlog

#endif  // TLOG_BASE64_H_
