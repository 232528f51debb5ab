// c2sp.org/tlog-proof: an offline-verifiable proof that an entry is in a log, as one text file
// (extension .tlog-proof).
//
// Grammar:
//   proof     = "c2sp.org/tlog-proof@v1\n"
//               [ "extra " base64( extra data, non-empty ) "\n" ]
//               "index " index "\n"                ; decimal, no leading zeros
//               *( base64( 32-byte hash ) "\n" )  ; RFC 6962 inclusion proof, leaf's sibling first
//               "\n"
//               checkpoint                        ; signed note, verbatim (checkpoint.h)
// The extra data is opaque and unauthenticated: applications must not trust it implicitly.
#ifndef TLOG_PROOF_FILE_H_
#define TLOG_PROOF_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace tlog {

// An inclusion proof has at most one hash per tree level of a tree of at most 2^64 leaves.
inline constexpr size_t kMaxInclusionProofHashes = 64;

struct ProofFile {
  std::string extra;  // raw bytes; empty means no "extra" line
  uint64_t index = 0;
  std::vector<Hash> inclusion_proof;
  std::string checkpoint;  // the signed checkpoint note, byte for byte

  bool operator==(const ProofFile&) const = default;
};

// REQUIRES: `proof.checkpoint` is a signed checkpoint note (ParseProofFile would accept the
// result) and at most kMaxInclusionProofHashes hashes.
std::string FormatProofFile(const ProofFile& proof);

// Parses strictly. Besides the grammar it checks that the checkpoint is a well-formed signed
// note (ParseNote) with a well-formed body (ParseCheckpointBody) and that index < tree size.
// It verifies neither signatures nor the inclusion proof: use OpenCheckpoint on
// `checkpoint` and the inclusion-proof verifier for that. Every accepted file formats back to
// the same bytes.
ledger::Result<ProofFile> ParseProofFile(std::string_view text);

}  // namespace tlog

#endif  // TLOG_PROOF_FILE_H_
