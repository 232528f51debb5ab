// Small shared pieces of projection state (private to replay/src).
#ifndef REPLAY_SRC_EVENT_KEY_H_
#define REPLAY_SRC_EVENT_KEY_H_

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

namespace ledger::replay {

// Orders events by business time, then log position. A "latest" fact is replaced only by an
// event with a greater key, so a late entry whose business time is earlier does not override a
// newer fact, whatever order the log holds them in.
struct EventKey {
  int64_t at_us = std::numeric_limits<int64_t>::min();  // min: no event yet
  uint64_t seq = 0;
  auto operator<=>(const EventKey&) const = default;
};

// Hash for maps keyed by subject that are looked up with a string_view (no allocation per event).
struct SubjectHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// A category.assigned (1-4) as projections keep it: valid from a day (days since 1970-01-01),
// with its event's key to break ties.
struct CategoryAssignment {
  int32_t valid_from = 0;
  EventKey key;
  uint8_t category = 0;
};

// The subject of a case stream ("case/<subject>"); empty for other streams (keys, releases),
// which no case projection reads.
inline std::string_view CaseSubject(std::string_view stream) {
  constexpr std::string_view kPrefix = "case/";
  return stream.starts_with(kPrefix) ? stream.substr(kPrefix.size()) : std::string_view();
}

// The entry of `key` in a map of per-case states, added empty if missing.
template <typename Map>
typename Map::mapped_type& CaseFor(Map& cases, std::string_view key) {
  auto it = cases.find(key);
  if (it == cases.end()) it = cases.try_emplace(std::string(key)).first;
  return it->second;
}

}  // namespace ledger::replay

#endif  // REPLAY_SRC_EVENT_KEY_H_
