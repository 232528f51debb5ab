// c2sp.org/tlog-checkpoint: the signed tree head of a log, as the text of a signed note.
//
// Grammar of the note text (checkpoint body), every line ending in "\n" and none empty:
//   body       = origin "\n" size "\n" root "\n" *( extension "\n" )
//   origin     = 1*char                    ; the log's identity; also the log key's name
//   size       = "0" / ( %x31-39 *DIGIT )  ; tree size in decimal, no leading zeros, < 2^64
//   root       = base64( 32-byte RFC 6962 root hash )
//   extension  = 1*char                    ; opaque, optional, NOT RECOMMENDED by the spec
// The body obeys the signed-note character rules (UTF-8, no control characters but newline).
#ifndef TLOG_CHECKPOINT_H_
#define TLOG_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"
#include "tlog/note.h"

namespace tlog {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // without their newlines

  bool operator==(const Checkpoint&) const = default;
};

// OK if FormatCheckpointBody(checkpoint) is a body ParseCheckpointBody accepts: a non-empty
// origin and non-empty extension lines without newlines, valid UTF-8, no control characters.
ledger::Status ValidateCheckpoint(const Checkpoint& checkpoint);

// "<origin>\n<size>\n<base64 root>\n" followed by one line per extension.
// REQUIRES: ValidateCheckpoint(checkpoint).ok().
std::string FormatCheckpointBody(const Checkpoint& checkpoint);

// Parses a checkpoint body strictly (grammar above); InvalidArgument says what is wrong. Every
// body it accepts formats back to the same bytes.
ledger::Result<Checkpoint> ParseCheckpointBody(std::string_view text);

// Parses a signed checkpoint note and verifies the log's signature on it:
//  - `log_key` must be an Ed25519 (kAlgEd25519) key whose name equals the origin line;
//  - the note must carry a valid signature by `log_key` (VerifyNote's errors otherwise).
// If `other_signatures` is not null it receives every signature line not by `log_key` (by name
// and key id), unverified, in note order: the witnesses' cosignatures among them.
ledger::Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& log_key,
                                          std::vector<NoteSignature>* other_signatures);

}  // namespace tlog

#endif  // TLOG_CHECKPOINT_H_
