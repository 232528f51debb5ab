#include "kaplan_meier.h"

#include <algorithm>

#include "exact_fraction.h"

namespace ledger::replay::internal {

Survival KaplanMeier(const std::vector<SurvivalTime>& times) {
  Survival out;
  if (times.empty()) return out;
  int32_t last = 0;
  for (const SurvivalTime& s : times) last = std::max(last, s.months);
  // exits[t], censored[t] for t in [0, last].
  std::vector<uint64_t> exits(static_cast<size_t>(last) + 1, 0);
  std::vector<uint64_t> censored(exits.size(), 0);
  for (const SurvivalTime& s : times) {
    size_t t = static_cast<size_t>(std::max(0, s.months));
    ++(s.exited ? exits : censored)[t];
  }
  ExactFraction survival;
  uint64_t at_risk = times.size();
  for (size_t t = 0; t < exits.size(); ++t) {
    if (exits[t] > 0) {
      survival.MultiplyBy(static_cast<uint32_t>(at_risk - exits[t]),
                          static_cast<uint32_t>(at_risk));
      if (!out.median_months && survival.AtMost(1, 2)) out.median_months = static_cast<int32_t>(t);
    }
    out.rows.push_back(SurvivalRow{static_cast<int32_t>(t), at_risk, exits[t], censored[t],
                                   survival.Scaled(1000000)});
    out.exits += exits[t];
    out.censored += censored[t];
    at_risk -= exits[t] + censored[t];
  }
  return out;
}

}  // namespace ledger::replay::internal
