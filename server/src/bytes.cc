#include "bytes.h"

#include <sodium.h>

namespace ledger::server::internal {

std::string RandomBytes(size_t n) {
  // sodium_init is idempotent and thread-safe; randombytes needs it.
  if (sodium_init() < 0) std::abort();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ledger::server::internal
