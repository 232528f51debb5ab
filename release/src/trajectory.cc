#include "trajectory.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

namespace ledger::release {
namespace {

// A set of at most three items is one 64-bit key: each item id + 1 in 21 bits, so sets of
// different sizes never share a key.
constexpr int kItemBits = 21;
constexpr uint32_t kMaxItems = (uint32_t{1} << kItemBits) - 2;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

struct Items {
  std::vector<std::vector<uint32_t>> of_person;     // sorted, distinct item ids
  std::vector<std::vector<size_t>> events_of_item;  // event indices
};

Result<Items> BuildItems(const std::vector<TrajectoryEvent>& events, uint32_t persons,
                         int bucket_days, const std::vector<bool>* suppressed) {
  Items out;
  out.of_person.resize(persons);
  std::unordered_map<uint64_t, uint32_t> ids;
  for (size_t i = 0; i < events.size(); ++i) {
    if (suppressed != nullptr && (*suppressed)[i]) continue;
    const TrajectoryEvent& e = events[i];
    const int64_t bucket = FloorDiv(e.day, bucket_days);
    const uint64_t key = (uint64_t{e.type} << 32) | static_cast<uint32_t>(bucket);
    auto [it, fresh] = ids.emplace(key, static_cast<uint32_t>(ids.size()));
    if (fresh) {
      if (ids.size() > kMaxItems) {
        return Status::InvalidArgument(fmt::format(
            "--lkc-bucket: {} days makes more than {} distinct items", bucket_days, kMaxItems));
      }
      out.events_of_item.emplace_back();
    }
    out.events_of_item[it->second].push_back(i);
    if (e.person < persons) out.of_person[e.person].push_back(it->second);
  }
  for (auto& items : out.of_person) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
  }
  return out;
}

// Calls f(key) for every set of 1..l of `items`.
template <typename F>
void ForEachSet(const std::vector<uint32_t>& items, int l, F&& f) {
  const size_t n = items.size();
  for (size_t a = 0; a < n; ++a) {
    const uint64_t ka = items[a] + 1;
    f(ka);
    if (l < 2) continue;
    for (size_t b = a + 1; b < n; ++b) {
      const uint64_t kb = (ka << kItemBits) | (items[b] + 1);
      f(kb);
      if (l < 3) continue;
      for (size_t c = b + 1; c < n; ++c) f((kb << kItemBits) | (items[c] + 1));
    }
  }
}

std::vector<uint32_t> ItemsOfKey(uint64_t key) {
  std::vector<uint32_t> out;
  constexpr uint64_t mask = (uint64_t{1} << kItemBits) - 1;
  for (; key != 0; key >>= kItemBits) out.push_back(static_cast<uint32_t>((key & mask) - 1));
  return out;
}

using Supports = std::unordered_map<uint64_t, uint32_t>;

Supports CountSupports(const Items& items, int l) {
  Supports support;
  size_t sets = 0;
  for (const auto& p : items.of_person) {
    const size_t n = p.size();
    sets += n + (l >= 2 ? n * (n - 1) / 2 : 0);
  }
  support.reserve(std::min<size_t>(sets, size_t{1} << 26));
  for (const auto& p : items.of_person) ForEachSet(p, l, [&](uint64_t key) { ++support[key]; });
  return support;
}

}  // namespace

Result<TrajectoryRisk> MeasureTrajectories(const std::vector<TrajectoryEvent>& events,
                                           uint32_t persons, const TrajectoryParams& params,
                                           const std::vector<bool>* suppressed) {
  const int l = std::clamp(params.l, 1, 3);
  TrajectoryRisk risk;
  risk.persons = persons;
  if (persons == 0) return risk;
  // Whole sequences of event types.
  std::vector<std::string> sequences(persons);
  for (size_t i = 0; i < events.size(); ++i) {
    if (suppressed != nullptr && (*suppressed)[i]) continue;
    const TrajectoryEvent& e = events[i];
    if (e.person >= persons) continue;
    sequences[e.person].push_back(static_cast<char>(e.type & 0xff));
    sequences[e.person].push_back(static_cast<char>(e.type >> 8));
  }
  std::unordered_map<std::string_view, uint32_t> same;
  for (const std::string& s : sequences) ++same[s];
  uint64_t unique_types = 0;
  for (const std::string& s : sequences) unique_types += same.at(s) == 1;

  LEDGER_ASSIGN_OR_RETURN(Items items, BuildItems(events, persons, params.bucket_days, suppressed));
  const Supports support = CountSupports(items, l);
  const auto k = static_cast<uint32_t>(params.k);
  for (const auto& [key, n] : support) risk.violating_sets += n < k;
  uint64_t unique = 0, below = 0;
  for (const auto& p : items.of_person) {
    uint32_t least = UINT32_MAX;
    ForEachSet(p, l, [&](uint64_t key) { least = std::min(least, support.at(key)); });
    unique += least == 1;
    below += least < k;
  }
  const auto n = static_cast<double>(persons);
  risk.unique_by_types = static_cast<double>(unique_types) / n;
  risk.unique_by_items = static_cast<double>(unique) / n;
  risk.below_k_by_items = static_cast<double>(below) / n;
  risk.items = items.events_of_item.size();
  return risk;
}

Result<Enforcement> EnforceLkc(const std::vector<TrajectoryEvent>& events, uint32_t persons,
                               const TrajectoryParams& params) {
  Enforcement out;
  out.suppressed.assign(events.size(), false);
  if (params.l <= 0 || persons == 0) return out;
  const int l = std::min(params.l, 3);
  const auto k = static_cast<uint32_t>(params.k);
  LEDGER_ASSIGN_OR_RETURN(Items items, BuildItems(events, persons, params.bucket_days, nullptr));
  // Per person and item: its events, and its class (0 free, 1 needed, 2 never suppressed).
  std::vector<std::unordered_map<uint32_t, std::vector<size_t>>> events_of(persons);
  for (size_t item = 0; item < items.events_of_item.size(); ++item) {
    for (size_t e : items.events_of_item[item]) {
      events_of[events[e].person][static_cast<uint32_t>(item)].push_back(e);
    }
  }
  auto kind_of = [&](uint32_t person, uint32_t item) {
    int kind = 0;
    for (size_t e : events_of[person].at(item)) {
      kind = std::max(kind, events[e].required ? 2 : events[e].needed ? 1 : 0);
    }
    return kind;
  };
  std::set<uint32_t> items_touched;
  // Rounds until no set of at most L items is shared by 1..K-1 persons. In a round each person
  // with a violating set loses items of their own until none of their sets violates: free items
  // first, needed ones only for a set with no free item, chosen greedily by the person's
  // violating sets removed per event lost. The counts are kept up to date as items go, so a
  // removal that pushes another set below K is seen by the persons after, and by the next round
  // for those before. Every round but the last removes something, so the rounds end.
  Supports support = CountSupports(items, l);
  for (;;) {
    bool removed_any = false;
    for (uint32_t person = 0; person < persons; ++person) {
      std::vector<uint32_t>& mine = items.of_person[person];
      std::vector<std::vector<uint32_t>> violations;
      ForEachSet(mine, l, [&](uint64_t key) {
        if (support.at(key) < k) violations.push_back(ItemsOfKey(key));
      });
      if (violations.empty()) continue;
      std::set<uint32_t> drop;
      for (int phase = 0; phase <= 1 && !violations.empty(); ++phase) {
        for (;;) {
          std::unordered_map<uint32_t, uint64_t> count;
          for (const auto& v : violations) {
            const bool has_free = std::any_of(
                v.begin(), v.end(), [&](uint32_t item) { return kind_of(person, item) == 0; });
            if (phase == 0 && !has_free) continue;
            for (uint32_t item : v) {
              if (kind_of(person, item) == phase) ++count[item];
            }
          }
          if (count.empty()) break;
          uint32_t best = 0;
          double best_score = -1;
          for (const auto& [item, n] : count) {
            const double score =
                static_cast<double>(n) / static_cast<double>(events_of[person].at(item).size());
            if (score > best_score || (score == best_score && item < best)) {
              best = item;
              best_score = score;
            }
          }
          drop.insert(best);
          std::erase_if(violations, [&](const std::vector<uint32_t>& v) {
            return std::find(v.begin(), v.end(), best) != v.end();
          });
        }
      }
      if (!violations.empty()) {
        return Status::FailedPrecondition(fmt::format(
            "no suppression of events gives LKC-privacy with K = {}: a set of events that are "
            "never suppressed (case.opened) is shared by fewer than K persons",
            params.k));
      }
      ForEachSet(mine, l, [&](uint64_t key) {
        for (uint32_t item : ItemsOfKey(key)) {
          if (drop.count(item) != 0) {
            --support[key];
            return;
          }
        }
      });
      for (uint32_t item : drop) {
        for (size_t e : events_of[person].at(item)) {
          out.suppressed[e] = true;
          ++out.events_suppressed;
          out.needed_events_suppressed += events[e].needed;
        }
        items_touched.insert(item);
      }
      std::erase_if(mine, [&](uint32_t item) { return drop.count(item) != 0; });
      removed_any = removed_any || !drop.empty();
    }
    if (!removed_any) break;
  }
  out.items_suppressed = items_touched.size();
  return out;
}

}  // namespace ledger::release
