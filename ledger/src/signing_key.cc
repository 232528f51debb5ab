#include "ledger/signing_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/file.h"
#include "crypto.h"
#include "value_formats.h"

namespace ledger {
namespace {

constexpr char kEd25519Alg = 0x01;

bool ValidKeyName(std::string_view name) {
  return internal::CheckValueFormat("key_name", name).ok();
}

// Splits "a+b+c" into exactly `n` parts; the last part may not contain '+', except base64 '+'
// in the final field, which is why we split from the left n-1 times.
bool SplitPlus(std::string_view text, size_t n, std::vector<std::string_view>* out) {
  out->clear();
  for (size_t i = 0; i + 1 < n; ++i) {
    size_t p = text.find('+');
    if (p == std::string_view::npos) return false;
    out->push_back(text.substr(0, p));
    text.remove_prefix(p + 1);
  }
  out->push_back(text);
  return true;
}

}  // namespace

std::string NoteKeyId(std::string_view name, std::string_view public_key) {
  std::string alg_and_key(1, kEd25519Alg);
  alg_and_key += public_key;
  auto d = Sha256Parts({name, "\n", alg_and_key});
  return std::string(reinterpret_cast<const char*>(d.data()), 4);
}

Result<VerifierKey> VerifierKey::FromPublicKey(std::string name, std::string public_key) {
  if (!ValidKeyName(name)) return Status::InvalidArgument("invalid key name \"" + name + "\"");
  if (public_key.size() != kEd25519PublicKeySize) {
    return Status::InvalidArgument("an Ed25519 public key is 32 bytes");
  }
  VerifierKey k;
  k.key_id_ = NoteKeyId(name, public_key);
  k.name_ = std::move(name);
  k.public_key_ = std::move(public_key);
  return k;
}

Result<VerifierKey> VerifierKey::Parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::vector<std::string_view> parts;
  if (!SplitPlus(text, 3, &parts)) {
    return Status::InvalidArgument("verifier key must be <name>+<hex id>+<base64 key>");
  }
  auto decoded = Base64Decode(parts[2]);
  if (!decoded.ok() || decoded->size() != 33 || (*decoded)[0] != kEd25519Alg) {
    return Status::InvalidArgument("verifier key: not an Ed25519 key (base64 of 0x01 || 32 bytes)");
  }
  LEDGER_ASSIGN_OR_RETURN(auto key, FromPublicKey(std::string(parts[0]), decoded->substr(1)));
  if (key.key_id_hex() != parts[1]) {
    return Status::InvalidArgument("verifier key: key id " + std::string(parts[1]) +
                                   " does not match the key (expected " + key.key_id_hex() + ")");
  }
  return key;
}

std::string VerifierKey::key_id_hex() const { return HexEncode(key_id_); }

std::string VerifierKey::ToString() const {
  std::string alg_and_key(1, kEd25519Alg);
  alg_and_key += public_key_;
  return name_ + "+" + key_id_hex() + "+" + Base64Encode(alg_and_key);
}

bool VerifierKey::Verify(std::string_view message, std::string_view signature) const {
  return Ed25519Verify(public_key_, message, signature);
}

SigningKey::SigningKey(std::string seed, VerifierKey verifier)
    : seed_(std::move(seed)),
      secret_(Ed25519SecretKeyFromSeed(seed_)),
      verifier_(std::move(verifier)) {}

SigningKey::~SigningKey() {
  if (!seed_.empty()) sodium_memzero(seed_.data(), seed_.size());
  if (!secret_.empty()) sodium_memzero(secret_.data(), secret_.size());
}

Result<SigningKey> SigningKey::Generate(std::string name) {
  std::string seed = RandomBytes(kEd25519SeedSize);
  LEDGER_ASSIGN_OR_RETURN(
      auto verifier, VerifierKey::FromPublicKey(std::move(name), Ed25519PublicKeyFromSeed(seed)));
  return SigningKey(std::move(seed), std::move(verifier));
}

Result<SigningKey> SigningKey::Parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  if (!text.starts_with(kPrefix)) {
    return Status::InvalidArgument("not a private key file (expected PRIVATE+KEY+<name>+...)");
  }
  std::vector<std::string_view> parts;
  if (!SplitPlus(text.substr(kPrefix.size()), 3, &parts)) {
    return Status::InvalidArgument("private key must be PRIVATE+KEY+<name>+<hex id>+<base64>");
  }
  auto decoded = Base64Decode(parts[2]);
  if (!decoded.ok() || decoded->size() != 33 || (*decoded)[0] != kEd25519Alg) {
    return Status::InvalidArgument("private key: not an Ed25519 key (base64 of 0x01 || seed)");
  }
  std::string seed = decoded->substr(1);
  sodium_memzero(decoded->data(), decoded->size());
  LEDGER_ASSIGN_OR_RETURN(
      auto verifier,
      VerifierKey::FromPublicKey(std::string(parts[0]), Ed25519PublicKeyFromSeed(seed)));
  if (verifier.key_id_hex() != parts[1]) {
    return Status::InvalidArgument("private key: key id " + std::string(parts[1]) +
                                   " does not match the key");
  }
  return SigningKey(std::move(seed), std::move(verifier));
}

Result<SigningKey> SigningKey::ReadFile(const std::string& path) {
  auto text = ::ledger::ReadFile(path);
  if (!text.ok()) return Status::NotFound("cannot read key file " + path);
  auto key = Parse(*text);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

std::string SigningKey::PrivateKeyText() const {
  std::string alg_and_seed(1, kEd25519Alg);
  alg_and_seed += seed_;
  std::string out = "PRIVATE+KEY+" + name() + "+" + key_id_hex() + "+" + Base64Encode(alg_and_seed);
  sodium_memzero(alg_and_seed.data(), alg_and_seed.size());
  return out;
}

Status SigningKey::WriteFile(const std::string& path) const {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::FailedPrecondition("key file " + path + " already exists");
    return Status::IOError("cannot create key file " + path + ": " + std::strerror(errno));
  }
  std::string text = PrivateKeyText() + "\n";
  ssize_t written = ::write(fd, text.data(), text.size());
  int sync_rc = ::fsync(fd);
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (written != static_cast<ssize_t>(text.size()) || sync_rc != 0) {
    return Status::IOError("cannot write key file " + path);
  }
  return Status::Ok();
}

std::string SigningKey::Sign(std::string_view message) const {
  return Ed25519Sign(secret_, message);
}

}  // namespace ledger
