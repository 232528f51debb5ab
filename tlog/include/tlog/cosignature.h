// c2sp.org/tlog-cosignature, Ed25519 version (cosignature/v1, note signature type 0x04): a
// witness's timestamped statement that a checkpoint is the largest consistent tree head it has
// seen for the log.
//
// Signed message (Ed25519, RFC 8032), for a checkpoint body B (see checkpoint.h):
//   "cosignature/v1\n" "time " decimal(timestamp) "\n" B
// with the timestamp in POSIX seconds, decimal without leading zeros, at most 2^63 - 1.
// Bytes after the key id in the note signature line (72 bytes):
//   timestamp[8 bytes, big-endian] || Ed25519 signature[64 bytes]
// Key id: SHA-256(name || "\n" || 0x04 || 32-byte Ed25519 public key)[:4] (NoteKeyId).
//
// The message does not commit to the cosigner's name, so one Ed25519 key must never serve two
// cosigners (the spec's rule; nothing here can check it).
#ifndef TLOG_COSIGNATURE_H_
#define TLOG_COSIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "tlog/note.h"

namespace tlog {

inline constexpr uint64_t kMaxCosignatureTimestamp = (uint64_t{1} << 63) - 1;

// The signed message for `checkpoint_body` at `timestamp`.
std::string CosignatureMessage(std::string_view checkpoint_body, uint64_t timestamp);

// A cosignature of `checkpoint_body` by the Ed25519 key with the 32-byte `seed`, under key name
// `name` (the key id is computed for type 0x04). InvalidArgument if the body is not a valid
// checkpoint body, the seed is not 32 bytes, the name is not a valid key name or the timestamp
// exceeds kMaxCosignatureTimestamp.
ledger::Result<NoteSignature> CosignCheckpoint(std::string_view checkpoint_body,
                                               std::string_view name, std::string_view seed,
                                               uint64_t timestamp);

// Verifies `signature` as a cosignature of `checkpoint_body` by `cosigner` and returns its
// timestamp. InvalidArgument if `cosigner` is not a type 0x04 key, the signature line is not by
// it (name and key id) or the body is not a valid checkpoint body; Corruption if the signature
// is not 72 bytes, its timestamp exceeds 2^63 - 1 or it does not verify. Whether the timestamp
// is plausible (not in the future, recent enough) is the caller's policy.
ledger::Result<uint64_t> VerifyCosignature(std::string_view checkpoint_body,
                                           const NoteSignature& signature,
                                           const NoteVerifier& cosigner);

}  // namespace tlog

#endif  // TLOG_COSIGNATURE_H_
