// A hash as standard base64 (44 characters), the form every c2sp.org format writes it in. Base64
// itself is base/base64.h (strict: one accepted text per byte string).
#ifndef TLOG_BASE64_H_
#define TLOG_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

#include "tlog/merkle.h"

namespace tlog {

// HashToBase64 writes canonical base64 of the 32 bytes; HashFromBase64 reads it back, nullopt
// unless `text` is canonical base64 of exactly 32 bytes.
std::string HashToBase64(const Hash& hash);
std::optional<Hash> HashFromBase64(std::string_view text);

}  // namespace tlog

#endif  // TLOG_BASE64_H_
