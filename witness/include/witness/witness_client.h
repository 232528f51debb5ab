// The log's side of c2sp.org/tlog-witness: pushing a checkpoint to a witness for cosigning.
#ifndef WITNESS_WITNESS_CLIENT_H_
#define WITNESS_WITNESS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace witness {

// The whole exchange (resolve, connect, request, response) must finish within this.
inline constexpr std::chrono::milliseconds kPushTimeout{10000};

// POSTs `signed_checkpoint` with the consistency proof from `old_size` to
// http://<host>:<port>/add-checkpoint (protocol.h) on a new connection, and returns the
// witness's cosignature lines on 200: one or more "— ..." lines, checked for shape only. The
// caller verifies them (append them to the checkpoint and use tlog::VerifyNote with the witness
// keys it trusts, ignoring unknown ones, as the spec says). Errors, by response:
//   409       Conflict, message "witness has cosigned size <n> ..."; *witness_size (if not null)
//             is set to n: retry with a proof from n (or, if n is old_size, the witness has a
//             different root at this size);
//   400, 413  InvalidArgument; 403 PermissionDenied; 404 NotFound;
//   422       Corruption (the witness says the proof does not verify);
//   other, an unreadable response, or no connection within `timeout`: Unavailable.
// REQUIRES: proof.size() <= kMaxConsistencyProofHashes (63).
// Blocking; thread-safe (each call uses its own connection and io_context).
ledger::Result<std::string> PushCheckpoint(std::string host, uint16_t port, uint64_t old_size,
                                           const std::vector<tlog::Hash>& proof,
                                           std::string_view signed_checkpoint,
                                           uint64_t* witness_size = nullptr,
                                           std::chrono::milliseconds timeout = kPushTimeout);

}  // namespace witness

#endif  // WITNESS_WITNESS_CLIENT_H_
