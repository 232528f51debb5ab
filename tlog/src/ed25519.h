// Ed25519 (RFC 8032) through libsodium (SHA-256: base/sha256.h), for the signed-note units. No
// libsodium type escapes this file pair, so the public headers stay free of it.
#ifndef TLOG_SRC_ED25519_H_
#define TLOG_SRC_ED25519_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tlog::internal {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// REQUIRES: seed.size() == kEd25519SeedSize.
std::string Ed25519PublicKeyFromSeed(std::string_view seed);
// The 64-byte signature of `message`. REQUIRES: seed.size() == kEd25519SeedSize.
std::string Ed25519Sign(std::string_view seed, std::string_view message);
// False for a key or signature of the wrong size as well as for a signature that fails.
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

}  // namespace tlog::internal

#endif  // TLOG_SRC_ED25519_H_
