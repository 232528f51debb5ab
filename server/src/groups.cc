#include "groups.h"

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "base/mutex.h"

namespace ledger::server::internal {

Result<std::unique_ptr<GroupStore>> GroupStore::Open(const std::string& path) {
  std::unique_ptr<GroupStore> store(new GroupStore(path));
  auto text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return store;
    return text.status();
  }
  try {
    auto j = nlohmann::json::parse(*text);
    MutexLock lock(store->mu_);  // not shared yet; taken for the analysis
    for (const auto& [name, pos] : j.at("groups").items()) {
      store->positions_[name] = pos.get<uint64_t>();
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  return store;
}

std::optional<uint64_t> GroupStore::Position(const std::string& key_id_hex,
                                             const std::string& group) {
  MutexLock lock(mu_);
  auto it = positions_.find(key_id_hex + "/" + group);
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

Result<uint64_t> GroupStore::Ack(const std::string& key_id_hex, const std::string& group,
                                 uint64_t position) {
  MutexLock lock(mu_);
  const std::string name = key_id_hex + "/" + group;
  auto it = positions_.find(name);
  if (it != positions_.end() && it->second >= position) return it->second;
  // Memory must not claim what the disk does not hold: write a copy, then adopt it.
  std::map<std::string, uint64_t> next = positions_;
  next[name] = position;
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["groups"] = nlohmann::ordered_json::object();
  for (const auto& [n, p] : next) j["groups"][n] = p;
  LEDGER_RETURN_IF_ERROR(WriteFileAtomic(path_, j.dump(1) + "\n"));
  positions_ = std::move(next);
  return position;
}

}  // namespace ledger::server::internal
