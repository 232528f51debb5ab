#include "replay/state_codec.h"

#include <limits>

namespace ledger::replay {

void StateWriter::PutUvarint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void StateWriter::PutSvarint(int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  PutUvarint((u << 1) ^ (v < 0 ? ~uint64_t{0} : 0));
}

void StateWriter::PutBytes(std::string_view bytes) {
  PutUvarint(bytes.size());
  out_.append(bytes);
}

bool StateReader::GetU8(uint8_t* v) {
  if (failed_ || in_.empty()) return (failed_ = true, false);
  *v = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  return true;
}

bool StateReader::GetBool(bool* v) {
  uint8_t b = 0;
  if (!GetU8(&b)) return false;
  if (b > 1) return (failed_ = true, false);
  *v = b == 1;
  return true;
}

bool StateReader::GetUvarint(uint64_t* v) {
  if (failed_) return false;
  uint64_t result = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (i >= in_.size()) break;
    uint8_t b = static_cast<uint8_t>(in_[i]);
    // The tenth byte may carry only the top bit of a 64-bit value.
    if (i == 9 && b > 1) break;
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      // Minimal: a last byte of zero is allowed only for the value 0 itself.
      if (b == 0 && i > 0) break;
      in_.remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  failed_ = true;
  return false;
}

bool StateReader::GetSvarint(int64_t* v) {
  uint64_t u = 0;
  if (!GetUvarint(&u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool StateReader::GetU32(uint32_t* v) {
  uint64_t u = 0;
  if (!GetUvarint(&u)) return false;
  if (u > std::numeric_limits<uint32_t>::max()) return (failed_ = true, false);
  *v = static_cast<uint32_t>(u);
  return true;
}

bool StateReader::GetI32(int32_t* v) {
  int64_t s = 0;
  if (!GetSvarint(&s)) return false;
  if (s < std::numeric_limits<int32_t>::min() || s > std::numeric_limits<int32_t>::max()) {
    return (failed_ = true, false);
  }
  *v = static_cast<int32_t>(s);
  return true;
}

bool StateReader::GetBytesView(std::string_view* v) {
  uint64_t n = 0;
  if (!GetUvarint(&n)) return false;
  return GetRaw(n, v);
}

bool StateReader::GetBytes(std::string* v) {
  std::string_view view;
  if (!GetBytesView(&view)) return false;
  v->assign(view);
  return true;
}

bool StateReader::GetRaw(size_t n, std::string_view* v) {
  if (failed_ || n > in_.size()) return (failed_ = true, false);
  *v = in_.substr(0, n);
  in_.remove_prefix(n);
  return true;
}

bool StateReader::GetCount(uint64_t* n) {
  if (!GetUvarint(n)) return false;
  if (*n > in_.size()) return (failed_ = true, false);
  return true;
}

Status StateReader::Finish(std::string_view what) const {
  if (failed_) return Status::Corruption(std::string(what) + ": malformed state bytes");
  if (!in_.empty()) {
    return Status::Corruption(std::string(what) + ": " + std::to_string(in_.size()) +
                              " unexpected bytes after the state");
  }
  return Status::Ok();
}

}  // namespace ledger::replay
