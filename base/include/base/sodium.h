// libsodium's one initialisation, randomness and constant-time comparison: the one home of each
// for every module. No libsodium type appears here.
#ifndef BASE_SODIUM_H_
#define BASE_SODIUM_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ledger {

// Initialises libsodium once; safe to call from any thread, any number of times. Every libsodium
// call must come after it (base's own functions call it themselves). Aborts the process if
// libsodium cannot start, which happens only without a usable randomness source: no key could
// then be made safely.
void EnsureSodium();

// `n` bytes from the system's cryptographically secure generator.
std::string RandomBytes(size_t n);

// Whether `a` and `b` hold the same bytes, in time that depends only on their sizes.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace ledger

#endif  // BASE_SODIUM_H_
