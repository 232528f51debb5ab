// RFC 6962 / RFC 9162 Merkle Tree Hash with SHA-256: the leaf and interior node hashes.
#ifndef TLOG_MERKLE_H_
#define TLOG_MERKLE_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace tlog {

using Hash = std::array<uint8_t, 32>;

// SHA-256(0x00 || leaf_data).
Hash HashLeaf(std::string_view leaf_data);
// SHA-256(0x01 || left || right).
Hash HashChildren(const Hash& left, const Hash& right);
// SHA-256 of the empty string: the root of the empty tree.
Hash EmptyRoot();

}  // namespace tlog

#endif  // TLOG_MERKLE_H_
