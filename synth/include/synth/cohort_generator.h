// A deterministic synthetic cohort of young social-assistance recipients, written as the JSON
// input of `ledger append`: one event per line. The life courses are shaped after two Norwegian
// project reports (Drammen P1824 and Narvik "Aktiv Hverdag"); every person is invented.
//
// Contract:
//  - The same options give byte-identical output on every platform (own PRNG, no std
//    distributions, no clock, no locale).
//  - Lines come in non-decreasing occurred_at order; within a stream `case.opened` comes first,
//    and every reference (consent, decision, condition, breach, sanction, agreement, task) names
//    an id introduced earlier in the same stream.
//  - Names, national identity numbers and birth dates appear only in the `personal` member of
//    `case.opened`. National identity numbers are synthetic (month + 80), never real ones.
//  - No event lies at or after the end of the window, and the window may not end after
//    2026-01-01, so nothing is in the future.
//  - Memory is bounded by one time slice of events plus a few bytes per participant, not by the
//    length of the output.
#ifndef LEDGER_SYNTH_COHORT_GENERATOR_H_
#define LEDGER_SYNTH_COHORT_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ledger::synth {

// A published project's cohort (scenario.h), or none: the default generator.
enum class Scenario : uint8_t { kNone, kDrammen, kNarvik };

struct CohortOptions {
  int participants = 428;  // number of young people, 1..1,000,000
  // First intake month. Intakes spread over the first ~18 months of the window (half the window
  // when it is shorter than 36 months).
  int from_year = 2008, from_month = 1;
  // Length of the observation window in months, 1..120: events lie in
  // [first day of from_year-from_month, first day of the month `months` later).
  int months = 36;
  uint64_t seed = 1;
  std::string municipality = "3005";  // kommunenummer (Drammen); offices are pseudonymous ids
  std::string programme = "P1824";
  // Tuning only: about how many events to hold in memory at a time (0: the default, ~80,000).
  // The output is byte-identical for every value; smaller values use less memory and more time.
  int64_t slice_events = 0;
  // With a scenario, participants, window, municipality and programme must be the scenario's
  // (ScenarioOptions in scenario.h): its outcome quotas are counts of that cohort.
  Scenario scenario = Scenario::kNone;
};

// Calls sink(line) once per event, each a complete JSON object on one line (no newline in it),
// in non-decreasing occurred_at order. Returns an error message (empty on success) for invalid
// options: participants outside 1..1,000,000, months outside 1..120, a month outside 1..12, a
// first year before 1996 (the EU daylight-saving rule is used for offsets), a window ending
// after 2026-01-01, a municipality that is not 4 digits, a programme that is not a code, or a
// negative slice_events, or a scenario whose fixed options were changed.
// Nothing is written when the options are invalid.
std::string GenerateCohort(const CohortOptions& options,
                           const std::function<void(std::string_view line)>& sink);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_COHORT_GENERATOR_H_
