#include "key_registry_store.h"

#include <map>
#include <string>

#include "records.h"

namespace ledger::internal {

Status LoadKeyRegistry(KvStore& store, KeyRegistry* keys) {
  std::map<std::string, KeyInfo> loaded;
  auto it = store.NewIterator(Column::kKeys);
  for (it->Seek(""); it->Valid(); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(auto key, DecodeKeyState(it->value()));
    loaded.emplace(std::string(it->key()), std::move(key));
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  keys->Reset(std::move(loaded));
  return Status::Ok();
}

}  // namespace ledger::internal
