// Outcomes of a cohort (indicators.md, "Outcomes of a cohort", O1-O13; docs/projections.md,
// "Outcomes"): who entered in a window, what they were doing 6, 12 and 24 months later, how long
// they stayed on assistance (Kaplan-Meier), what was paid per year, and the stock of recipients
// in a month against a baseline month, in total and by sex, age band, category or municipality.
//
// The projection keeps, per case stream, the facts the indicators read (intake, age, sex,
// municipality, category assignments, paid months with amounts, status and income observations,
// activity conditions, shredding); every figure is computed by Report() for the report date, so
// the same state answers any cohort window, horizon or grouping. As for the caseload, a report as
// of a date is made from a replay filtered to the end of that date (report_run.h).
//
// All figures are counts or exact ratios of counts (num / den); nothing is a floating-point
// number, so reports are byte-identical wherever they are computed.
#ifndef REPLAY_OUTCOMES_H_
#define REPLAY_OUTCOMES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "replay/projection.h"
#include "replay/replayer.h"
#include "replay/report_run.h"
#include "replay/report_time.h"
#include "replay/small_cells.h"
#include "replay/state_store.h"

namespace ledger::replay {

// What the groups of a report are.
enum class OutcomeGrouping { kNone, kSex, kAgeBand, kCategory, kMunicipality };
// "sex", "age_band", "category", "municipality" (and "none"); InvalidArgument naming the
// accepted values otherwise.
Result<OutcomeGrouping> ParseOutcomeGrouping(std::string_view name);
std::string_view OutcomeGroupingName(OutcomeGrouping grouping);

struct OutcomesOptions {
  // The cohort window W: intake dates in [intake_from, intake_to], both included; an open end
  // is unbounded.
  std::optional<CivilDate> intake_from;
  std::optional<CivilDate> intake_to;
  // Horizons h in months, ascending, each 1..240.
  std::vector<int> horizons = {6, 12, 24};
  OutcomeGrouping grouping = OutcomeGrouping::kNone;
  // O13: the baseline month D0 and the month D compared with it (day ignored). Without a
  // baseline there is no O13; without `stock_month` D is the month of the report date.
  std::optional<CivilDate> stock_baseline;
  std::optional<CivilDate> stock_month;
};
// InvalidArgument naming the option at fault: horizons not ascending or outside 1..240, more
// than 12 of them, intake_from after intake_to.
Status ValidateOutcomesOptions(const OutcomesOptions& options);
// "6,12,24" -> {6, 12, 24}; InvalidArgument naming the bad item.
Result<std::vector<int>> ParseHorizons(std::string_view text);

// The outcomes options as text, as `ledger outcomes` takes them in flags (--cohort-from) and the
// server in query parameters (cohort_from). The window's ends are dates (YYYY-MM-DD) or months
// (YYYY-MM: its first day as a start, its last day as an end); the stock months are YYYY-MM.
// Empty: not given.
struct OutcomesOptionsText {
  std::string cohort_from, cohort_to, horizons = "6,12,24", by = "none", baseline_month,
                                      stock_month;
};

// How an error names the option at fault: "--cohort-from" or "cohort_from".
enum class OptionSpelling { kFlag, kParameter };

// The options `text` names, checked (ValidateOutcomesOptions). InvalidArgument naming the option
// at fault, spelled as `spelling` says.
Result<OutcomesOptions> ParseOutcomesOptions(const OutcomesOptionsText& text,
                                             OptionSpelling spelling);

// O2-O7 at one horizon. Shares are count / followed.
struct HorizonOutcome {
  int months = 0;
  uint64_t followed = 0;  // cohort members followed for h months
  // Status at t0 + h: every status of the catalogue and "unknown", always all nine.
  std::map<std::string, uint64_t> status;
  uint64_t work_or_education = 0;       // O3
  uint64_t any_activity = 0;            // O4
  uint64_t off_assistance = 0;          // O5
  uint64_t assistance_main_income = 0;  // O6
  uint64_t supplementary_only = 0;      // O7
};

// O8, one row per month t since the intake month.
struct SurvivalRow {
  int32_t month = 0;
  uint64_t at_risk = 0;  // time >= t
  uint64_t exits = 0;    // exits at t
  uint64_t censored = 0;
  uint32_t s_ppm = 0;  // S(t) in millionths, rounded half up from the exact product
  bool operator==(const SurvivalRow&) const = default;
};
struct Survival {
  std::vector<SurvivalRow> rows;
  std::optional<int32_t> median_months;  // smallest t with S(t) <= 1/2
  uint64_t exits = 0;
  uint64_t censored = 0;
};

// O10-O12 for one calendar year.
struct YearOutcome {
  int year = 0;
  uint64_t recipients = 0;   // cohort members with a paid month in the year
  uint64_t paid_months = 0;  // their paid months in the year (mean = paid_months / recipients)
  uint64_t grant_nok = 0;    // payments with data.month in the year
  uint64_t loan_nok = 0;
  uint64_t payments = 0;
  uint64_t long_term_assistance = 0;  // O12 numerator (denominator: recipients)
};

// O13, and two counts among the recipients of D (docs/projections.md, "Outcomes").
struct StockOutcome {
  CivilDate baseline;                // D0, day 1
  CivilDate month;                   // D, day 1
  uint64_t baseline_recipients = 0;  // cohort members with a paid month D0
  uint64_t recipients = 0;           // ... D
  uint64_t both = 0;                 // ... D0 and D
  // Recipients in D whose main income on D's last day is known and not social_assistance:
  // assistance only as a supplement.
  uint64_t supplementary = 0;
  // Recipients in D without a condition.set whose [start, end] meets D: passive assistance.
  uint64_t passive = 0;
};

// Every indicator for one group of the cohort ("all", or one value of the grouping).
struct OutcomeGroup {
  std::string dimension;  // "all", "sex", "age_band", "category", "municipality"
  std::string value;      // "all", "female", "18-20", "3", "none", "3005", ...
  uint64_t cohort = 0;
  std::vector<HorizonOutcome> horizons;  // as OutcomesOptions::horizons
  Survival survival;
  uint64_t exited = 0;             // O9 denominator: those with an exit month
  uint64_t reentered = 0;          // O9 numerator
  std::vector<YearOutcome> years;  // every year with a payment to the cohort, ascending
  std::optional<StockOutcome> stock;
};

struct OutcomesReport {
  ReportTime at;
  LogPoint log;
  uint32_t projection_version = 0;
  OutcomesOptions options;
  // O1: the cohort size by "sex", "age_band", "category" and "municipality" (each value seen).
  std::map<std::string, std::map<std::string, uint64_t>> cohort_by;
  std::vector<OutcomeGroup> groups;  // "all" first, then the grouping's values, ascending
};

// One cohort member at one horizon h.
struct PersonHorizon {
  int months = 0;
  bool followed = false;    // followed for h; the rest is empty/false when not
  std::string status;       // status at t0 + h, "unknown" if none
  bool paid = false;        // a paid month in the month of t0 + h or the one before (not O5)
  std::string main_income;  // main income at t0 + h, "unknown" if none
};
struct PersonOutcome {
  std::string subject;
  std::vector<PersonHorizon> horizons;  // as OutcomesOptions::horizons
};

class OutcomesProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "outcomes";
  // 1: first version. 2: the state keeps activity conditions (O13's passive recipients).
  static constexpr uint32_t kVersion = 2;

  OutcomesProjection();
  ~OutcomesProjection() override;
  OutcomesProjection(const OutcomesProjection&) = delete;
  OutcomesProjection& operator=(const OutcomesProjection&) = delete;

  std::string_view name() const override { return kName; }
  uint32_t version() const override { return kVersion; }
  void Apply(const EventView& event) override;
  void Reset() override;
  std::string Serialize() const override;
  Status Restore(std::string_view bytes) override;

  // Per case stream: the day its follow-up ends, instead of the report date (or shredding). An
  // anonymised release knows each person's observation end only relative to their intake, so
  // its replay gives it per person (release/); cases not listed end on the report date.
  using FollowUpEnds = std::map<std::string, CivilDate, std::less<>>;

  // The outcomes at `at` for a state that stands at `log`. REQUIRES: options valid
  // (ValidateOutcomesOptions).
  OutcomesReport Report(const ReportTime& at, const LogPoint& log, const OutcomesOptions& options,
                        const FollowUpEnds* follow_up_ends = nullptr) const;

  // Each cohort member's standing at each horizon, in subject order: what Report sums for
  // O2-O7 (an anonymised release's persons.csv).
  std::vector<PersonOutcome> Persons(const ReportTime& at, const OutcomesOptions& options,
                                     const FollowUpEnds* follow_up_ends = nullptr) const;

  // Case streams seen.
  size_t case_count() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

struct OutcomesQuery : ReportMoment {
  OutcomesOptions options;
};

struct OutcomesRun {
  OutcomesReport report;
  ResumeInfo resume;
  RunStats stats;
};

// Replays what `query` needs (report_run.h) and reports. InvalidArgument for invalid options.
Result<OutcomesRun> RunOutcomes(Ledger& ledger, const OutcomesQuery& query,
                                StateStore* store = nullptr);

// Renderings, deterministic functions of the report.
// Aligned tables: the cohort, then per horizon the status shares and O3-O7 with a column per
// group, time to exit, re-entry, the years and the stock.
std::string OutcomesText(const OutcomesReport& report);
// Canonical JSON, {"report": {...}, "sha256": hex} and a newline (docs/projections.md). Ratios
// are {"num": n, "den": d, "milli": round(1000 n / d)} (milli null when d = 0).
std::string OutcomesJson(const OutcomesReport& report);
// CSV in long form: group_dimension,group_value,indicator,horizon,key,num,den,value (value: the
// ratio as a decimal with four places, or empty).
std::string OutcomesCsv(const OutcomesReport& report);

}  // namespace ledger::replay

#endif  // REPLAY_OUTCOMES_H_
