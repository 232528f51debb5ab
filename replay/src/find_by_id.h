// Lookup by id in the short per-case lists of projection state (a case has a handful of
// decisions, agreements or consents: a linear scan beats a map).
#ifndef REPLAY_SRC_FIND_BY_ID_H_
#define REPLAY_SRC_FIND_BY_ID_H_

#include <string>
#include <string_view>
#include <vector>

namespace ledger::replay::internal {

// The first element whose `field` equals `id`, or null.
template <typename T>
T* FindById(std::vector<T>& list, std::string_view id, std::string T::*field) {
  for (T& x : list) {
    if (x.*field == id) return &x;
  }
  return nullptr;
}
template <typename T>
const T* FindById(const std::vector<T>& list, std::string_view id, std::string T::*field) {
  for (const T& x : list) {
    if (x.*field == id) return &x;
  }
  return nullptr;
}

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_FIND_BY_ID_H_
