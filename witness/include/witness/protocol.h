// The wire format of c2sp.org/tlog-witness add-checkpoint, shared by the witness server and the
// client that pushes checkpoints to witnesses.
//
// Request: POST <submission prefix>/add-checkpoint, body:
//   body     = "old " size "\n"
//              *63( base64( 32-byte hash ) "\n" )   ; RFC 6962 consistency proof, old -> new
//              "\n"
//              checkpoint                            ; signed note, verbatim (tlog/checkpoint.h)
//   size     = "0" / ( %x31-39 *DIGIT )             ; decimal, no leading zeros, < 2^64
// The proof is empty when the old size is 0.
//
// Responses, and the Status code each one corresponds to on either side:
//   200 "text/plain; charset=utf-8"  one or more note signature lines "— <name> <base64>\n"
//                                    (the witness's cosignatures)            OK
//   400 Bad Request        malformed body, or old size > checkpoint size     InvalidArgument
//   403 Forbidden          no valid signature by a key trusted for the origin PermissionDenied
//   404 Not Found          unknown origin                                    NotFound
//   409 Conflict           old size is not the witness's latest cosigned size, or same size with
//                          another root; body "text/x.tlog.size": size "\n"  Conflict
//   413 Payload Too Large  body over the witness's limit                     InvalidArgument
//   422 Unprocessable      the consistency proof does not verify             Corruption
//   5xx                    the witness could not persist or sign             Unavailable (client)
#ifndef WITNESS_PROTOCOL_H_
#define WITNESS_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace witness {

inline constexpr std::string_view kAddCheckpointPath = "/add-checkpoint";
inline constexpr std::string_view kSizeContentType = "text/x.tlog.size";
inline constexpr std::string_view kCosignatureContentType = "text/plain; charset=utf-8";
// "The client MUST NOT send more than 63 consistency proof lines."
inline constexpr size_t kMaxConsistencyProofHashes = 63;

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<tlog::Hash> proof;
  std::string checkpoint;  // the signed note, byte for byte; not parsed here

  bool operator==(const AddCheckpointRequest&) const = default;
};

// REQUIRES: proof.size() <= kMaxConsistencyProofHashes.
std::string FormatAddCheckpointBody(uint64_t old_size, const std::vector<tlog::Hash>& proof,
                                    std::string_view signed_checkpoint);

// Parses the body grammar above strictly (canonical base64, no leading zeros, at most 63 proof
// lines, a non-empty checkpoint); InvalidArgument says what is wrong. The checkpoint note is
// left for the witness state to parse and verify.
ledger::Result<AddCheckpointRequest> ParseAddCheckpointBody(std::string_view body);

// A 409 body: decimal size and "\n".
std::string FormatSizeBody(uint64_t size);
ledger::Result<uint64_t> ParseSizeBody(std::string_view body);

}  // namespace witness

#endif  // WITNESS_PROTOCOL_H_
