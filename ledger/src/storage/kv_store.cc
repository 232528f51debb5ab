#include "storage/kv_store.h"

namespace ledger::internal {

std::string_view ColumnName(Column c) {
  switch (c) {
    case Column::kMeta:
      return "meta";
    case Column::kEntries:
      return "entries";
    case Column::kIds:
      return "ids";
    case Column::kStreams:
      return "streams";
    case Column::kStreamHeads:
      return "stream_heads";
    case Column::kKeys:
      return "keys";
    case Column::kPersonal:
      return "personal";
    case Column::kTree:
      return "tree";
    case Column::kCheckpoints:
      return "checkpoints";
  }
  return "unknown";
}

std::string EncodeBE64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

uint64_t DecodeBE64(std::string_view bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace ledger::internal
