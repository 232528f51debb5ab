#include "cohort.h"

#include <algorithm>

#include "synth/scenario.h"

namespace ledger::synth {
namespace {

constexpr int kMaxParticipants = 1'000'000;
constexpr int kMaxMonths = 120;
// Events must not be in the future (the ledger refuses anything more than 5 minutes ahead of
// its clock); a fixed bound keeps the output independent of when it is generated.
constexpr int kLatestWindowEndYear = 2026;
// Offsets follow the EU daylight-saving rule, which Norway has followed since 1996.
constexpr int kEarliestYear = 1996;

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string Cohort::Make(const CohortOptions& options, Cohort* out) {
  if (options.participants < 1 || options.participants > kMaxParticipants) {
    return "participants must be between 1 and 1000000";
  }
  if (options.months < 1 || options.months > kMaxMonths) return "months must be between 1 and 120";
  if (options.from_month < 1 || options.from_month > 12) return "month must be between 1 and 12";
  if (options.from_year < kEarliestYear) return "the first year must be 1996 or later";
  const int first_index = options.from_year * 12 + options.from_month - 1;
  const int end_index = first_index + options.months;
  if (end_index > kLatestWindowEndYear * 12) {
    return "the window must end by 2026-01-01 (no events in the future)";
  }
  if (options.municipality.size() != 4 ||
      !std::all_of(options.municipality.begin(), options.municipality.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return "municipality must be a 4-digit kommunenummer";
  }
  if (!IsCode(options.programme)) return "programme must be a code of 1-64 [A-Za-z0-9._:-]";
  if (options.slice_events < 0) return "slice_events must not be negative";
  if (options.scenario != Scenario::kNone) {
    const CohortOptions fixed = ScenarioOptions(options.scenario, options.seed);
    if (options.participants != fixed.participants || options.from_year != fixed.from_year ||
        options.from_month != fixed.from_month || options.months != fixed.months ||
        options.municipality != fixed.municipality || options.programme != fixed.programme) {
      return "the " + std::string(ScenarioName(options.scenario)) +
             " scenario fixes participants, window, municipality and programme (only the seed "
             "may change)";
    }
  }

  Cohort& c = *out;
  c.seed = options.seed;
  c.participants = options.participants;
  c.municipality = options.municipality;
  c.programme = options.programme;
  // Drammen is 3005 since 2020 and was 0602 before.
  c.committee = options.municipality == "3005" || options.municipality == "0602"
                    ? "HU-drammen"
                    : "HU-" + options.municipality;
  c.window_start = FirstDayOfMonthIndex(first_index);
  c.window_end = FirstDayOfMonthIndex(end_index);
  c.end_minute = AtTime(c.window_end, 0, 0);
  c.scenario = options.scenario;
  c.roles.clear();
  if (c.scenario != Scenario::kNone) c.plan = PlanOf(c.scenario);
  // Intakes spread over the first 18 months, or over the first half of a shorter window; a
  // scenario says over how many.
  const int intake_months = c.scenario != Scenario::kNone
                                ? c.plan.intake_months
                                : std::max(1, std::min(18, options.months / 2));
  c.intake_span_days = FirstDayOfMonthIndex(first_index + intake_months) - c.window_start;

  // One office per ~200 participants (at most 12), the first ones larger; one caseworker per
  // ~12 participants (P1824 had about 35 staff for 428 young people), at least 3 per office.
  const int offices = std::clamp(1 + options.participants / 200, 1, 12);
  c.office_weights.clear();
  c.office_first_worker.clear();
  c.office_workers.clear();
  int weight_sum = 0;
  for (int k = 0; k < offices; ++k) {
    c.office_weights.push_back(k == 0 ? 5 : k == 1 ? 3 : 2);
    weight_sum += c.office_weights.back();
  }
  int next_worker = 1;
  for (int k = 0; k < offices; ++k) {
    const int64_t share = static_cast<int64_t>(options.participants) *
                          c.office_weights[static_cast<size_t>(k)] / weight_sum;
    const int workers = std::max<int>(3, static_cast<int>((share + 11) / 12));
    c.office_first_worker.push_back(next_worker);
    c.office_workers.push_back(workers);
    next_worker += workers;
  }
  c.worker_id_width = next_worker > 999 ? (next_worker > 9999 ? 5 : 4) : 3;

  // The first Monday on or after the first day of the window.
  c.course_anchor = c.window_start + (7 - Weekday(c.window_start)) % 7;

  // Expiries, deadlines and birth dates reach beyond the window; the cache covers the part the
  // simulation asks about often and WorkCalendar falls back to computing outside it.
  c.calendar = WorkCalendar(c.window_start - 31, c.window_end + 800);
  return "";
}

}  // namespace ledger::synth
