// Decoding of canonical Cap'n Proto bytes received from outside (a writer, the disk): bounded by
// ReaderOptions so that hostile input cannot make the decoder walk far, and checked to be in
// canonical form so that one event has exactly one byte string to sign and hash.
#ifndef LEDGER_SRC_CANONICAL_H_
#define LEDGER_SRC_CANONICAL_H_

#include <capnp/message.h>
#include <kj/array.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger::internal {

// The reader limits for bytes from outside (a writer, the disk): an entry or event is at most
// 64 KiB (8192 words), so a traversal limit of 2^20 words allows several walks over every field
// while damaged pointers cannot make a reader walk far; nesting is bounded as deep as the schema
// can need.
capnp::ReaderOptions ReaderLimits();

// Owns aligned words copied from the input and a reader over them.
class CanonicalMessage {
 public:
  // Corruption if the bytes are not a whole number of words, exceed the limits or are not in
  // canonical form.
  static Result<std::unique_ptr<CanonicalMessage>> Decode(std::string_view bytes,
                                                          std::string_view what);

  template <typename T>
  typename T::Reader Root() {
    return reader_->getRoot<T>();
  }

 private:
  kj::Array<capnp::word> words_;
  std::unique_ptr<capnp::MessageReader> reader_;
};

// Canonical bytes of a message root.
template <typename Reader>
std::string CanonicalBytes(Reader root) {
  kj::Array<capnp::word> words = capnp::canonicalize(root);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CANONICAL_H_
