// The options the report commands share (caseload, outcomes, compliance, report): where the
// ledger is, which moment to describe, the output format, a state directory, and the cohort
// options of the outcomes; each turned into the replay library's values with an error that
// names the option at fault.
#ifndef LEDGER_CLI_REPORT_ARGS_H_
#define LEDGER_CLI_REPORT_ARGS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>

#include "base/status.h"
#include "cli_common.h"
#include "ledger/ledger.h"
#include "replay/outcomes.h"
#include "replay/report_run.h"
#include "replay/state_store.h"

namespace ledger::cli {

struct ReportArgs {
  std::string data, as_of, zone = "Europe/Oslo", format = "table", state;
  uint64_t at_seq = 0;
};

// --data, --as-of, --at-seq, --zone, --state; and --format table|json|csv when `with_format`.
void AddReportOptions(CLI::App* cmd, ReportArgs* args, bool with_format = true);

// The moment --as-of, --at-seq and --zone name (InvalidArgument naming the option).
Result<replay::ReportMoment> MomentFromArgs(const ReportArgs& args);

// Shows the replay's progress on `progress` (a line on a terminal). Both must outlive the run.
void AttachProgress(replay::ReportMoment* moment, Progress* progress);

// The ledger (--data) and the state store (--state, if given), opened.
struct ReportSource {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<replay::StateStore> store;  // null without --state
};
Result<ReportSource> OpenReportSource(const ReportArgs& args);

// The steps every report command takes: opens the ledger (--data) and the state store (--state),
// shows the replay's progress on the terminal while `run` (replay::RunCaseload, RunCompliance,
// RunOutcomes, RunFullReport) replays what `query` asks, and gives its result.
template <typename Query, typename Run>
Result<Run> ReplayForReport(const ReportArgs& args, Query query,
                            Result<Run> (*run)(Ledger&, const Query&, replay::StateStore*)) {
  LEDGER_ASSIGN_OR_RETURN(ReportSource source, OpenReportSource(args));
  Progress progress("replay", source.ledger->log().Size());
  AttachProgress(&query, &progress);
  Result<Run> result = run(*source.ledger, query, source.store.get());
  progress.Finish();
  return result;
}

// Prints the rendering --format chose: `json`, `csv`, or `table` (the text) otherwise.
template <typename Report>
void PrintReport(const std::string& format, const Report& report,
                 std::type_identity_t<std::string (*)(const Report&)> text,
                 std::type_identity_t<std::string (*)(const Report&)> json,
                 std::type_identity_t<std::string (*)(const Report&)> csv) {
  const std::string out = format == "json"  ? json(report)
                          : format == "csv" ? csv(report)
                                            : text(report);
  std::fwrite(out.data(), 1, out.size(), stdout);
}

// The flags' text, parsed by the replay library (the server's query parameters share it).
using OutcomesArgs = replay::OutcomesOptionsText;

// --cohort-from, --cohort-to, --horizons, --by, --baseline-month, --stock-month.
void AddOutcomesOptions(CLI::App* cmd, OutcomesArgs* args);

// The outcomes options those flags name, checked (ValidateOutcomesOptions). The window's ends
// may be dates or months (a month means its first day as a start, its last day as an end).
Result<replay::OutcomesOptions> OutcomesOptionsFromArgs(const OutcomesArgs& args);

// The moment and the outcomes options together, as `outcomes` and `report` take them.
Result<replay::OutcomesQuery> OutcomesQueryFromArgs(const ReportArgs& report,
                                                    const OutcomesArgs& outcomes);

}  // namespace ledger::cli

#endif  // LEDGER_CLI_REPORT_ARGS_H_
