#include "base64.h"

#include <sodium.h>

#include <algorithm>

namespace witness::internal {

constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;

std::string Base64Encode(std::string_view bytes) {
  // sodium_base64_ENCODED_LEN counts the terminating NUL, which the std::string drops.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), /*ignore=*/nullptr, &length, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  // libsodium already refuses missing padding and stray bits; the round trip makes canonical
  // form the definition rather than a property of one libsodium version.
  if (Base64Encode(out) != text) return std::nullopt;
  return out;
}

std::string HashToBase64(const tlog::Hash& hash) {
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

std::optional<tlog::Hash> HashFromBase64(std::string_view text) {
  std::optional<std::string> raw = Base64Decode(text);
  if (!raw || raw->size() != tlog::Hash().size()) return std::nullopt;
  tlog::Hash hash;
  std::copy(raw->begin(), raw->end(), reinterpret_cast<char*>(hash.data()));
  return hash;
}

}  // namespace witness::internal
