// report: caseload, outcomes and compliance from one replay, written as one self-contained
// HTML page with inline SVG charts (docs/projections.md, "The HTML report").
#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"
#include "ledger/time_format.h"
#include "replay/full_report.h"
#include "report_args.h"

namespace ledger::cli {
namespace {

struct ReportCommandArgs {
  ReportArgs report;
  OutcomesArgs outcomes;
  std::string html;
};

int RunReportCommand(const ReportCommandArgs& a) {
  auto query = OutcomesQueryFromArgs(a.report, a.outcomes);
  if (!query.ok()) return Fail(query.status());
  auto source = OpenReportSource(a.report);
  if (!source.ok()) return Fail(source.status());
  Progress progress("replay", source->ledger->log().Size());
  AttachProgress(&*query, &progress);
  auto run = replay::RunFullReport(*source->ledger, *query, source->store.get());
  progress.Finish();
  if (!run.ok()) return Fail(run.status());
  const std::string page = replay::FullReportHtml(*run);
  if (Status s = WriteWholeFile(a.html, page); !s.ok()) return Fail(s.WithContext("--html"));
  uint64_t exceptions = 0;
  for (const auto& check : run->compliance.checks) exceptions += check.exceptions.size();
  fmt::print(
      "wrote {} ({} bytes): as of {}, {} open cases, a cohort of {}, {} compliance "
      "exceptions\n",
      a.html, Thousands(page.size()), FormatDate(run->caseload.at.date),
      Thousands(run->caseload.summary.open_cases),
      Thousands(run->outcomes.groups.empty() ? 0 : run->outcomes.groups.front().cohort),
      Thousands(exceptions));
  return kExitOk;
}

}  // namespace

void RegisterReportCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReportCommandArgs>();
  auto* cmd = app.add_subcommand(
      "report", "Caseload, outcomes and compliance as one self-contained HTML page");
  cmd->add_option("--html", args->html, "The HTML file to write")->required();
  AddReportOptions(cmd, &args->report, /*with_format=*/false);
  AddOutcomesOptions(cmd, &args->outcomes);
  cmd->callback([=] { *exit_code = RunReportCommand(*args); });
}

}  // namespace ledger::cli
