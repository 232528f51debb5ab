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

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest d;
  crypto_hash_sha256(d.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return d;
}

Sha256Digest Sha256Parts(std::initializer_list<std::string_view> parts) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (auto p : parts) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  }
  Sha256Digest d;
  crypto_hash_sha256_final(&st, d.data());
  return d;
}

std::string DigestBytes(const Sha256Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
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
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) ==
         0;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Status::InvalidArgument("hex of odd length");
  std::string out(hex.size() / 2, '\0');
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("not hex");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  EnsureSodium();
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  EnsureSodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return Status::InvalidArgument("not standard base64");
  }
  out.resize(len);
  return out;
}

}  // namespace ledger::internal
