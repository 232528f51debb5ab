// Thin wrappers over libsodium: Ed25519 and randomness. No libsodium type escapes this file
// pair. Hashing and the byte encodings are base/ (sha256.h, hex.h, base64.h), included here
// because every user of this header uses them too.
#ifndef LEDGER_SRC_CRYPTO_H_
#define LEDGER_SRC_CRYPTO_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/base64.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "base/status.h"

namespace ledger::internal {

// Initialises libsodium once; safe to call from any thread, any number of times.
void EnsureSodium();

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

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CRYPTO_H_
