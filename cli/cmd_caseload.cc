// caseload: the open cases and their summary, now, as of a business date, or at a log position,
// rebuilt by replaying the log (docs/projections.md).
#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "replay/caseload.h"
#include "replay/state_store.h"

namespace ledger::cli {
namespace {

struct CaseloadArgs {
  std::string data, as_of, zone = "Europe/Oslo", format = "table", state;
  uint64_t at_seq = 0;
  bool summary_only = false;
};

int RunCaseloadCommand(const CaseloadArgs& a) {
  replay::CaseloadQuery query;
  if (!a.as_of.empty()) {
    auto date = ParseDate(a.as_of);
    if (!date.ok()) return Fail(date.status().WithContext("--as-of"));
    query.as_of = *date;
  }
  if (a.at_seq) query.at_seq = a.at_seq;
  auto zone = replay::ReportZone::Parse(a.zone);
  if (!zone.ok()) return Fail(zone.status().WithContext("--zone"));
  query.zone = *zone;
  auto ledger = Ledger::Open(ResolveDataDir(a.data));
  if (!ledger.ok()) return Fail(ledger.status());
  std::unique_ptr<replay::StateStore> store;
  if (!a.state.empty()) {
    auto opened = replay::StateStore::Open(a.state);
    if (!opened.ok()) return Fail(opened.status().WithContext("--state"));
    store = std::move(opened).value();
  }
  Progress progress("replay", (*ledger)->Size());
  query.progress = [&](const replay::ReplayProgress& p) { progress.Update(p.position); };
  auto run = replay::RunCaseload(**ledger, query, store.get());
  progress.Finish();
  if (!run.ok()) return Fail(run.status());
  if (a.format == "json") {
    fmt::print("{}\n", replay::CaseloadJson(run->report));
  } else if (a.format == "csv") {
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
  cmd->add_option("--data", args->data, "Ledger directory");
  cmd->add_option("--as-of", args->as_of, "Business date YYYY-MM-DD: the caseload at its end");
  cmd->add_option("--at-seq", args->at_seq, "Log position: only entries before it");
  cmd->add_option("--zone", args->zone, "Time zone of dates: Europe/Oslo, UTC or +hh:mm")
      ->capture_default_str();
  cmd->add_option("--format", args->format, "table, json (canonical, with its SHA-256) or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_flag("--summary", args->summary_only, "With --format csv: the summary only");
  cmd->add_option("--state", args->state,
                  "Directory to keep the replay state in, so that the next report of now "
                  "continues where this one stopped");
  cmd->callback([=] { *exit_code = RunCaseloadCommand(*args); });
}

}  // namespace ledger::cli
