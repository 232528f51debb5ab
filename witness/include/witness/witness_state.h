// The core of a c2sp.org/tlog-witness witness: which logs it follows, the latest checkpoint it
// cosigned for each, and the add-checkpoint decision. No network and no clock: the HTTP server
// (http_server.h) parses requests and passes the time in.
//
// Invariants, for every origin:
//  - the recorded size never decreases, and every recorded (size, root) is consistent with the
//    previous one (proved by an RFC 6962 consistency proof, or equal);
//  - a cosignature is returned only after its checkpoint is durably recorded, so after a crash
//    the witness never cosigns a tree that a cosignature it already gave does not extend.
#ifndef WITNESS_WITNESS_STATE_H_
#define WITNESS_WITNESS_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/mutex.h"
#include "base/status.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "witness/state_store.h"

namespace witness {

struct WitnessConfig {
  // The witness's cosigner key name (c2sp.org/tlog-cosignature: a schema-less URL such as
  // "witness.example/w1") and its 32-byte Ed25519 seed. The key must serve this witness only:
  // the cosigned message does not commit to the name.
  std::string name;
  std::string seed;
  // The logs it follows: Ed25519 (tlog::kAlgEd25519) verifier keys whose name is the log's
  // origin line, as c2sp.org/tlog-checkpoint logs sign. Several keys may share an origin (key
  // rotation); a checkpoint signed by any of them is accepted.
  std::vector<tlog::NoteVerifier> logs;
};

// Thread-safe. Calls to AddCheckpoint are serialized, for all origins together: checking the
// old size and recording the new checkpoint are one atomic step, as the protocol requires, and
// the store writes all heads at once anyway.
class WitnessState {
 public:
  // Loads the heads from `store`. InvalidArgument for a bad name, a seed that is not 32 bytes, a
  // log key that is not kAlgEd25519 or two identical log keys; the store's error if it cannot
  // load. Heads of origins no longer configured are kept (and saved) but not served.
  static ledger::Result<std::unique_ptr<WitnessState>> Open(WitnessConfig config,
                                                            std::unique_ptr<StateStore> store);

  WitnessState(const WitnessState&) = delete;
  WitnessState& operator=(const WitnessState&) = delete;

  // The witness's cosignature verifier key (type tlog::kAlgCosignatureV1), as clients trust it.
  const tlog::NoteVerifier& verifier() const { return verifier_; }

  // c2sp.org/tlog-witness add-checkpoint. Checks, in this order:
  //  - the note and its checkpoint body parse:                                 InvalidArgument
  //  - the origin is a configured log:                                         NotFound
  //  - a signature by a key of that log verifies, and none by such a key fails: PermissionDenied
  //  - old_size <= checkpoint size:                                            InvalidArgument
  //  - old_size == the recorded size (0 for a log never cosigned):             Conflict
  //  - if old_size == checkpoint size, the roots are equal:                    Conflict
  //  - otherwise `proof` proves recorded tree -> checkpoint tree:              Corruption
  // then records the checkpoint's (size, root) durably (IOError if the store fails; nothing is
  // recorded then) and returns one cosignature line
  // "— <name> base64(key id || timestamp || signature)\n" timestamped `now_seconds`
  // (FailedPrecondition if that exceeds 2^63 - 1).
  // If `latest_size` is not null and the origin is configured, it receives the size the witness
  // has recorded for the origin after the call: on Conflict, the size the client should send as
  // its old size.
  ledger::Result<std::string> AddCheckpoint(uint64_t old_size, const std::vector<tlog::Hash>& proof,
                                            std::string_view signed_checkpoint,
                                            uint64_t now_seconds, uint64_t* latest_size = nullptr)
      LEDGER_EXCLUDES(mu_);

  // The latest head cosigned for `origin`; nullopt if never.
  std::optional<LogHead> Latest(std::string_view origin) const LEDGER_EXCLUDES(mu_);

 private:
  using LogKeys = std::map<std::string, std::vector<tlog::NoteVerifier>, std::less<>>;

  WitnessState(WitnessConfig config, tlog::NoteVerifier verifier, LogKeys log_keys,
               std::unique_ptr<StateStore> store, LogHeads heads);

  const std::string name_;
  const std::string seed_;
  const tlog::NoteVerifier verifier_;
  const LogKeys log_keys_;  // by origin

  mutable ledger::Mutex mu_;
  std::unique_ptr<StateStore> store_ LEDGER_GUARDED_BY(mu_);
  LogHeads heads_ LEDGER_GUARDED_BY(mu_);  // as store_ last saved successfully
};

}  // namespace witness

#endif  // WITNESS_WITNESS_STATE_H_
