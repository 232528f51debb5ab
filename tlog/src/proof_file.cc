#include "tlog/proof_file.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include "base/base64.h"
#include "base/decimal.h"
#include "text.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace tlog {
namespace {

using ledger::Base64Decode;
using ledger::Base64Encode;
using ledger::Status;

constexpr std::string_view kHeader = "c2sp.org/tlog-proof@v1";
constexpr std::string_view kExtraPrefix = "extra ";
constexpr std::string_view kIndexPrefix = "index ";

}  // namespace

std::string FormatProofFile(const ProofFile& proof) {
  // Invariant (REQUIRES): see the header.
  assert(proof.inclusion_proof.size() <= kMaxInclusionProofHashes);
  std::string out(kHeader);
  out += '\n';
  if (!proof.extra.empty()) {
    out += kExtraPrefix;
    out += Base64Encode(proof.extra);
    out += '\n';
  }
  out += kIndexPrefix;
  out += std::to_string(proof.index);
  out += '\n';
  for (const Hash& h : proof.inclusion_proof) {
    out += Base64Encode(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
    out += '\n';
  }
  out += '\n';
  out += proof.checkpoint;
  return out;
}

ledger::Result<ProofFile> ParseProofFile(std::string_view text) {
  // The checkpoint note is at most kMaxNoteSize; the lines before it are at most a few KiB.
  constexpr size_t kMaxProofFileSize = kMaxNoteSize + 16 * 1024;
  if (text.size() > kMaxProofFileSize) {
    return Status::InvalidArgument("proof file has " + std::to_string(text.size()) +
                                   " bytes; at most " + std::to_string(kMaxProofFileSize) +
                                   " are accepted");
  }
  ProofFile proof;
  std::string_view line;
  if (!internal::NextLine(&text, &line) || line != kHeader) {
    return Status::InvalidArgument("proof file does not start with the line " +
                                   std::string(kHeader));
  }
  if (!internal::NextLine(&text, &line)) {
    return Status::InvalidArgument("proof file ends after its first line");
  }
  if (line.starts_with(kExtraPrefix)) {
    auto extra = Base64Decode(line.substr(kExtraPrefix.size()));
    if (!extra.ok() || extra->empty()) {
      return Status::InvalidArgument("proof file extra data is not non-empty canonical base64");
    }
    proof.extra = std::move(*extra);
    if (!internal::NextLine(&text, &line)) {
      return Status::InvalidArgument("proof file ends after its extra line");
    }
  }
  if (!line.starts_with(kIndexPrefix)) {
    return Status::InvalidArgument("proof file has " + internal::Quote(line) +
                                   " where the line \"index <i>\" belongs");
  }
  auto index = ledger::ParseDecimal(line.substr(kIndexPrefix.size()));
  if (!index.ok()) {
    return Status::InvalidArgument("proof file index " +
                                   internal::Quote(line.substr(kIndexPrefix.size())) +
                                   " is not a decimal below 2^64 without leading zeros");
  }
  proof.index = *index;
  while (true) {
    if (!internal::NextLine(&text, &line)) {
      return Status::InvalidArgument("proof file has no blank line before its checkpoint");
    }
    if (line.empty()) break;
    if (proof.inclusion_proof.size() == kMaxInclusionProofHashes) {
      return Status::InvalidArgument("proof file has more than " +
                                     std::to_string(kMaxInclusionProofHashes) +
                                     " inclusion proof hashes");
    }
    auto raw = Base64Decode(line);
    Hash h;
    if (!raw.ok() || raw->size() != h.size()) {
      return Status::InvalidArgument(
          "proof file inclusion proof line " + std::to_string(proof.inclusion_proof.size() + 1) +
          " " + internal::Quote(line) + " is not canonical base64 of a 32-byte hash");
    }
    std::copy(raw->begin(), raw->end(), h.begin());
    proof.inclusion_proof.push_back(h);
  }
  auto note = ParseNote(text);
  if (!note.ok()) return note.status().WithContext("proof file checkpoint");
  auto checkpoint = ParseCheckpointBody(note->text);
  if (!checkpoint.ok()) return checkpoint.status().WithContext("proof file");
  if (proof.index >= checkpoint->size) {
    return Status::InvalidArgument("proof file index " + std::to_string(proof.index) +
                                   " is not below the checkpoint's tree size " +
                                   std::to_string(checkpoint->size));
  }
  proof.checkpoint = std::string(text);
  return proof;
}

}  // namespace tlog
