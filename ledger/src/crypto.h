// Thin wrappers over libsodium: hashing, Ed25519, randomness and the byte encodings used in
// files and JSON. No libsodium type escapes this file pair.
#ifndef LEDGER_SRC_CRYPTO_H_
#define LEDGER_SRC_CRYPTO_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace ledger::internal {

using Sha256Digest = std::array<uint8_t, 32>;

// Initialises libsodium once; safe to call from any thread, any number of times.
void EnsureSodium();

Sha256Digest Sha256(std::string_view data);
// SHA-256 over the concatenation of parts, without copying them together.
Sha256Digest Sha256Parts(std::initializer_list<std::string_view> parts);
std::string DigestBytes(const Sha256Digest& d);

std::string RandomBytes(size_t n);

constexpr size_t kEd25519PublicKeySize = 32;
constexpr size_t kEd25519SeedSize = 32;
constexpr size_t kEd25519SignatureSize = 64;

// seed: 32 bytes. Returns the public key.
std::string Ed25519PublicFromSeed(std::string_view seed);
// libsodium's 64-byte secret key (seed || public key) for a 32-byte seed.
std::string Ed25519SecretFromSeed(std::string_view seed);
// Signs `message` with a 64-byte secret key. Returns the 64-byte signature.
std::string Ed25519Sign(std::string_view secret, std::string_view message);
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);
// Standard base64 with padding (RFC 4648 section 4), as c2sp.org/signed-note uses.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CRYPTO_H_
