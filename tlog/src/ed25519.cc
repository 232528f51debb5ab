#include "ed25519.h"

#include <sodium.h>

#include <cassert>
#include <cstdlib>

namespace tlog::internal {
namespace {

void EnsureSodium() {
  // Invariant: sodium_init fails only without a usable randomness source; signing here is
  // deterministic, but libsodium's contract is that nothing runs before a successful init.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) std::abort();
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string Ed25519PublicKeyFromSeed(std::string_view seed) {
  assert(seed.size() == crypto_sign_SEEDBYTES);
  EnsureSodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, Bytes(seed));
  sodium_memzero(sk, sizeof sk);
  return std::string(reinterpret_cast<const char*>(pk), sizeof pk);
}

std::string Ed25519Sign(std::string_view seed, std::string_view message) {
  assert(seed.size() == crypto_sign_SEEDBYTES);
  EnsureSodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, Bytes(seed));
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, Bytes(message),
                       message.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return sig;
}

bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  EnsureSodium();
  return crypto_sign_verify_detached(Bytes(signature), Bytes(message), message.size(),
                                     Bytes(public_key)) == 0;
}

}  // namespace tlog::internal
