#include "replication/messages.h"

#include <charconv>

#include "base/base64.h"
#include "base/hex.h"
#include "tlog/note.h"

namespace ledger::replication {
namespace {

constexpr std::string_view kIdentityHeader = "ledger-identity/v1";

// The value of "<name> <value>" on line `line` of `lines`, or InvalidArgument.
Result<std::string> Field(const std::vector<std::string_view>& lines, size_t line,
                          std::string_view name) {
  if (line >= lines.size() || !lines[line].starts_with(name) ||
      lines[line].size() <= name.size() + 1 || lines[line][name.size()] != ' ') {
    return Status::InvalidArgument("identity note: line " + std::to_string(line + 1) +
                                   " must be \"" + std::string(name) + " <value>\"");
  }
  return std::string(lines[line].substr(name.size() + 1));
}

}  // namespace

Status ValidateStreamName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("stream name must have 1 to 64 characters");
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("stream name \"" + std::string(name) +
                                     "\": only A-Z a-z 0-9 _ - are allowed");
    }
  }
  return Status::Ok();
}

std::string EncodeEntries(const std::vector<std::string>& entries) {
  std::string out;
  size_t total = 0;
  for (const auto& e : entries) total += 4 + e.size();
  out.reserve(total);
  for (const auto& e : entries) {
    const uint32_t n = static_cast<uint32_t>(e.size());
    out.push_back(static_cast<char>(n >> 24));
    out.push_back(static_cast<char>(n >> 16));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
    out.append(e);
  }
  return out;
}

Result<std::vector<std::string>> DecodeEntries(std::string_view body, uint64_t count) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < body.size()) {
    if (body.size() - at < 4) {
      return Status::InvalidArgument("entries message: a length is cut off at byte " +
                                     std::to_string(at));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(body.data() + at);
    const size_t n = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    at += 4;
    if (n == 0 || n > body.size() - at) {
      return Status::InvalidArgument("entries message: entry " + std::to_string(out.size()) +
                                     " has length " + std::to_string(n) + " at byte " +
                                     std::to_string(at - 4) + ", beyond the body");
    }
    out.emplace_back(body.substr(at, n));
    at += n;
    if (out.size() > count) break;
  }
  if (out.size() != count) {
    return Status::InvalidArgument("entries message: Ledger-Count says " + std::to_string(count) +
                                   " entries, the body holds " +
                                   (out.size() > count ? "more" : std::to_string(out.size())));
  }
  return out;
}

std::string SignIdentity(const LedgerIdentity& identity, const SigningKey& ledger_key) {
  tlog::Note note;
  note.text = std::string(kIdentityHeader) + "\norigin " + identity.origin + "\npublic-key " +
              Base64Encode(identity.public_key) + "\nfirst-admin " +
              HexEncode(identity.first_admin_key_id) + "\nmax-agreement-problems " +
              std::to_string(identity.max_agreement_problems) + "\n";
  note.signatures.push_back(tlog::SignNoteEd25519(note.text, ledger_key.name(), ledger_key.seed()));
  return tlog::FormatNote(note);
}

Result<LedgerIdentity> OpenIdentity(std::string_view note_text, std::string_view verifier_key) {
  LEDGER_ASSIGN_OR_RETURN(auto verifier, tlog::ParseVerifierKey(verifier_key));
  LEDGER_ASSIGN_OR_RETURN(auto note, tlog::ParseNote(note_text));
  Status verified = tlog::VerifyNote(note, {verifier}, nullptr);
  if (!verified.ok()) {
    return verified.WithContext("identity note: not signed by " + verifier.name);
  }
  std::vector<std::string_view> lines;
  std::string_view text = note.text;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  if (lines.size() != 5 || lines[0] != kIdentityHeader) {
    return Status::InvalidArgument("identity note: expected 5 lines starting with " +
                                   std::string(kIdentityHeader));
  }
  LedgerIdentity identity;
  LEDGER_ASSIGN_OR_RETURN(identity.origin, Field(lines, 1, "origin"));
  LEDGER_ASSIGN_OR_RETURN(auto key_text, Field(lines, 2, "public-key"));
  LEDGER_ASSIGN_OR_RETURN(identity.public_key, Base64Decode(key_text));
  LEDGER_ASSIGN_OR_RETURN(auto admin_text, Field(lines, 3, "first-admin"));
  LEDGER_ASSIGN_OR_RETURN(identity.first_admin_key_id, HexDecode(admin_text));
  LEDGER_ASSIGN_OR_RETURN(auto max_text, Field(lines, 4, "max-agreement-problems"));
  uint32_t max = 0;
  auto [end, ec] = std::from_chars(max_text.data(), max_text.data() + max_text.size(), max);
  if (ec != std::errc() || end != max_text.data() + max_text.size() || max < 1 || max > 16) {
    return Status::InvalidArgument("identity note: max-agreement-problems must be 1 to 16");
  }
  identity.max_agreement_problems = max;
  if (identity.origin != verifier.name || identity.public_key != verifier.public_key) {
    return Status::PermissionDenied("identity note: names " + identity.origin +
                                    " and another key than the verifier key " + verifier.name);
  }
  if (identity.first_admin_key_id.size() != 4) {
    return Status::InvalidArgument("identity note: first-admin must be 8 hex digits");
  }
  return identity;
}

}  // namespace ledger::replication
