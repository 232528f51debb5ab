#include "base/hex.h"

#include <string>

#include "shown_byte.h"

namespace ledger {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

// The value of one hex digit, or -1.
int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename Byte>
std::string Encode(const Byte* data, size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    const auto b = static_cast<uint8_t>(data[i]);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) { return Encode(bytes.data(), bytes.size()); }

std::string HexEncode(std::span<const uint8_t> bytes) { return Encode(bytes.data(), bytes.size()); }

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Status::InvalidArgument("hex: odd length " + std::to_string(hex.size()) +
                                   " (two digits per byte)");
  }
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < hex.size(); ++i) {
    const int v = Nibble(hex[i]);
    if (v < 0) {
      return Status::InvalidArgument("hex: " + internal::ShownByte(hex[i]) + " at offset " +
                                     std::to_string(i) + " is not a hex digit");
    }
    out[i / 2] = static_cast<char>(i % 2 == 0 ? v << 4 : (static_cast<uint8_t>(out[i / 2]) | v));
  }
  return out;
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace ledger
