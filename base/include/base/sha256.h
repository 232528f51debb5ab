// SHA-256 (FIPS 180-4) over libsodium: the one home of hashing for every module (RFC 6962 tree
// hashes, entry and event digests, file digests of releases, token hashes, state-file
// checksums). No libsodium type appears here, so including this header needs no libsodium.
#ifndef BASE_SHA256_H_
#define BASE_SHA256_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace ledger {

using Sha256Digest = std::array<uint8_t, 32>;

// Incremental SHA-256: Update any number of times, then Finish once. Copyable (a copy continues
// independently from the same state).
class Sha256Hasher {
 public:
  Sha256Hasher();
  Sha256Hasher& Update(std::string_view bytes);
  // REQUIRES: called at most once; the hasher is spent afterwards.
  Sha256Digest Finish();

 private:
  // libsodium's crypto_hash_sha256_state (104 bytes), held opaquely; sha256.cc checks the fit.
  alignas(16) unsigned char state_[128];
};

Sha256Digest Sha256(std::string_view bytes);
// SHA-256 over the concatenation of `parts`, without copying them together.
Sha256Digest Sha256Parts(std::initializer_list<std::string_view> parts);
// Lowercase hex of Sha256(bytes) (64 characters).
std::string Sha256Hex(std::string_view bytes);
// The 32 digest bytes as a string.
std::string DigestBytes(const Sha256Digest& digest);

}  // namespace ledger

#endif  // BASE_SHA256_H_
