// caseload: the open cases and their summary, now, as of a business date, or at a log position,
// rebuilt by replaying the log (docs/projections.md).
#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"
#include "replay/caseload.h"
#include "report_args.h"

namespace ledger::cli {
namespace {

struct CaseloadArgs {
  ReportArgs report;
  bool summary_only = false;
};

int RunCaseloadCommand(const CaseloadArgs& a) {
  auto moment = MomentFromArgs(a.report);
  if (!moment.ok()) return Fail(moment.status());
  auto source = OpenReportSource(a.report);
  if (!source.ok()) return Fail(source.status());
  Progress progress("replay", source->ledger->log().Size());
  AttachProgress(&*moment, &progress);
  auto run = replay::RunCaseload(*source->ledger, *moment, source->store.get());
  progress.Finish();
  if (!run.ok()) return Fail(run.status());
  if (a.report.format == "json") {
    fmt::print("{}", replay::CaseloadJson(run->report));
  } else if (a.report.format == "csv") {
    fmt::print("{}", a.summary_only ? replay::CaseloadSummaryCsv(run->report)
                                    : replay::CaseloadCsv(run->report));
  } else {
    fmt::print("{}", replay::CaseloadText(run->report));
  }
  return kExitOk;
}

}  // namespace

void RegisterCaseloadCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<CaseloadArgs>();
  auto* cmd = app.add_subcommand(
      "caseload", "Open cases and their summary, rebuilt from the log (now, --as-of or --at-seq)");
  AddReportOptions(cmd, &args->report);
  cmd->add_flag("--summary", args->summary_only, "With --format csv: the summary only");
  cmd->callback([=] { *exit_code = RunCaseloadCommand(*args); });
}

}  // namespace ledger::cli
