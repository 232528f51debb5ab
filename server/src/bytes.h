// Randomness and constant-time comparison for the server's own records (tokens, access log).
// Hashing and hex: base/sha256.h, base/hex.h.
#ifndef SERVER_SRC_BYTES_H_
#define SERVER_SRC_BYTES_H_

#include <string>
#include <string_view>

namespace ledger::server::internal {

std::string RandomBytes(size_t n);
// Equal contents, in time independent of where they differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_BYTES_H_
