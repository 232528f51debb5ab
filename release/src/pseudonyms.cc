#include "pseudonyms.h"

#include <sodium.h>

#include <cassert>

#include "base/hex.h"
#include "release_format.h"

namespace ledger::release {
namespace {

constexpr size_t kPseudonymBytes = 10;  // 80 bits: 16 base32 characters

std::string Base32Lower(const unsigned char* bytes, size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

}  // namespace

std::string DeriveReleaseKey(const MasterKey& master, std::string_view release_id) {
  std::string message = "ledger/release-key/v1";
  message.push_back('\0');
  message.append(release_id);
  std::string key(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<const unsigned char*>(master.bytes().data()),
                     master.bytes().size());
  return key;
}

Pseudonymizer::Pseudonymizer(std::string key) : key_(std::move(key)) {
  assert(key_.size() == crypto_generichash_KEYBYTES);
}

Pseudonymizer::~Pseudonymizer() { sodium_memzero(key_.data(), key_.size()); }

std::string Pseudonymizer::Mac(char kind, std::string_view scope, std::string_view value) const {
  // kind 0x00 scope 0x00 value: the separators keep ("ab","c") and ("a","bc") apart.
  std::string message(1, kind);
  message.push_back('\0');
  message.append(scope);
  message.push_back('\0');
  message.append(value);
  unsigned char mac[kPseudonymBytes];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size(), reinterpret_cast<const unsigned char*>(key_.data()),
                     key_.size());
  return std::string(1, kind) + Base32Lower(mac, sizeof mac);
}

std::string Pseudonymizer::Person(std::string_view subject) const { return Mac('p', "", subject); }
std::string Pseudonymizer::Actor(std::string_view actor_id) const { return Mac('w', "", actor_id); }
std::string Pseudonymizer::Role(std::string_view role) const { return Mac('w', "role", role); }
std::string Pseudonymizer::Office(std::string_view office) const { return Mac('o', "", office); }
std::string Pseudonymizer::LocalId(std::string_view subject, std::string_view id) const {
  return Mac('x', subject, id);
}

std::string Pseudonymizer::KeyFingerprint() const {
  static constexpr std::string_view kLabel = "ledger/release-key-fingerprint/v1";
  unsigned char out[8];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(kLabel.data()),
                     kLabel.size(), reinterpret_cast<const unsigned char*>(key_.data()),
                     key_.size());
  return HexEncode(std::span<const uint8_t>(out, sizeof out));
}

}  // namespace ledger::release
