// caseload: the open cases and their summary, now, as of a business date, or at a log position,
// rebuilt by replaying the log (docs/projections.md).
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
  auto run = ReplayForReport(a.report, *moment, &replay::RunCaseload);
  if (!run.ok()) return Fail(run.status());
  PrintReport(a.report.format, run->report, &replay::CaseloadText, &replay::CaseloadJson,
              a.summary_only ? &replay::CaseloadSummaryCsv : &replay::CaseloadCsv);
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
