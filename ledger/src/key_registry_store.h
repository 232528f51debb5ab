// The key registry's side in the store: loading it from the `keys` column on open. Kept apart
// from key_registry.h so that the registry itself (which the verifier rebuilds from key events)
// needs no store.
#ifndef LEDGER_SRC_KEY_REGISTRY_STORE_H_
#define LEDGER_SRC_KEY_REGISTRY_STORE_H_

#include "base/status.h"
#include "key_registry.h"
#include "storage/kv_store.h"

namespace ledger::internal {

// Replaces `keys` with every key state in the `keys` column; Corruption if one does not decode.
Status LoadKeyRegistry(KvStore& store, KeyRegistry* keys);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_KEY_REGISTRY_STORE_H_
