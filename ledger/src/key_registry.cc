#include "key_registry.h"

#include "base/mutex.h"

namespace ledger::internal {

void KeyRegistry::Reset(std::map<std::string, KeyInfo> keys) {
  WriterMutexLock lock(mu_);
  keys_ = std::move(keys);
}

std::optional<KeyInfo> KeyRegistry::Find(const std::string& key_id) const {
  ReaderMutexLock lock(mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void KeyRegistry::Put(const std::string& key_id, const KeyInfo& key) {
  WriterMutexLock lock(mu_);
  keys_[key_id] = key;
}

std::vector<KeyInfo> KeyRegistry::All() const {
  ReaderMutexLock lock(mu_);
  std::vector<KeyInfo> out;
  for (const auto& [id, key] : keys_) out.push_back(key);
  return out;
}

bool KeyRegistry::empty() const {
  ReaderMutexLock lock(mu_);
  return keys_.empty();
}

}  // namespace ledger::internal
