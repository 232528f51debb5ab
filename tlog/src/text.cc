#include "text.h"

#include <string>

#include "base/hex.h"

namespace tlog::internal {
namespace {

// Decodes the UTF-8 sequence at text[pos]. Returns its length and sets *rune, or returns 0 for
// an invalid sequence: a stray continuation byte, a truncated sequence, an overlong encoding, a
// surrogate (U+D800..U+DFFF) or a value above U+10FFFF, exactly the sequences Go's
// utf8.DecodeRune reports as RuneError of size 1.
size_t DecodeRune(std::string_view text, size_t pos, uint32_t* rune) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(text[pos + i]); };
  uint8_t b0 = byte(0);
  if (b0 < 0x80) {
    *rune = b0;
    return 1;
  }
  size_t len;
  uint32_t min;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2, min = 0x80, *rune = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3, min = 0x800, *rune = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4, min = 0x10000, *rune = b0 & 0x07;
  } else {
    return 0;
  }
  if (text.size() - pos < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    *rune = *rune << 6 | (byte(i) & 0x3f);
  }
  if (*rune < min || *rune > 0x10ffff || (*rune >= 0xd800 && *rune <= 0xdfff)) return 0;
  return len;
}

// Go's unicode.IsSpace: the Latin-1 spaces and the White_Space property.
bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200a;
  }
}

}  // namespace

ledger::Status CheckNoteCharacters(std::string_view text, std::string_view what) {
  for (size_t pos = 0; pos < text.size();) {
    uint32_t rune;
    size_t len = DecodeRune(text, pos, &rune);
    if (len == 0) {
      return ledger::Status::InvalidArgument(std::string(what) + ": invalid UTF-8 at byte " +
                                             std::to_string(pos));
    }
    if (rune < 0x20 && rune != '\n') {
      return ledger::Status::InvalidArgument(std::string(what) + ": control character " +
                                             std::to_string(rune) + " at byte " +
                                             std::to_string(pos) + " (only newline is allowed)");
    }
    pos += len;
  }
  return ledger::Status::Ok();
}

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t pos = 0; pos < name.size();) {
    uint32_t rune;
    size_t len = DecodeRune(name, pos, &rune);
    if (len == 0 || rune == '+' || IsUnicodeSpace(rune)) return false;
    pos += len;
  }
  return true;
}

bool NextLine(std::string_view* text, std::string_view* line) {
  size_t nl = text->find('\n');
  if (nl == std::string_view::npos) return false;
  *line = text->substr(0, nl);
  text->remove_prefix(nl + 1);
  return true;
}

std::string Quote(std::string_view untrusted) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  for (size_t i = 0; i < untrusted.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(untrusted[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += ledger::HexEncode(untrusted.substr(i, 1));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (untrusted.size() > kMaxShown) out += "...";
  out += "\"";
  return out;
}

}  // namespace tlog::internal
