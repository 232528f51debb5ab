// The canonical binary encoding in which projections write their state (Projection::Serialize)
// and the state store writes its file. One value has exactly one encoding, so equal states give
// equal bytes: that is what makes "a rebuild equals the incremental state" a byte comparison.
//
// Grammar (every projection's own grammar is written in these terms):
//   u8      = one byte
//   bool    = u8, 0 or 1 (anything else is Corruption)
//   uvarint = unsigned LEB128, minimal (no trailing 0x80 0x00 groups), at most 10 bytes
//   svarint = zigzag(int64) as uvarint
//   bytes   = uvarint length, then that many bytes
//   count   = uvarint, at most the number of bytes left (every element takes at least one)
#ifndef REPLAY_STATE_CODEC_H_
#define REPLAY_STATE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger::replay {

// Appends values to a byte string.
class StateWriter {
 public:
  void PutU8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void PutBool(bool v) { PutU8(v ? 1 : 0); }
  void PutUvarint(uint64_t v);
  void PutSvarint(int64_t v);
  void PutBytes(std::string_view bytes);
  void PutRaw(std::string_view bytes) { out_.append(bytes); }

  const std::string& data() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads values back. A failed read leaves the output unchanged and marks the reader failed;
// later reads fail too, so a decoder can read a whole record and check Finish() once.
class StateReader {
 public:
  explicit StateReader(std::string_view bytes) : in_(bytes) {}

  bool GetU8(uint8_t* v);
  bool GetBool(bool* v);
  bool GetUvarint(uint64_t* v);
  bool GetSvarint(int64_t* v);
  // Narrowing reads: fail if the value does not fit.
  bool GetU32(uint32_t* v);
  bool GetI32(int32_t* v);
  bool GetBytes(std::string* v);
  bool GetBytesView(std::string_view* v);
  bool GetRaw(size_t n, std::string_view* v);
  // A list length, bounded by the bytes left so that a damaged length cannot allocate much.
  bool GetCount(uint64_t* n);

  // Marks the input as malformed for a reason the caller found (a value out of range).
  void Fail() { failed_ = true; }
  bool failed() const { return failed_; }
  size_t remaining() const { return in_.size(); }

  // OK if every read succeeded and nothing is left; otherwise Corruption naming `what`.
  Status Finish(std::string_view what) const;

 private:
  std::string_view in_;
  bool failed_ = false;
};

}  // namespace ledger::replay

#endif  // REPLAY_STATE_CODEC_H_
