#include "tlog/note.h"

#include <cassert>
#include <optional>

#include "base/base64.h"
#include "base/ed25519.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "text.h"
#include "tlog/cosignature.h"

namespace tlog {
namespace {

using ledger::Base64Decode;
using ledger::Base64Encode;
using ledger::Status;

constexpr std::string_view kSigPrefix = "\xe2\x80\x94 ";  // em dash U+2014, space

std::string KeyIdBytes(uint32_t id) {
  return {static_cast<char>(id >> 24), static_cast<char>(id >> 16), static_cast<char>(id >> 8),
          static_cast<char>(id)};
}

uint32_t ReadKeyId(std::string_view bytes) {
  // Invariant: callers checked that bytes holds at least four bytes.
  assert(bytes.size() >= 4);
  return static_cast<uint32_t>(static_cast<uint8_t>(bytes[0])) << 24 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[2])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(bytes[3]));
}

// The key id as 8 lowercase hex digits (big-endian), and back: exactly 8 lowercase digits.
std::string KeyIdHex(uint32_t id) { return ledger::HexEncode(KeyIdBytes(id)); }

std::optional<uint32_t> ParseKeyIdHex(std::string_view hex) {
  if (hex.size() != 8 || !ledger::IsLowerHex(hex)) return std::nullopt;
  return ReadKeyId(ledger::HexDecode(hex).value());
}

std::string KeyLabel(std::string_view name, uint32_t key_id) {
  return std::string(name) + "+" + KeyIdHex(key_id);
}

// Parses one signature line without its newline; `number` counts lines from 1 for messages.
ledger::Result<NoteSignature> ParseSignatureLine(std::string_view line, size_t number) {
  std::string where = "note signature line " + std::to_string(number);
  if (!line.starts_with(kSigPrefix)) {
    return Status::InvalidArgument(
        where + " does not start with an em dash (U+2014) and a space: " + internal::Quote(line));
  }
  line.remove_prefix(kSigPrefix.size());
  size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return Status::InvalidArgument(where + " has no space between key name and signature");
  }
  std::string_view name = line.substr(0, space);
  std::string_view b64 = line.substr(space + 1);
  if (!internal::IsValidKeyName(name)) {
    return Status::InvalidArgument(where + ": invalid key name " + internal::Quote(name) +
                                   " (empty, or has white space or '+')");
  }
  auto raw = Base64Decode(b64);
  if (!raw.ok()) {
    return Status::InvalidArgument(where + ": signature of " + std::string(name) +
                                   " is not canonical standard base64");
  }
  if (raw->size() < 5) {
    return Status::InvalidArgument(where + ": signature of " + std::string(name) + " has " +
                                   std::to_string(raw->size()) +
                                   " bytes; a 4-byte key id and at least one signature byte "
                                   "are needed");
  }
  return NoteSignature{std::string(name), ReadKeyId(*raw), raw->substr(4)};
}

// Checks one signature that matched `v` by name and key id.
Status VerifyOne(const Note& note, const NoteSignature& sig, const NoteVerifier& v) {
  std::string label = KeyLabel(v.name, v.key_id);
  switch (v.alg) {
    case kAlgEd25519:
      if (sig.signature.size() != ledger::kEd25519SignatureSize) {
        return Status::Corruption("signature by " + label + " has " +
                                  std::to_string(sig.signature.size()) +
                                  " bytes; an Ed25519 signature has 64");
      }
      if (!ledger::Ed25519Verify(v.public_key, note.text, sig.signature)) {
        return Status::Corruption("signature by " + label + " does not verify");
      }
      return Status::Ok();
    case kAlgCosignatureV1: {
      auto timestamp = VerifyCosignature(note.text, sig, v);
      return timestamp.ok() ? Status::Ok() : timestamp.status();
    }
    default:
      return Status::InvalidArgument("verifier " + label + " has unsupported algorithm " +
                                     std::to_string(v.alg));
  }
}

}  // namespace

uint32_t NoteKeyId(std::string_view name, uint8_t alg, std::string_view public_key) {
  const char alg_byte = static_cast<char>(alg);
  auto digest = ledger::Sha256Parts({name, "\n", std::string_view(&alg_byte, 1), public_key});
  return ReadKeyId(std::string_view(reinterpret_cast<const char*>(digest.data()), 4));
}

ledger::Result<NoteVerifier> MakeVerifier(std::string_view name, uint8_t alg,
                                          std::string_view public_key) {
  if (!internal::IsValidKeyName(name)) {
    return Status::InvalidArgument("invalid key name " + internal::Quote(name) +
                                   " (empty, or has white space or '+')");
  }
  if (alg != kAlgEd25519 && alg != kAlgCosignatureV1) {
    return Status::InvalidArgument("key algorithm " + std::to_string(alg) +
                                   " is not supported (only 1, Ed25519, and 4, Ed25519 "
                                   "cosignature/v1)");
  }
  if (public_key.size() != ledger::kEd25519PublicKeySize) {
    return Status::InvalidArgument("an Ed25519 public key has 32 bytes, not " +
                                   std::to_string(public_key.size()));
  }
  return NoteVerifier{std::string(name), NoteKeyId(name, alg, public_key), alg,
                      std::string(public_key)};
}

ledger::Result<NoteVerifier> VerifierFromSeed(std::string_view name, uint8_t alg,
                                              std::string_view seed) {
  if (seed.size() != ledger::kEd25519SeedSize) {
    return Status::InvalidArgument("an Ed25519 seed has 32 bytes, not " +
                                   std::to_string(seed.size()));
  }
  return MakeVerifier(name, alg, ledger::Ed25519PublicKeyFromSeed(seed));
}

ledger::Result<NoteVerifier> ParseVerifierKey(std::string_view text) {
  // The name and the id contain no '+'; the base64 may.
  size_t plus1 = text.find('+');
  size_t plus2 = plus1 == std::string_view::npos ? plus1 : text.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) {
    return Status::InvalidArgument("verifier key must be <name>+<hex key id>+<base64 key>: " +
                                   internal::Quote(text));
  }
  std::string_view name = text.substr(0, plus1);
  std::string_view id_hex = text.substr(plus1 + 1, plus2 - plus1 - 1);
  std::optional<uint32_t> id = ParseKeyIdHex(id_hex);
  if (!id) {
    return Status::InvalidArgument("verifier key: key id " + internal::Quote(id_hex) +
                                   " is not 8 lowercase hex digits");
  }
  auto key = Base64Decode(text.substr(plus2 + 1));
  if (!key.ok() || key->empty()) {
    return Status::InvalidArgument(
        "verifier key: key is not canonical standard base64 of "
        "an algorithm byte and a public key");
  }
  auto verifier = MakeVerifier(name, static_cast<uint8_t>((*key)[0]), key->substr(1));
  if (!verifier.ok()) return verifier.status().WithContext("verifier key");
  if (verifier->key_id != *id) {
    return Status::InvalidArgument("verifier key: key id " + std::string(id_hex) +
                                   " does not match the key (expected " +
                                   KeyIdHex(verifier->key_id) + ")");
  }
  return verifier;
}

std::string FormatVerifierKey(const NoteVerifier& verifier) {
  std::string alg_and_key(1, static_cast<char>(verifier.alg));
  alg_and_key += verifier.public_key;
  return verifier.name + "+" + KeyIdHex(verifier.key_id) + "+" + Base64Encode(alg_and_key);
}

ledger::Result<Note> ParseNote(std::string_view message) {
  if (message.size() > kMaxNoteSize) {
    return Status::InvalidArgument("note has " + std::to_string(message.size()) +
                                   " bytes; at most " + std::to_string(kMaxNoteSize) +
                                   " are accepted");
  }
  LEDGER_RETURN_IF_ERROR(internal::CheckNoteCharacters(message, "note"));
  size_t split = message.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Status::InvalidArgument("note has no blank line between text and signatures");
  }
  Note note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view sigs = message.substr(split + 2);
  if (sigs.empty()) return Status::InvalidArgument("note has no signature lines");
  if (sigs.back() != '\n') {
    return Status::InvalidArgument("note's last signature line does not end in a newline");
  }
  std::string_view line;
  while (internal::NextLine(&sigs, &line)) {
    if (note.signatures.size() == kMaxNoteSignatures) {
      return Status::InvalidArgument("note has more than " + std::to_string(kMaxNoteSignatures) +
                                     " signatures");
    }
    LEDGER_ASSIGN_OR_RETURN(NoteSignature sig,
                            ParseSignatureLine(line, note.signatures.size() + 1));
    note.signatures.push_back(std::move(sig));
  }
  return note;
}

std::string FormatNote(const Note& note) {
  // Invariant (REQUIRES): a valid note; see the header.
  assert(note.text.ends_with('\n') && !note.signatures.empty());
  std::string out = note.text;
  out += '\n';
  for (const NoteSignature& sig : note.signatures) {
    out += kSigPrefix;
    out += sig.name;
    out += ' ';
    out += Base64Encode(KeyIdBytes(sig.key_id) + sig.signature);
    out += '\n';
  }
  return out;
}

NoteSignature SignNoteEd25519(std::string_view text, std::string_view name, std::string_view seed) {
  // Invariant (REQUIRES): a 32-byte seed; see the header.
  assert(seed.size() == ledger::kEd25519SeedSize);
  if (seed.size() != ledger::kEd25519SeedSize) return NoteSignature{std::string(name), 0, ""};
  std::string public_key = ledger::Ed25519PublicKeyFromSeed(seed);
  return NoteSignature{std::string(name), NoteKeyId(name, kAlgEd25519, public_key),
                       ledger::Ed25519SignWithSeed(seed, text)};
}

Status VerifyNote(const Note& note, const std::vector<NoteVerifier>& known,
                  std::vector<NoteVerifier>* verified_by) {
  std::vector<NoteVerifier> verified;
  for (const NoteSignature& sig : note.signatures) {
    const NoteVerifier* match = nullptr;
    for (const NoteVerifier& v : known) {
      if (v.name != sig.name || v.key_id != sig.key_id) continue;
      if (match != nullptr && !(*match == v)) {
        return Status::InvalidArgument("ambiguous key " + KeyLabel(sig.name, sig.key_id) +
                                       ": two known verifiers have this name and key id");
      }
      match = &v;
    }
    if (match == nullptr) continue;  // the spec: ignore signatures by unknown keys
    LEDGER_RETURN_IF_ERROR(VerifyOne(note, sig, *match));
    bool seen = false;
    for (const NoteVerifier& v : verified) seen = seen || v == *match;
    if (!seen) verified.push_back(*match);
  }
  if (verified.empty()) {
    std::string signers;
    for (const NoteSignature& sig : note.signatures) {
      signers += (signers.empty() ? "" : ", ") + internal::Quote(KeyLabel(sig.name, sig.key_id));
    }
    return Status::PermissionDenied("note has no signature by a known key (signed by " +
                                    (signers.empty() ? std::string("nobody") : signers) + ")");
  }
  if (verified_by != nullptr) *verified_by = std::move(verified);
  return Status::Ok();
}

}  // namespace tlog
