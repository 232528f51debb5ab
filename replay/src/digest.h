// SHA-256 for the replay library (state files, report digests), on libsodium.
#ifndef REPLAY_SRC_DIGEST_H_
#define REPLAY_SRC_DIGEST_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::replay::internal {

std::array<uint8_t, 32> Sha256(std::string_view bytes);
std::string Sha256Hex(std::string_view bytes);
std::string Hex(const uint8_t* bytes, size_t n);

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_DIGEST_H_
