#include "witness/protocol.h"

#include <cassert>

#include "base/decimal.h"
#include "tlog/base64.h"

namespace witness {
namespace {

using ledger::Status;

// Splits off the text up to the first '\n' into *line and drops both from *text. False if
// there is no '\n'.
bool NextLine(std::string_view* text, std::string_view* line) {
  size_t newline = text->find('\n');
  if (newline == std::string_view::npos) return false;
  *line = text->substr(0, newline);
  text->remove_prefix(newline + 1);
  return true;
}

}  // namespace

std::string FormatAddCheckpointBody(uint64_t old_size, const std::vector<tlog::Hash>& proof,
                                    std::string_view signed_checkpoint) {
  // Invariant: callers send at most what a witness accepts; a longer proof is a caller bug.
  assert(proof.size() <= kMaxConsistencyProofHashes);
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const tlog::Hash& hash : proof) body += tlog::HashToBase64(hash) + "\n";
  body += "\n";
  body += signed_checkpoint;
  return body;
}

ledger::Result<AddCheckpointRequest> ParseAddCheckpointBody(std::string_view body) {
  AddCheckpointRequest request;
  std::string_view line;
  if (!NextLine(&body, &line)) return Status::InvalidArgument("body has no old size line");
  // Without the "old " prefix the empty text is parsed, which fails.
  auto old_size = ledger::ParseDecimal(line.starts_with("old ") ? line.substr(4) : "");
  if (!old_size.ok()) {
    return Status::InvalidArgument(
        "first line is not \"old <size>\" with a decimal size without leading zeros");
  }
  request.old_size = *old_size;
  for (size_t number = 2;; ++number) {
    if (!NextLine(&body, &line)) {
      return Status::InvalidArgument("body has no empty line before the checkpoint");
    }
    if (line.empty()) break;
    if (request.proof.size() == kMaxConsistencyProofHashes) {
      return Status::InvalidArgument("more than 63 consistency proof lines");
    }
    std::optional<tlog::Hash> hash = tlog::HashFromBase64(line);
    if (!hash) {
      return Status::InvalidArgument("line " + std::to_string(number) +
                                     " is not a base64 32-byte hash");
    }
    request.proof.push_back(*hash);
  }
  if (body.empty()) return Status::InvalidArgument("body has no checkpoint");
  request.checkpoint = std::string(body);
  return request;
}

std::string FormatSizeBody(uint64_t size) { return std::to_string(size) + "\n"; }

ledger::Result<uint64_t> ParseSizeBody(std::string_view body) {
  auto size = ledger::ParseDecimal(body.ends_with('\n') ? body.substr(0, body.size() - 1) : "");
  if (!size.ok()) {
    return Status::InvalidArgument("tree size body is not a decimal size and a newline");
  }
  return *size;
}

}  // namespace witness
