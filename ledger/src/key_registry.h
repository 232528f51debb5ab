// The committed key registry, kept whole in memory (keys are few) and shared between appender
// threads (signature checks) and the writer (which alone changes it, after each commit).
#ifndef LEDGER_SRC_KEY_REGISTRY_H_
#define LEDGER_SRC_KEY_REGISTRY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/mutex.h"
#include "base/status.h"
#include "ledger/types.h"

namespace ledger::internal {

class KeyRegistry {
 public:
  // Replaces the whole registry (on open: key_registry_store.h reads it from the store).
  void Reset(std::map<std::string, KeyInfo> keys) LEDGER_EXCLUDES(mu_);
  // By 4-byte key id.
  std::optional<KeyInfo> Find(const std::string& key_id) const LEDGER_EXCLUDES(mu_);
  void Put(const std::string& key_id, const KeyInfo& key) LEDGER_EXCLUDES(mu_);
  std::vector<KeyInfo> All() const LEDGER_EXCLUDES(mu_);
  bool empty() const LEDGER_EXCLUDES(mu_);

 private:
  mutable SharedMutex mu_;
  std::map<std::string, KeyInfo> keys_ LEDGER_GUARDED_BY(mu_);
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_KEY_REGISTRY_H_
