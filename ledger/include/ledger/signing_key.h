// Ed25519 keys in the conventions of c2sp.org/signed-note, so that standard transparency-log
// tools read our key files and verifier keys:
//   key id        = first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key)
//   verifier key  = <name>+<8 hex key id>+<base64(0x01 || public key)>
//   private key   = PRIVATE+KEY+<name>+<8 hex key id>+<base64(0x01 || 32-byte seed)>
#ifndef LEDGER_SIGNING_KEY_H_
#define LEDGER_SIGNING_KEY_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger {

// The 4-byte signed-note key id of an Ed25519 public key under `name`.
std::string NoteKeyId(std::string_view name, std::string_view public_key);

// A public key that verifies signatures.
class VerifierKey {
 public:
  // Parses "<name>+<hex id>+<base64>"; refuses a key id that does not match the key.
  static Result<VerifierKey> Parse(std::string_view text);
  static Result<VerifierKey> FromPublicKey(std::string name, std::string public_key);

  const std::string& name() const { return name_; }
  const std::string& key_id() const { return key_id_; }  // 4 bytes
  std::string key_id_hex() const;
  const std::string& public_key() const { return public_key_; }  // 32 bytes
  std::string ToString() const;
  bool Verify(std::string_view message, std::string_view signature) const;

 private:
  std::string name_, key_id_, public_key_;
};

// A private signing key. Copyable value type; the seed is wiped on destruction.
class SigningKey {
 public:
  // A fresh random key named `name` (no '+', no white space).
  static Result<SigningKey> Generate(std::string name);
  // Parses "PRIVATE+KEY+<name>+<hex id>+<base64>".
  static Result<SigningKey> Parse(std::string_view text);
  static Result<SigningKey> ReadFile(const std::string& path);

  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

  // Writes the private key text with mode 0600; refuses to overwrite an existing file.
  Status WriteFile(const std::string& path) const;

  const std::string& name() const { return verifier_.name(); }
  const std::string& key_id() const { return verifier_.key_id(); }
  std::string key_id_hex() const { return verifier_.key_id_hex(); }
  const std::string& public_key() const { return verifier_.public_key(); }
  const VerifierKey& verifier() const { return verifier_; }
  std::string PrivateKeyText() const;
  // The 32-byte Ed25519 seed: the private key itself, for libraries that sign with the same
  // key in another format (a witness's c2sp.org/tlog-cosignature key). Handle as a secret.
  const std::string& seed() const { return seed_; }
  std::string Sign(std::string_view message) const;

 private:
  SigningKey(std::string seed, VerifierKey verifier);
  std::string seed_;
  std::string secret_;  // libsodium's expanded form, so that signing does no key derivation
  VerifierKey verifier_;
};

}  // namespace ledger

#endif  // LEDGER_SIGNING_KEY_H_
