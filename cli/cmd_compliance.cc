// compliance: the auditors' checks (indicators.md P1, P3, P6, C1-C3) with every exception and
// the events that cause it, rebuilt by replaying the log (docs/projections.md, "Compliance").
#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"
#include "replay/compliance.h"
#include "report_args.h"

namespace ledger::cli {
namespace {

struct ComplianceArgs {
  ReportArgs report;
  bool summary_only = false;
};

int RunComplianceCommand(const ComplianceArgs& a) {
  auto moment = MomentFromArgs(a.report);
  if (!moment.ok()) return Fail(moment.status());
  auto source = OpenReportSource(a.report);
  if (!source.ok()) return Fail(source.status());
  Progress progress("replay", source->ledger->log().Size());
  AttachProgress(&*moment, &progress);
  auto run = replay::RunCompliance(*source->ledger, *moment, source->store.get());
  progress.Finish();
  if (!run.ok()) return Fail(run.status());
  if (a.report.format == "json") {
    fmt::print("{}", replay::ComplianceJson(run->report));
  } else if (a.report.format == "csv") {
    fmt::print("{}", a.summary_only ? replay::ComplianceSummaryCsv(run->report)
                                    : replay::ComplianceCsv(run->report));
  } else {
    fmt::print("{}", replay::ComplianceText(run->report));
  }
  return kExitOk;
}

}  // namespace

void RegisterComplianceCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ComplianceArgs>();
  auto* cmd = app.add_subcommand(
      "compliance",
      "Compliance checks (conditions, sanctions, agreements, consent) with their exceptions, "
      "rebuilt from the log");
  AddReportOptions(cmd, &args->report);
  cmd->add_flag("--summary", args->summary_only,
                "With --format csv: one row per check instead of one per exception");
  cmd->callback([=] { *exit_code = RunComplianceCommand(*args); });
}

}  // namespace ledger::cli
