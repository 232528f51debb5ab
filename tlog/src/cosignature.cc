#include "tlog/cosignature.h"

#include "base/ed25519.h"
#include "text.h"
#include "tlog/checkpoint.h"

namespace tlog {
namespace {

using ledger::Status;

constexpr size_t kTimestampSize = 8;
constexpr size_t kCosignatureSize = kTimestampSize + ledger::kEd25519SignatureSize;

}  // namespace

std::string CosignatureMessage(std::string_view checkpoint_body, uint64_t timestamp) {
  std::string out = "cosignature/v1\ntime ";
  out += std::to_string(timestamp);
  out += '\n';
  out += checkpoint_body;
  return out;
}

ledger::Result<NoteSignature> CosignCheckpoint(std::string_view checkpoint_body,
                                               std::string_view name, std::string_view seed,
                                               uint64_t timestamp) {
  if (timestamp > kMaxCosignatureTimestamp) {
    return Status::InvalidArgument("cosignature timestamp " + std::to_string(timestamp) +
                                   " exceeds 2^63 - 1");
  }
  auto body = ParseCheckpointBody(checkpoint_body);
  if (!body.ok()) return body.status().WithContext("cosigning");
  LEDGER_ASSIGN_OR_RETURN(NoteVerifier verifier, VerifierFromSeed(name, kAlgCosignatureV1, seed));
  std::string bytes(kTimestampSize, '\0');
  for (size_t i = 0; i < kTimestampSize; ++i) {
    bytes[i] = static_cast<char>(timestamp >> (8 * (kTimestampSize - 1 - i)));
  }
  bytes += ledger::Ed25519SignWithSeed(seed, CosignatureMessage(checkpoint_body, timestamp));
  return NoteSignature{std::move(verifier.name), verifier.key_id, std::move(bytes)};
}

ledger::Result<uint64_t> VerifyCosignature(std::string_view checkpoint_body,
                                           const NoteSignature& signature,
                                           const NoteVerifier& cosigner) {
  if (cosigner.alg != kAlgCosignatureV1) {
    return Status::InvalidArgument("key " + cosigner.name +
                                   " is not a cosignature/v1 (type 0x04) key");
  }
  if (signature.name != cosigner.name || signature.key_id != cosigner.key_id) {
    return Status::InvalidArgument("signature by " + internal::Quote(signature.name) +
                                   " is not by cosigner " + internal::Quote(cosigner.name) +
                                   " (name or key id differ)");
  }
  auto body = ParseCheckpointBody(checkpoint_body);
  if (!body.ok()) return body.status().WithContext("cosigned text");
  const std::string& bytes = signature.signature;
  if (bytes.size() != kCosignatureSize) {
    return Status::Corruption("cosignature by " + cosigner.name + " has " +
                              std::to_string(bytes.size()) +
                              " bytes; a timestamp and an Ed25519 signature have 72");
  }
  uint64_t timestamp = 0;
  for (size_t i = 0; i < kTimestampSize; ++i) {
    timestamp = timestamp << 8 | static_cast<uint8_t>(bytes[i]);
  }
  if (timestamp > kMaxCosignatureTimestamp) {
    return Status::Corruption("cosignature by " + cosigner.name + " has timestamp " +
                              std::to_string(timestamp) + ", above 2^63 - 1");
  }
  std::string_view sig = std::string_view(bytes).substr(kTimestampSize);
  if (!ledger::Ed25519Verify(cosigner.public_key, CosignatureMessage(checkpoint_body, timestamp),
                             sig)) {
    return Status::Corruption("cosignature by " + cosigner.name + " does not verify");
  }
  return timestamp;
}

}  // namespace tlog
