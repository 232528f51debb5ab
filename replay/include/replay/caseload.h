// The caseload (indicators.md, "Caseload"; docs/projections.md, "Caseload"): every open case and
// a summary, as of a business date or at a log position.
//
// The projection keeps, per case stream, what the caseload needs from the case's events; the
// time-dependent figures (days since intake, consents in force, overdue tasks, days left,
// sanctions in force) are computed by Report() for the moment asked. A report as of a date is
// made from a replay filtered to that date (ReplayFilter::occurred_at_most_us =
// ReportTime::EndOfDay(date).instant_us); a report at a position from a replay up to it.
#ifndef REPLAY_CASELOAD_H_
#define REPLAY_CASELOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "replay/projection.h"
#include "replay/replayer.h"
#include "replay/report_run.h"
#include "replay/report_time.h"
#include "replay/state_store.h"

namespace ledger::replay {

struct CaseloadConsent {
  std::string consent_id;
  std::vector<std::string> purposes;
  std::vector<std::string> recipients;
  std::vector<std::string> data_categories;
  int64_t expires_at_us = 0;  // the expiry in effect at the report's instant
  bool expires_within_30_days = false;
};

struct CaseloadAgreement {
  std::string agreement_id;
  CivilDate start, end;
  uint32_t tasks = 0;
  uint32_t open_tasks = 0;     // not reviewed as done
  uint32_t overdue_tasks = 0;  // open, and due before the report date
  int64_t days_left = 0;       // end - report date (negative once past the end)
  bool past_3_months = false;  // the report date is after start + 3 months
  bool extension_reason = false;
};

struct CaseloadSanction {
  std::string sanction_id;
  CivilDate from, to;
  bool in_force = false;  // from <= report date <= to
  bool appeal_pending = false;
  std::optional<uint32_t> reduction_nok;
  std::optional<uint32_t> reduction_pct;
};

struct CaseloadCondition {
  std::string condition_id;
  std::string activity;
  CivilDate start, end;
  uint32_t hours_per_week = 0;
  bool in_force = false;  // start <= report date (listed while end >= report date)
};

struct CaseloadExemption {
  std::string exemption_id;
  std::string ground;
  CivilDate review_date;
};

struct CaseloadCase {
  std::string subject;
  std::string office;
  std::string municipality;
  CivilDate intake_date;
  int64_t days_since_intake = 0;
  std::string phase;      // "none" before any phase.entered
  uint32_t category = 0;  // 1-4; 0: none valid at the report date
  std::string status;     // latest status.observed, "unknown" if none
  std::optional<CivilDate> status_as_of;
  std::string main_income;  // latest income.recorded, "unknown" if none
  std::optional<CivilDate> income_as_of;
  std::vector<CaseloadConsent> consents;         // in force at the report's instant
  std::vector<CaseloadAgreement> agreements;     // signed and not closed
  std::vector<CaseloadSanction> sanctions;       // neither lifted nor annulled, to >= report date
  std::vector<CaseloadCondition> conditions;     // end >= report date
  std::vector<CaseloadExemption> exemptions;     // review_date >= report date
  std::vector<std::string> restricted_purposes;  // processing.restricted in effect
};

struct CaseloadSummary {
  uint64_t open_cases = 0;
  // office -> phase ("intake", "clarification", "follow_up", "after_care", "none") -> cases;
  // every phase is present for every office that has an open case.
  std::map<std::string, std::map<std::string, uint64_t>> by_office_phase;
  // "1".."4" and "none", always all five.
  std::map<std::string, uint64_t> by_category;
  uint64_t consents_expiring_within_30_days = 0;
  uint64_t overdue_tasks = 0;
  uint64_t agreements_past_3_months = 0;
  uint64_t sanctions_in_force = 0;
};

struct CaseloadReport {
  ReportTime at;
  LogPoint log;
  uint32_t projection_version = 0;
  std::vector<CaseloadCase> cases;  // open cases, by office then subject
  CaseloadSummary summary;
};

class CaseloadProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "caseload";
  // 1: first version.
  static constexpr uint32_t kVersion = 2;  // 2: consent refusal time and replacement

  CaseloadProjection();
  ~CaseloadProjection() override;
  CaseloadProjection(const CaseloadProjection&) = delete;
  CaseloadProjection& operator=(const CaseloadProjection&) = delete;

  std::string_view name() const override { return kName; }
  uint32_t version() const override { return kVersion; }
  void Apply(const EventView& event) override;
  void Reset() override;
  std::string Serialize() const override;
  Status Restore(std::string_view bytes) override;

  // The caseload at `at`, for a state that stands at `log`.
  CaseloadReport Report(const ReportTime& at, const LogPoint& log) const;

  // Case streams seen (open or not).
  size_t case_count() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// What a caseload report is asked for (the CLI's `ledger caseload` options): the moment only.
using CaseloadQuery = ReportMoment;

struct CaseloadRun {
  CaseloadReport report;
  ResumeInfo resume;  // kFresh unless a store was used
  RunStats stats;
};

// Replays what `query` needs (report_run.h) and reports: a report of the whole log now resumes
// from `store` when one is given and saves its state there afterwards; reports as of a date or
// at a position are replayed from zero and leave the store alone. InvalidArgument if at_seq is
// beyond the log's end.
Result<CaseloadRun> RunCaseload(Ledger& ledger, const CaseloadQuery& query,
                                StateStore* store = nullptr);

// Renderings of a report. All are deterministic functions of the report.
// Aligned tables for a terminal: the cases, then the summary.
std::string CaseloadText(const CaseloadReport& report);
// Canonical JSON (docs/projections.md, "Report JSON"): {"report": {...}, "sha256": hex} where
// sha256 is the SHA-256 of the canonical JSON of "report". One line, with a trailing newline.
std::string CaseloadJson(const CaseloadReport& report);
// CSV (RFC 4180 quoting, "\n" line ends), one row per open case; lists joined with ';'.
std::string CaseloadCsv(const CaseloadReport& report);
// The summary as CSV in long form: measure,office,phase,category,count.
std::string CaseloadSummaryCsv(const CaseloadReport& report);

}  // namespace ledger::replay

#endif  // REPLAY_CASELOAD_H_
