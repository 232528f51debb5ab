// c2sp.org/signed-note: text signed by one or more keys, and the verifier keys that check it.
//
// Grammar of a signed note (UTF-8, no control characters but newline, at most kMaxNoteSize
// bytes):
//   note      = text "\n" 1*sigline          ; at most kMaxNoteSignatures lines
//   text      = 1*( *char "\n" )              ; ends in newline, may contain empty lines
//   sigline   = U+2014 " " keyname " " base64( key-id[4 bytes, big-endian] || signature ) "\n"
//   keyname   = 1*<any character but Unicode white space and "+">
// The blank line that separates text and signatures is the last one in the note, so the text
// may itself contain blank lines.
//
// Verifier key text:
//   vkey      = keyname "+" 8hexdigit-lowercase "+" base64( alg[1 byte] || public key )
//   key id    = big-endian uint32 of SHA-256( keyname || 0x0A || alg || public key )[:4]
//
// Supported algorithms: Ed25519 over the note text (0x01) and Ed25519 witness cosignatures over
// "cosignature/v1\ntime <t>\n" || text (0x04, c2sp.org/tlog-cosignature, see cosignature.h).
// Values of the alg bytes are assigned by the spec: do not change them.
#ifndef TLOG_NOTE_H_
#define TLOG_NOTE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tlog {

inline constexpr uint8_t kAlgEd25519 = 0x01;
inline constexpr uint8_t kAlgCosignatureV1 = 0x04;

// The spec asks verifiers for a limit and requires at least 16 signatures to be accepted; 100 is
// golang.org/x/mod/sumdb/note's limit. 1 MiB leaves room for 100 post-quantum signatures.
inline constexpr size_t kMaxNoteSignatures = 100;
inline constexpr size_t kMaxNoteSize = size_t{1} << 20;

// A public key that can check note signatures. For both supported algorithms public_key is the
// 32-byte Ed25519 public key.
struct NoteVerifier {
  std::string name;
  uint32_t key_id = 0;
  uint8_t alg = 0;
  std::string public_key;

  bool operator==(const NoteVerifier&) const = default;
};

// SHA-256(name || "\n" || alg || public_key)[:4] as a big-endian integer.
uint32_t NoteKeyId(std::string_view name, uint8_t alg, std::string_view public_key);

// A verifier with its key id computed. InvalidArgument for an invalid key name, an algorithm
// other than kAlgEd25519 and kAlgCosignatureV1, or a public key that is not 32 bytes.
ledger::Result<NoteVerifier> MakeVerifier(std::string_view name, uint8_t alg,
                                          std::string_view public_key);
// The verifier of the Ed25519 key with the 32-byte `seed`, for signatures of type `alg`.
ledger::Result<NoteVerifier> VerifierFromSeed(std::string_view name, uint8_t alg,
                                              std::string_view seed);

// Parses "<name>+<8 lowercase hex key id>+<base64(alg || public key)>" exactly: no surrounding
// white space, canonical base64, and a key id that matches the key.
ledger::Result<NoteVerifier> ParseVerifierKey(std::string_view text);
// REQUIRES: `verifier` is one that MakeVerifier or ParseVerifierKey returned.
std::string FormatVerifierKey(const NoteVerifier& verifier);

// One signature line. `signature` holds the bytes after the 4-byte key id: 64 bytes for
// kAlgEd25519, 8-byte timestamp || 64 bytes for kAlgCosignatureV1, anything for unknown keys.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;

  bool operator==(const NoteSignature&) const = default;
};

struct Note {
  std::string text;  // including its final newline
  std::vector<NoteSignature> signatures;

  bool operator==(const Note&) const = default;
};

// Splits a signed note into text and signature lines and checks the grammar above; verifies no
// signature (see VerifyNote). InvalidArgument says what is malformed. Every note it accepts
// formats back to the same bytes.
ledger::Result<Note> ParseNote(std::string_view message);

// REQUIRES: note.text ends in "\n", at least one signature, every name a valid key name.
std::string FormatNote(const Note& note);

// An Ed25519 (kAlgEd25519) signature of `text` under key name `name`.
// REQUIRES: seed.size() == 32 and `name` a valid key name. (A seed of another size yields an
// empty signature, which never verifies, rather than reading out of bounds.)
NoteSignature SignNoteEd25519(std::string_view text, std::string_view name, std::string_view seed);

// Checks the signatures of `note` against the `known` verifiers, as the spec requires:
//  - a signature whose (name, key id) matches no known verifier is ignored;
//  - every signature whose (name, key id) matches a known verifier is verified, and one that
//    fails makes the whole note Corruption (a malformed cosignature timestamp included; a
//    cosignature key over a text that is not a checkpoint body is InvalidArgument);
//  - two known verifiers with the same (name, key id) that a signature matches: InvalidArgument;
//  - no signature verified by a known key: PermissionDenied.
// On success, if `verified_by` is not null it is set to the distinct known verifiers whose
// signatures verified, in the order of their first signature line.
ledger::Status VerifyNote(const Note& note, const std::vector<NoteVerifier>& known,
                          std::vector<NoteVerifier>* verified_by);

}  // namespace tlog

#endif  // TLOG_NOTE_H_
