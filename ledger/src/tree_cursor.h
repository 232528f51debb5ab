// Reads the stored tree nodes that a verification completes, in the order it completes them:
// at each level in ascending index, which one iterator per level serves by stepping to the next
// record instead of a point lookup per node.
#ifndef LEDGER_SRC_TREE_CURSOR_H_
#define LEDGER_SRC_TREE_CURSOR_H_

#include <array>
#include <cstdint>
#include <memory>

#include "base/status.h"
#include "storage/kv_store.h"
#include "tlog/merkle.h"

namespace ledger::internal {

// Not thread-safe: one reader at a time. Any order of reads is answered correctly (a read that
// is not the next record of its level seeks); the ascending order per level is only faster.
class TreeCursor {
 public:
  explicit TreeCursor(KvStore* store) : store_(store) {}

  // The stored node `level`/`index`: Corruption if it is missing or not 32 bytes.
  Result<tlog::Hash> Read(uint8_t level, uint64_t index);

 private:
  KvStore* const store_;
  std::array<std::unique_ptr<KvIterator>, 64> levels_;
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_TREE_CURSOR_H_
