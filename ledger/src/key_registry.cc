#include "key_registry.h"

#include <mutex>

#include "records.h"

namespace ledger::internal {

Status KeyRegistry::Load(KvStore& store) {
  std::map<std::string, KeyInfo> loaded;
  auto it = store.NewIterator(Column::kKeys);
  for (it->Seek(""); it->Valid(); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(auto key, DecodeKeyState(it->value()));
    loaded.emplace(std::string(it->key()), std::move(key));
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  std::unique_lock lock(mu_);
  keys_ = std::move(loaded);
  return Status::Ok();
}

std::optional<KeyInfo> KeyRegistry::Find(const std::string& key_id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void KeyRegistry::Put(const std::string& key_id, const KeyInfo& key) {
  std::unique_lock lock(mu_);
  keys_[key_id] = key;
}

std::vector<KeyInfo> KeyRegistry::All() const {
  std::shared_lock lock(mu_);
  std::vector<KeyInfo> out;
  for (const auto& [id, key] : keys_) out.push_back(key);
  return out;
}

bool KeyRegistry::empty() const {
  std::shared_lock lock(mu_);
  return keys_.empty();
}

}  // namespace ledger::internal
