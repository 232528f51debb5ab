#include "digest.h"

#include <sodium.h>

namespace ledger::replay::internal {

std::array<uint8_t, 32> Sha256(std::string_view bytes) {
  static_assert(crypto_hash_sha256_BYTES == 32);
  std::array<uint8_t, 32> out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return out;
}

std::string Hex(const uint8_t* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  auto h = Sha256(bytes);
  return Hex(h.data(), h.size());
}

}  // namespace ledger::replay::internal
