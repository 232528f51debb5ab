// Standard base64 (RFC 4648 section 4, with padding) over libsodium, for the hashes, roots and
// signatures in the witness's wire format and state file.
//
// tlog has the same codec but keeps it private; this one is strict the same way, so every byte
// string has exactly one accepted text and parsers can promise Format(Parse(x)) == x.
#ifndef WITNESS_SRC_BASE64_H_
#define WITNESS_SRC_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

#include "tlog/merkle.h"

namespace witness::internal {

std::string Base64Encode(std::string_view bytes);

// The decoded bytes, or nullopt unless `text` is canonical padded standard base64 (no white
// space, no non-zero unused bits).
std::optional<std::string> Base64Decode(std::string_view text);

std::string HashToBase64(const tlog::Hash& hash);
// A 32-byte hash from its canonical base64; nullopt otherwise.
std::optional<tlog::Hash> HashFromBase64(std::string_view text);

}  // namespace witness::internal

#endif  // WITNESS_SRC_BASE64_H_
