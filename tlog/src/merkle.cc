#include "tlog/merkle.h"

#include <algorithm>
#include <type_traits>

#include "base/sha256.h"

namespace tlog {

// Hash is ledger::Sha256Digest: one 32-byte array type for every SHA-256 value.
static_assert(std::is_same_v<Hash, ledger::Sha256Digest>);

Hash HashLeaf(std::string_view leaf_data) {
  return ledger::Sha256Parts({std::string_view("\x00", 1), leaf_data});
}

Hash HashChildren(const Hash& left, const Hash& right) {
  char buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  return ledger::Sha256(std::string_view(buf, sizeof buf));
}

Hash EmptyRoot() { return ledger::Sha256(""); }

}  // namespace tlog
