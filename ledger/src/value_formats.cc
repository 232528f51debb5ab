#include "value_formats.h"

#include <array>
#include <string>

#include "ledger/time_format.h"

namespace ledger::internal {
namespace {

constexpr size_t kMaxIdLength = 64;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsIdChar(char c) { return IsAsciiAlnum(c) || c == '.' || c == '_' || c == ':' || c == '-'; }

// Codes and legal references: identifier characters plus the punctuation of Norwegian and EU
// statute references ("NO:sotjl§18", "GDPR:6(1)(e)", "case/"). "§" is the UTF-8 pair C2 A7.
bool IsCode(std::string_view v) {
  if (v.empty() || v.size() > kMaxIdLength) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (IsIdChar(c) || c == '(' || c == ')' || c == '/') continue;
    if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < v.size() &&
        static_cast<unsigned char>(v[i + 1]) == 0xA7) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

bool AllDigits(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsLowerHexOfLength(std::string_view v, size_t n) {
  if (v.size() != n) return false;
  for (char c : v) {
    if (!IsLowerHex(c)) return false;
  }
  return true;
}

Status Expected(std::string_view what) {
  std::string m = "expected ";
  m += what;
  return Status::InvalidArgument(std::move(m));
}

constexpr std::array<std::string_view, 6> kRecipients = {
    "nav", "school", "health", "child_welfare", "referral_committee", "employer"};

}  // namespace

bool IsUuid(std::string_view v) {
  if (v.size() != 36) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? v[i] != '-' : !IsLowerHex(v[i])) return false;
  }
  return true;
}

bool IsIdentifier(std::string_view v) {
  if (v.empty() || v.size() > kMaxIdLength) return false;
  for (char c : v) {
    if (!IsIdChar(c)) return false;
  }
  return true;
}

Status CheckValueFormat(std::string_view format, std::string_view value) {
  if (format == "uuid") {
    return IsUuid(value) ? Status::Ok() : Expected("a lowercase UUID (8-4-4-4-12 hex)");
  }
  if (format == "id") {
    return IsIdentifier(value) ? Status::Ok() : Expected("an id of 1-64 chars [A-Za-z0-9._:-]");
  }
  if (format == "code" || format == "legal") {
    return IsCode(value) ? Status::Ok()
                         : Expected("a code of 1-64 chars [A-Za-z0-9._:-()/§], no spaces");
  }
  if (format == "date") return ParseDate(value).status();
  if (format == "month") return ParseMonth(value).status();
  if (format == "instant") return ParseInstantMicros(value).status();
  if (format == "kommune") {
    return value.size() == 4 && AllDigits(value) ? Status::Ok()
                                                 : Expected("a 4-digit kommunenummer");
  }
  if (format == "sha256") {
    return IsLowerHexOfLength(value, 64) ? Status::Ok() : Expected("64 lowercase hex digits");
  }
  if (format == "key_id") {
    return IsLowerHexOfLength(value, 8) ? Status::Ok() : Expected("8 lowercase hex digits");
  }
  if (format == "key_name") {
    bool ok = !value.empty() && value.size() <= 128;
    for (char c : value) {
      if (c == '+' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) ok = false;
    }
    return ok ? Status::Ok() : Expected("a key name without '+' or white space");
  }
  if (format == "ed25519_public") {
    // Standard base64 of 32 bytes: 43 characters and one '='.
    bool ok = value.size() == 44 && value[43] == '=';
    for (size_t i = 0; ok && i < 43; ++i) {
      char c = value[i];
      ok = IsAsciiAlnum(c) || c == '+' || c == '/';
    }
    return ok ? Status::Ok() : Expected("standard base64 of a 32-byte Ed25519 public key");
  }
  if (format == "recipient") {
    for (auto r : kRecipients) {
      if (value == r) return Status::Ok();
    }
    if (value.starts_with("evaluator:") && IsIdentifier(value.substr(10))) return Status::Ok();
    return Expected(
        "a recipient: nav, school, health, child_welfare, referral_committee, employer or "
        "evaluator:<org>");
  }
  if (format == "basis") {
    if (value.starts_with("consent:")) {
      return IsIdentifier(value.substr(8)) ? Status::Ok()
                                           : Expected("consent:<consent_id> with a valid id");
    }
    return IsCode(value) ? Status::Ok() : Expected("consent:<consent_id> or a statute code");
  }
  if (format == "stream") {
    if (value == "keys" || value == "releases") return Status::Ok();
    if (value.starts_with("case/") && IsIdentifier(value.substr(5))) return Status::Ok();
    return Expected("a stream: case/<subject>, keys or releases");
  }
  if (format == "subject") {
    if (!IsIdentifier(value)) return Expected("a pseudonymous subject id [A-Za-z0-9._:-]{1,64}");
    // A national identity number (11 digits) must never be used as a reference.
    if (value.size() == 11 && AllDigits(value)) {
      return Expected("a pseudonymous subject id, not a national identity number");
    }
    return Status::Ok();
  }
  if (format == "expected_version") {
    if (value == "any" || value == "no_stream" || value == "exists") return Status::Ok();
    if (AllDigits(value) && value.size() <= 19 && (value.size() == 1 || value[0] != '0')) {
      return Status::Ok();
    }
    return Expected("a stream version, \"no_stream\", \"exists\" or \"any\"");
  }
  std::string m = "schema names an unknown value format: ";
  m += format;
  return Status::FailedPrecondition(std::move(m));
}

}  // namespace ledger::internal
