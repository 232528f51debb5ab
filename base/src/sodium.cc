#include "base/sodium.h"

#include <sodium.h>

#include <cstdlib>

namespace ledger {

void EnsureSodium() {
  // A function-local static: thread-safe initialisation, one atomic load per call after it.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) std::abort();
}

std::string RandomBytes(size_t n) {
  EnsureSodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  EnsureSodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ledger
