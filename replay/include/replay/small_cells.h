// Small cells (indicators.md, "Small cells"): in any report that leaves the ledger for an
// evaluator, a count below the release's threshold is suppressed, together with any cell from
// which it could be derived. A suppressed count holds kSuppressedCount (a survival value
// kSuppressedPpm); the renderings print "*" in text, null in JSON, nothing in CSV.
#ifndef REPLAY_SMALL_CELLS_H_
#define REPLAY_SMALL_CELLS_H_

#include <cstdint>
#include <limits>

namespace ledger::replay {

inline constexpr uint64_t kSuppressedCount = std::numeric_limits<uint64_t>::max();
inline constexpr uint32_t kSuppressedPpm = std::numeric_limits<uint32_t>::max();

struct OutcomesReport;

// Suppresses, in every group of `report` (docs/evaluator-guide.md, "Small cells"):
//  - any count c with 0 < c < threshold: cohort sizes by value, followed, status counts, O3-O7,
//    exits, censored and at-risk, re-entries, years' recipients and the stock;
//  - the complement of a count against its total when the complement is small (followed - O5,
//    exited - re-entered, recipients - long-term);
//  - in a distribution that sums to a shown total (statuses, cohort values), the next smallest
//    count when only one is suppressed, and sums that contain a suppressed count (O3, O4);
//  - a whole group whose cohort is below the threshold, Kaplan-Meier rows from the first with
//    fewer than `threshold` at risk, and S(t) where the exits are suppressed;
//  - the money of a year with suppressed recipients.
// threshold <= 1 changes nothing.
void SuppressSmallCells(OutcomesReport* report, uint64_t threshold);

}  // namespace ledger::replay

#endif  // REPLAY_SMALL_CELLS_H_
