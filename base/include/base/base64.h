// Standard base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /, with '=' padding): the encoding
// every c2sp.org transparency-log format uses for keys, signatures and hashes, and the one the
// JSON APIs use for bytes. The one home of base64 in the project.
//
// The decoder is strict so that every byte string has exactly one accepted text: it refuses
// missing or extra padding, characters outside the alphabet (white space and line breaks
// included), and non-zero bits in the unused low bits of the last character (RFC 4648 section
// 3.5 allows a decoder to refuse them). Parsers can therefore promise Format(Parse(x)) == x.
#ifndef BASE_BASE64_H_
#define BASE_BASE64_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger {

std::string Base64Encode(std::string_view bytes);

// The decoded bytes of canonical standard base64; the empty text decodes to the empty string.
// InvalidArgument otherwise, naming what is wrong: a length that is not a multiple of 4, a
// character outside the alphabet (with its offset), padding out of place, or non-zero unused
// bits in the last character.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace ledger

#endif  // BASE_BASE64_H_
