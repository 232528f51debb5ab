#include "tlog/base64.h"

#include <algorithm>

#include "base/base64.h"

namespace tlog {

std::string HashToBase64(const Hash& hash) {
  return ledger::Base64Encode(
      std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

std::optional<Hash> HashFromBase64(std::string_view text) {
  auto raw = ledger::Base64Decode(text);
  if (!raw.ok() || raw->size() != 32) return std::nullopt;
  Hash h;
  std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

}  // namespace tlog
