#include "tlog/checkpoint.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include "base/base64.h"
#include "base/decimal.h"
#include "text.h"

namespace tlog {
namespace {

using ledger::Base64Decode;
using ledger::Base64Encode;
using ledger::Status;

// The body without validation; the caller validates or has validated.
std::string FormatUnchecked(const Checkpoint& c) {
  std::string out = c.origin;
  out += '\n';
  out += std::to_string(c.size);
  out += '\n';
  out +=
      Base64Encode(std::string_view(reinterpret_cast<const char*>(c.root.data()), c.root.size()));
  out += '\n';
  for (const std::string& ext : c.extensions) {
    out += ext;
    out += '\n';
  }
  return out;
}

}  // namespace

Status ValidateCheckpoint(const Checkpoint& checkpoint) {
  // The format is simple enough that the parser is the exact statement of validity.
  auto parsed = ParseCheckpointBody(FormatUnchecked(checkpoint));
  if (!parsed.ok()) return parsed.status();
  if (!(*parsed == checkpoint)) {
    // A newline inside the origin or an extension splits it into lines the parser accepts.
    return Status::InvalidArgument("checkpoint origin or extension contains a newline");
  }
  return Status::Ok();
}

std::string FormatCheckpointBody(const Checkpoint& checkpoint) {
  // Invariant (REQUIRES): see the header. Checked in debug builds only, as it costs a parse.
  assert(ValidateCheckpoint(checkpoint).ok());
  return FormatUnchecked(checkpoint);
}

ledger::Result<Checkpoint> ParseCheckpointBody(std::string_view text) {
  if (text.size() > kMaxNoteSize) {
    return Status::InvalidArgument("checkpoint has " + std::to_string(text.size()) +
                                   " bytes; at most " + std::to_string(kMaxNoteSize) +
                                   " are accepted");
  }
  LEDGER_RETURN_IF_ERROR(internal::CheckNoteCharacters(text, "checkpoint"));
  if (!text.ends_with('\n')) {
    return Status::InvalidArgument("checkpoint does not end in a newline");
  }
  Checkpoint c;
  std::string_view line;
  if (!internal::NextLine(&text, &line) || line.empty()) {
    return Status::InvalidArgument("checkpoint origin line is empty");
  }
  c.origin = std::string(line);
  if (!internal::NextLine(&text, &line)) {
    return Status::InvalidArgument("checkpoint has no tree size line");
  }
  auto size = ledger::ParseDecimal(line);
  if (!size.ok()) {
    return Status::InvalidArgument("checkpoint tree size " + internal::Quote(line) +
                                   " is not a decimal below 2^64 without leading zeros");
  }
  c.size = *size;
  if (!internal::NextLine(&text, &line)) {
    return Status::InvalidArgument("checkpoint has no root hash line");
  }
  auto root = Base64Decode(line);
  if (!root.ok() || root->size() != c.root.size()) {
    return Status::InvalidArgument("checkpoint root hash " + internal::Quote(line) +
                                   " is not canonical base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), c.root.begin());
  while (internal::NextLine(&text, &line)) {
    if (line.empty()) {
      return Status::InvalidArgument("checkpoint extension line " +
                                     std::to_string(c.extensions.size() + 1) + " is empty");
    }
    c.extensions.emplace_back(line);
  }
  return c;
}

ledger::Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NoteVerifier& log_key,
                                          std::vector<NoteSignature>* other_signatures) {
  if (log_key.alg != kAlgEd25519) {
    return Status::InvalidArgument("log key " + log_key.name +
                                   " is not an Ed25519 (type 0x01) note key");
  }
  LEDGER_ASSIGN_OR_RETURN(Note note, ParseNote(signed_note));
  LEDGER_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpointBody(note.text));
  if (checkpoint.origin != log_key.name) {
    return Status::InvalidArgument("checkpoint origin " + internal::Quote(checkpoint.origin) +
                                   " is not the log key's name " + internal::Quote(log_key.name));
  }
  LEDGER_RETURN_IF_ERROR(VerifyNote(note, {log_key}, nullptr).WithContext("checkpoint"));
  if (other_signatures != nullptr) {
    other_signatures->clear();
    for (NoteSignature& sig : note.signatures) {
      if (sig.name == log_key.name && sig.key_id == log_key.key_id) continue;
      other_signatures->push_back(std::move(sig));
    }
  }
  return checkpoint;
}

}  // namespace tlog
