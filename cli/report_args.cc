#include "report_args.h"

#include "cli_common.h"
#include "ledger/time_format.h"

namespace ledger::cli {
void AddReportOptions(CLI::App* cmd, ReportArgs* args, bool with_format) {
  cmd->add_option("--data", args->data, "Ledger directory");
  cmd->add_option("--as-of", args->as_of, "Business date YYYY-MM-DD: the report at its end");
  cmd->add_option("--at-seq", args->at_seq, "Log position: only entries before it");
  cmd->add_option("--zone", args->zone, "Time zone of dates: Europe/Oslo, UTC or +hh:mm")
      ->capture_default_str();
  if (with_format) {
    cmd->add_option("--format", args->format, "table, json (canonical, with its SHA-256) or csv")
        ->check(CLI::IsMember({"table", "json", "csv"}));
  }
  cmd->add_option("--state", args->state,
                  "Directory to keep the replay state in, so that the next report of now "
                  "continues where this one stopped");
}

Result<replay::ReportMoment> MomentFromArgs(const ReportArgs& args) {
  replay::ReportMoment moment;
  if (!args.as_of.empty()) {
    auto date = ParseDate(args.as_of);
    if (!date.ok()) return date.status().WithContext("--as-of");
    moment.as_of = *date;
  }
  if (args.at_seq) moment.at_seq = args.at_seq;
  auto zone = replay::ReportZone::Parse(args.zone);
  if (!zone.ok()) return zone.status().WithContext("--zone");
  moment.zone = *zone;
  return moment;
}

void AttachProgress(replay::ReportMoment* moment, Progress* progress) {
  moment->progress = [progress](const replay::ReplayProgress& p) { progress->Update(p.position); };
}

Result<ReportSource> OpenReportSource(const ReportArgs& args) {
  ReportSource source;
  LEDGER_ASSIGN_OR_RETURN(source.ledger, OpenForReading(args.data));
  if (!args.state.empty()) {
    auto store = replay::StateStore::Open(args.state);
    if (!store.ok()) return store.status().WithContext("--state");
    source.store = std::move(store).value();
  }
  return source;
}

void AddOutcomesOptions(CLI::App* cmd, OutcomesArgs* args) {
  cmd->add_option("--cohort-from", args->cohort_from,
                  "Cohort window start: intake on or after this date (YYYY-MM-DD or YYYY-MM)");
  cmd->add_option("--cohort-to", args->cohort_to,
                  "Cohort window end: intake on or before this date (YYYY-MM-DD or YYYY-MM)");
  cmd->add_option("--horizons", args->horizons, "Months after intake, ascending")
      ->capture_default_str();
  cmd->add_option("--by", args->by, "Grouping: sex, age_band, category, municipality or none")
      ->capture_default_str();
  cmd->add_option("--baseline-month", args->baseline_month,
                  "O13: the baseline month YYYY-MM for the stock of recipients");
  cmd->add_option("--stock-month", args->stock_month,
                  "O13: the month YYYY-MM compared with the baseline (default: the report's)");
}

Result<replay::OutcomesOptions> OutcomesOptionsFromArgs(const OutcomesArgs& args) {
  return replay::ParseOutcomesOptions(args, replay::OptionSpelling::kFlag);
}

Result<replay::OutcomesQuery> OutcomesQueryFromArgs(const ReportArgs& report,
                                                    const OutcomesArgs& outcomes) {
  replay::OutcomesQuery query;
  LEDGER_ASSIGN_OR_RETURN(static_cast<replay::ReportMoment&>(query), MomentFromArgs(report));
  LEDGER_ASSIGN_OR_RETURN(query.options, OutcomesOptionsFromArgs(outcomes));
  return query;
}

}  // namespace ledger::cli
