// Ed25519 signatures (RFC 8032) over libsodium: the one home of signing and signature checks for
// every module (events, checkpoints, cosignatures, releases). Keys are bytes: a 32-byte seed, the
// 32-byte public key, and libsodium's 64-byte secret key (seed || public key), which signs
// without deriving the key again. No libsodium type appears here.
#ifndef BASE_ED25519_H_
#define BASE_ED25519_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ledger {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SecretKeySize = 64;
inline constexpr size_t kEd25519SignatureSize = 64;

// REQUIRES: seed.size() == kEd25519SeedSize.
std::string Ed25519PublicKeyFromSeed(std::string_view seed);
// The 64-byte secret key for `seed`; the caller keeps it as secret as the seed.
// REQUIRES: seed.size() == kEd25519SeedSize.
std::string Ed25519SecretKeyFromSeed(std::string_view seed);

// The 64-byte signature of `message`. REQUIRES: secret_key.size() == kEd25519SecretKeySize
// (made by Ed25519SecretKeyFromSeed).
std::string Ed25519Sign(std::string_view secret_key, std::string_view message);
// The same signature from the seed: derives the secret key for this one call. For rare
// signatures (checkpoints, cosignatures); a key that signs often keeps its secret key.
// REQUIRES: seed.size() == kEd25519SeedSize.
std::string Ed25519SignWithSeed(std::string_view seed, std::string_view message);

// Whether `signature` is a valid signature of `message` by `public_key`. False for a key or
// signature of the wrong size as well as for a signature that fails.
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

}  // namespace ledger

#endif  // BASE_ED25519_H_
