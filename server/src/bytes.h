// Hashing, randomness and hex for the server's own records (tokens, access log).
#ifndef SERVER_SRC_BYTES_H_
#define SERVER_SRC_BYTES_H_

#include <optional>
#include <string>
#include <string_view>

namespace ledger::server::internal {

std::string Sha256(std::string_view bytes);  // 32 bytes
std::string RandomBytes(size_t n);
std::string HexEncode(std::string_view bytes);  // lowercase
// nullopt unless `text` is an even number of lowercase or uppercase hex digits.
std::optional<std::string> HexDecode(std::string_view text);
// Equal contents, in time independent of where they differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_BYTES_H_
