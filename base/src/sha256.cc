#include "base/sha256.h"

#include <sodium.h>

#include <new>
#include <type_traits>

#include "base/hex.h"
#include "base/sodium.h"

namespace ledger {
namespace {

static_assert(crypto_hash_sha256_BYTES == std::tuple_size_v<Sha256Digest>);

// The state object the constructor created in `storage` (a trivially copyable struct, so a copy
// of the hasher's bytes is a valid copy of the state).
crypto_hash_sha256_state* State(unsigned char* storage) {
  return std::launder(reinterpret_cast<crypto_hash_sha256_state*>(storage));
}

}  // namespace

Sha256Hasher::Sha256Hasher() {
  EnsureSodium();
  static_assert(sizeof(crypto_hash_sha256_state) <= sizeof state_);
  static_assert(alignof(crypto_hash_sha256_state) <= alignof(Sha256Hasher));
  static_assert(std::is_trivially_copyable_v<crypto_hash_sha256_state>);
  crypto_hash_sha256_init(new (state_) crypto_hash_sha256_state);
}

Sha256Hasher& Sha256Hasher::Update(std::string_view bytes) {
  crypto_hash_sha256_update(State(state_), reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
  return *this;
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  crypto_hash_sha256_final(State(state_), out.data());
  return out;
}

Sha256Digest Sha256(std::string_view bytes) {
  EnsureSodium();
  Sha256Digest out;
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return out;
}

Sha256Digest Sha256Parts(std::initializer_list<std::string_view> parts) {
  Sha256Hasher hasher;
  for (std::string_view p : parts) hasher.Update(p);
  return hasher.Finish();
}

std::string Sha256Hex(std::string_view bytes) { return HexEncode(Sha256(bytes)); }

std::string DigestBytes(const Sha256Digest& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace ledger
