// Opens a Ledger on any KvStore: how tests put a fault-injecting store under the real append
// path. Not part of the public API.
#ifndef LEDGER_SRC_LEDGER_ON_STORE_H_
#define LEDGER_SRC_LEDGER_ON_STORE_H_

#include <memory>

#include "ledger/ledger.h"
#include "storage/kv_store.h"

namespace ledger::internal {

// With create_with, initialises an empty store first.
Result<std::unique_ptr<Ledger>> OpenLedgerOnStore(std::unique_ptr<KvStore> store,
                                                  const LedgerIdentity* create_with,
                                                  const LedgerOptions& options);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_LEDGER_ON_STORE_H_
