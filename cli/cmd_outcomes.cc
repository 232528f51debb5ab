// outcomes: the outcomes of a cohort (indicators.md O1-O13) as of a business date or at a log
// position, rebuilt by replaying the log (docs/projections.md, "Outcomes").
#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"
#include "replay/outcomes.h"
#include "report_args.h"

namespace ledger::cli {
namespace {

struct OutcomesCommandArgs {
  ReportArgs report;
  OutcomesArgs outcomes;
};

int RunOutcomesCommand(const OutcomesCommandArgs& a) {
  auto query = OutcomesQueryFromArgs(a.report, a.outcomes);
  if (!query.ok()) return Fail(query.status());
  auto source = OpenReportSource(a.report);
  if (!source.ok()) return Fail(source.status());
  Progress progress("replay", source->ledger->log().Size());
  AttachProgress(&*query, &progress);
  auto run = replay::RunOutcomes(*source->ledger, *query, source->store.get());
  progress.Finish();
  if (!run.ok()) return Fail(run.status());
  if (a.report.format == "json") {
    fmt::print("{}", replay::OutcomesJson(run->report));
  } else if (a.report.format == "csv") {
    fmt::print("{}", replay::OutcomesCsv(run->report));
  } else {
    fmt::print("{}", replay::OutcomesText(run->report));
  }
  return kExitOk;
}

}  // namespace

void RegisterOutcomesCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<OutcomesCommandArgs>();
  auto* cmd = app.add_subcommand(
      "outcomes",
      "Outcomes of a cohort (status at 6/12/24 months, time to exit, payments, stock), rebuilt "
      "from the log");
  AddReportOptions(cmd, &args->report);
  AddOutcomesOptions(cmd, &args->outcomes);
  cmd->callback([=] { *exit_code = RunOutcomesCommand(*args); });
}

}  // namespace ledger::cli
