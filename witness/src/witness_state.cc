#include "witness/witness_state.h"

#include <utility>

#include "base/base64.h"
#include "base/mutex.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/verify.h"

namespace witness {
namespace {

using ledger::Result;
using ledger::Status;

constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";  // em dash U+2014, space

// A c2sp.org/signed-note signature line: "— <name> base64(key id || signature)\n".
std::string FormatSignatureLine(const tlog::NoteSignature& signature) {
  const uint32_t id = signature.key_id;
  std::string raw = {static_cast<char>(id >> 24), static_cast<char>(id >> 16),
                     static_cast<char>(id >> 8), static_cast<char>(id)};
  raw += signature.signature;
  return std::string(kSignaturePrefix) + signature.name + " " + ledger::Base64Encode(raw) + "\n";
}

}  // namespace

Result<std::unique_ptr<WitnessState>> WitnessState::Open(WitnessConfig config,
                                                         std::unique_ptr<StateStore> store) {
  Result<tlog::NoteVerifier> verifier =
      tlog::VerifierFromSeed(config.name, tlog::kAlgCosignatureV1, config.seed);
  if (!verifier.ok()) return verifier.status().WithContext("witness key");
  LogKeys log_keys;
  for (const tlog::NoteVerifier& key : config.logs) {
    if (key.alg != tlog::kAlgEd25519) {
      return Status::InvalidArgument("log key " + key.name + " is not an Ed25519 (0x01) key");
    }
    std::vector<tlog::NoteVerifier>& keys = log_keys[key.name];
    for (const tlog::NoteVerifier& other : keys) {
      // VerifyNote refuses a signature that two known keys match, so catch it here, at start.
      if (other.key_id == key.key_id) {
        return Status::InvalidArgument("log " + key.name + " has two keys with one key id");
      }
    }
    keys.push_back(key);
  }
  LEDGER_ASSIGN_OR_RETURN(LogHeads heads, store->Load());
  return std::unique_ptr<WitnessState>(new WitnessState(std::move(config), std::move(*verifier),
                                                        std::move(log_keys), std::move(store),
                                                        std::move(heads)));
}

WitnessState::WitnessState(WitnessConfig config, tlog::NoteVerifier verifier, LogKeys log_keys,
                           std::unique_ptr<StateStore> store, LogHeads heads)
    : name_(std::move(config.name)),
      seed_(std::move(config.seed)),
      verifier_(std::move(verifier)),
      log_keys_(std::move(log_keys)),
      store_(std::move(store)),
      heads_(std::move(heads)) {}

Result<std::string> WitnessState::AddCheckpoint(uint64_t old_size,
                                                const std::vector<tlog::Hash>& proof,
                                                std::string_view signed_checkpoint,
                                                uint64_t now_seconds, uint64_t* latest_size) {
  // Parsing and the log's signature depend on no state: check them before taking the lock.
  LEDGER_ASSIGN_OR_RETURN(tlog::Note note, tlog::ParseNote(signed_checkpoint));
  LEDGER_ASSIGN_OR_RETURN(tlog::Checkpoint checkpoint, tlog::ParseCheckpointBody(note.text));
  auto keys = log_keys_.find(checkpoint.origin);
  if (keys == log_keys_.end()) {
    return Status::NotFound("unknown log origin \"" + checkpoint.origin + "\"");
  }
  // Both "no trusted signature" (PermissionDenied) and "a trusted key's signature fails"
  // (Corruption) mean the log did not sign this checkpoint: 403 either way.
  if (Status verified = tlog::VerifyNote(note, keys->second, nullptr); !verified.ok()) {
    return Status::PermissionDenied("checkpoint not signed by log " + checkpoint.origin + ": " +
                                    verified.message());
  }
  // Signing is pure too; a cosignature is worthless unless the checks below pass.
  Result<tlog::NoteSignature> cosignature =
      tlog::CosignCheckpoint(note.text, name_, seed_, now_seconds);
  if (!cosignature.ok()) {
    // The body parsed and the key was checked at Open, so only the clock can be at fault.
    return Status::FailedPrecondition("cannot cosign: " + cosignature.status().message());
  }

  ledger::MutexLock lock(mu_);
  auto head = heads_.find(checkpoint.origin);
  const LogHead recorded =
      head != heads_.end() ? head->second : LogHead{.size = 0, .root = tlog::EmptyRoot()};
  if (latest_size != nullptr) *latest_size = recorded.size;

  if (old_size > checkpoint.size) {
    return Status::InvalidArgument("old size " + std::to_string(old_size) +
                                   " exceeds checkpoint size " + std::to_string(checkpoint.size));
  }
  if (old_size != recorded.size) {
    return Status::Conflict("old size " + std::to_string(old_size) +
                            " is not the witness's latest cosigned size " +
                            std::to_string(recorded.size));
  }
  if (checkpoint.size == recorded.size && checkpoint.root != recorded.root) {
    return Status::Conflict("checkpoint of size " + std::to_string(checkpoint.size) +
                            " has a root other than the one the witness cosigned");
  }
  if (Status consistent = tlog::VerifyConsistency(recorded.size, checkpoint.size, proof,
                                                  recorded.root, checkpoint.root);
      !consistent.ok()) {
    return Status::Corruption("consistency proof from size " + std::to_string(recorded.size) +
                              " does not verify: " + consistent.message());
  }
  if (checkpoint.size != recorded.size || head == heads_.end()) {
    // Save a copy first: heads_ must keep matching the store if the save fails.
    LogHeads next = heads_;
    next[checkpoint.origin] = LogHead{.size = checkpoint.size, .root = checkpoint.root};
    LEDGER_RETURN_IF_ERROR(store_->Save(next));
    heads_ = std::move(next);
    if (latest_size != nullptr) *latest_size = checkpoint.size;
  }
  return FormatSignatureLine(*cosignature);
}

std::optional<LogHead> WitnessState::Latest(std::string_view origin) const {
  ledger::MutexLock lock(mu_);
  auto head = heads_.find(origin);
  if (head == heads_.end()) return std::nullopt;
  return head->second;
}

}  // namespace witness
