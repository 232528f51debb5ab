#include "tree_cursor.h"

#include <cstring>

#include "records.h"

namespace ledger::internal {

Result<tlog::Hash> TreeCursor::Read(uint8_t level, uint64_t index) {
  if (level >= levels_.size()) {
    return Status::Corruption("tree node " + std::to_string(level) + "/" + std::to_string(index) +
                              " is beyond the deepest level");
  }
  const std::string key = TreeNodeKey(level, index);
  auto& it = levels_[level];
  if (!it) {
    it = store_->NewIterator(Column::kTree);
    it->Seek(key);
  } else if (!it->Valid() || it->key() != key) {
    it->Seek(key);
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  if (!it->Valid() || it->key() != key) {
    return Status::Corruption("tree node " + std::to_string(level) + "/" + std::to_string(index) +
                              " is missing");
  }
  if (it->value().size() != 32) return Status::Corruption("tree node of the wrong size");
  tlog::Hash h;
  std::memcpy(h.data(), it->value().data(), 32);
  it->Next();  // to the next node of this level, which the next read asks for
  return h;
}

}  // namespace ledger::internal
