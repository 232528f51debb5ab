// The Kaplan-Meier estimate of time to exit (indicators.md, O8), computed exactly.
#ifndef REPLAY_SRC_KAPLAN_MEIER_H_
#define REPLAY_SRC_KAPLAN_MEIER_H_

#include <cstdint>
#include <vector>

#include "replay/outcomes.h"

namespace ledger::replay::internal {

// One person's time in whole months, and whether it ended in an exit (else it is censored).
struct SurvivalTime {
  int32_t months = 0;
  bool exited = false;
};

// S(t) = product over exit times t_j <= t of (1 - d_j / n_j), n_j = #{time >= t_j}: a row per
// month from 0 to the largest time, with the number at risk (time >= t), the exits and
// censorings at t and S(t) in millionths (rounded half up from the exact product). The median
// is the smallest t with S(t) <= 1/2, judged on the exact product; none if S never gets there.
// Negative times count as 0.
Survival KaplanMeier(const std::vector<SurvivalTime>& times);

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_KAPLAN_MEIER_H_
