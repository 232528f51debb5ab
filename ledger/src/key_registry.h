// The committed key registry, kept whole in memory (keys are few) and shared between appender
// threads (signature checks) and the writer (which alone changes it, after each commit).
#ifndef LEDGER_SRC_KEY_REGISTRY_H_
#define LEDGER_SRC_KEY_REGISTRY_H_

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/types.h"

namespace ledger::internal {

class KeyRegistry {
 public:
  // Replaces the whole registry (on open: key_registry_store.h reads it from the store).
  void Reset(std::map<std::string, KeyInfo> keys);
  // By 4-byte key id.
  std::optional<KeyInfo> Find(const std::string& key_id) const;
  void Put(const std::string& key_id, const KeyInfo& key);
  std::vector<KeyInfo> All() const;
  bool empty() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, KeyInfo> keys_;  // GUARDED_BY(mu_)
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_KEY_REGISTRY_H_
