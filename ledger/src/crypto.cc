#include "crypto.h"

#include <sodium.h>

#include <cassert>
#include <cstdlib>
#include <mutex>

namespace ledger::internal {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Invariant: sodium_init fails only when the system has no usable randomness source, in
    // which case no key could be made safely; there is nothing better to do than stop.
    if (sodium_init() < 0) std::abort();
  });
}

std::string RandomBytes(size_t n) {
  EnsureSodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string Ed25519PublicFromSeed(std::string_view seed) {
  EnsureSodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(sk, sizeof sk);
  return std::string(reinterpret_cast<const char*>(pk), sizeof pk);
}

std::string Ed25519SecretFromSeed(std::string_view seed) {
  EnsureSodium();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  std::string sk(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_seed_keypair(pk, reinterpret_cast<unsigned char*>(sk.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  return sk;
}

std::string Ed25519Sign(std::string_view secret, std::string_view message) {
  // Invariant: callers pass a secret made by Ed25519SecretFromSeed.
  assert(secret.size() == crypto_sign_SECRETKEYBYTES);
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret.data()));
  return sig;
}

bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature.data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

}  // namespace ledger::internal
