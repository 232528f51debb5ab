#include "tlog/merkle.h"

#include <sodium.h>

#include <algorithm>

namespace tlog {

Hash HashLeaf(std::string_view leaf_data) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  const unsigned char prefix = 0x00;
  crypto_hash_sha256_update(&st, &prefix, 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(leaf_data.data()),
                            leaf_data.size());
  Hash out;
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

Hash HashChildren(const Hash& left, const Hash& right) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  Hash out;
  crypto_hash_sha256(out.data(), buf, sizeof buf);
  return out;
}

Hash EmptyRoot() {
  Hash out;
  crypto_hash_sha256(out.data(), nullptr, 0);
  return out;
}

}  // namespace tlog
