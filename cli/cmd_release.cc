// ledger release approve | export, and the evaluator's ledger replay DIR outcomes | check
// (docs/evaluator-guide.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"
#include "privacy_actions.h"
#include "release_actions.h"
#include "release/release.h"
#include "replay/outcomes.h"
#include "replay/report_time.h"

namespace ledger::cli {
namespace {

using json = nlohmann::ordered_json;

struct ReleaseArgs {
  std::string data, key, ledger_key, keys_dir, master_key, release, recipient, purpose = "evaluation",
      basis, expires, cohort, as_of, horizons = "6,12,24", link_to, out, format = "text";
  int k = 5, small_cells = 5, time_unit = 7, max_suppressed = 50, age_min = 18, age_max = 24;
};

// "2026-12-31" (its end in Oslo) or an RFC 3339 instant.
Result<int64_t> ParseExpiry(const std::string& text) {
  if (auto d = ParseDate(text); d.ok()) {
    return replay::ReportTime::EndOfDay(*d, replay::ReportZone::EuropeOslo()).instant_us -
           999999;
  }
  auto us = ParseInstantMicros(text);
  if (!us.ok()) return Status::InvalidArgument("--expires: a date or an RFC 3339 instant");
  return *us;
}

// "2008-01..2008-12" -> the first day of the first month, the last day of the last.
Status ParseCohort(const std::string& text, release::ExportParams* p) {
  const size_t dots = text.find("..");
  auto bad = [] {
    return Status::InvalidArgument("--cohort: intake months FROM..TO, e.g. 2008-01..2008-12");
  };
  if (dots == std::string::npos) return bad();
  auto from = ParseMonth(text.substr(0, dots));
  auto to = ParseMonth(text.substr(dots + 2));
  if (!from.ok() || !to.ok()) return bad();
  p->intake_from = CivilDate{from->year, from->month, 1};
  p->intake_to = CivilDate{to->year, to->month, DaysInMonth(to->year, to->month)};
  return Status::Ok();
}

int RunApprove(const ReleaseArgs& a) {
  if (!release::ValidReleaseId(a.release)) {
    return Fail(Status::InvalidArgument(
        "--release: a release id is 1-64 characters of [A-Za-z0-9._-], not starting with '.'"));
  }
  auto key = SigningKey::ReadFile(a.key);
  if (!key.ok()) return Fail(key.status().WithContext("--key"));
  auto expires = ParseExpiry(a.expires);
  if (!expires.ok()) return Fail(expires.status());
  if (*expires <= NowMicros()) {
    return Fail(Status::InvalidArgument("--expires: the approval would already have expired"));
  }
  auto options = WriterOptions(a.ledger_key, a.keys_dir);
  if (!options.ok()) return Fail(options.status());
  auto ledger = Ledger::Open(ResolveDataDir(a.data), *options);
  if (!ledger.ok()) return Fail(ledger.status());
  json data = {{"release_id", a.release},
               {"recipient_org", a.recipient},
               {"purpose", a.purpose},
               {"basis", a.basis},
               {"expires_at", FormatInstantMicros(*expires)}};
  auto r = AppendSigned(**ledger, *key, ReleaseEvent(*key, "release.approved", a.basis, data));
  if (!r.ok()) return Fail(r.status());
  fmt::print("release {} approved for {} ({}, basis {}) until {}; recorded at seq {}\n",
             a.release, a.recipient, a.purpose, a.basis, FormatInstantMicros(*expires), r->seq);
  return kExitOk;
}

int RunExport(const ReleaseArgs& a) {
  release::ExportParams p;
  p.release_id = a.release;
  if (Status s = ParseCohort(a.cohort, &p); !s.ok()) return Fail(s);
  auto as_of = ParseMonth(a.as_of);
  if (!as_of.ok()) return Fail(Status::InvalidArgument("--as-of: a month, e.g. 2010-12"));
  p.as_of = CivilDate{as_of->year, as_of->month, DaysInMonth(as_of->year, as_of->month)};
  auto horizons = replay::ParseHorizons(a.horizons);
  if (!horizons.ok()) return Fail(horizons.status().WithContext("--horizons"));
  p.horizons = *horizons;
  p.k = a.k;
  p.small_cell_threshold = a.small_cells;
  p.time_unit_days = a.time_unit;
  p.max_suppressed_permille = a.max_suppressed;
  p.age_min = a.age_min;
  p.age_max = a.age_max;
  p.key_of_release = a.link_to;
  if (Status s = release::ValidateExportParams(p); !s.ok()) return Fail(s);

  auto key = SigningKey::ReadFile(a.key);
  if (!key.ok()) return Fail(key.status().WithContext("--key"));
  auto options = WriterOptions(a.ledger_key, a.keys_dir);
  if (!options.ok()) return Fail(options.status());
  if (!options->checkpoint_key) {
    return Fail(Status::FailedPrecondition(
        "the ledger key signs the release's manifest: give --ledger-key or <keys>/ledger.key"));
  }
  const SigningKey ledger_key = *options->checkpoint_key;
  const std::string dir = ResolveDataDir(a.data);
  auto master = ResolveMasterKey(a.master_key, a.keys_dir, dir);
  if (!master.ok()) return Fail(master.status());
  options->master_key = *master;
  auto ledger = Ledger::Open(dir, *options);
  if (!ledger.ok()) return Fail(ledger.status());

  auto recorded = ExportAndRecord(**ledger, *master, ledger_key, *key, p, a.out);
  if (!recorded.ok()) return Fail(recorded.status());
  const release::ExportSummary& summary = recorded->summary;
  if (a.format == "json") {
    json out = json::parse(summary.manifest_json);
    out["manifest_sha256"] = summary.manifest_sha256;
    out["recorded_at_seq"] = recorded->seq;
    json seconds = json::object();
    for (const auto& [name, sec] : summary.seconds) seconds[name] = sec;
    out["seconds"] = seconds;
    out["agreement"] = {{"scope", summary.agreement_scope},
                        {"disagreements", summary.disagreements}};
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  fmt::print("{}", ExportSummaryText(*recorded, a.out));
  return kExitOk;
}

struct ReplayArgs {
  std::string dir, what = "outcomes", vkey, keys_dir, horizons, by = "none", format = "table";
};

int RunReplay(const ReplayArgs& a) {
  std::string vkey = a.vkey;
  if (vkey.empty()) vkey = ResolveKeysDir(a.keys_dir) + "/ledger.key.pub";
  auto opened = release::OpenRelease(a.dir, {KeyArgumentText(vkey)});
  if (!opened.ok()) return Fail(opened.status());
  if (a.what == "check") {
    fmt::print("release {} for {} ({}): signature and {} file hashes check; {} persons, {} events\n",
               opened->release_id, opened->recipient_org, opened->purpose, 2,
               Thousands(opened->persons.size()), Thousands(opened->events));
    return kExitOk;
  }
  replay::OutcomesOptions options;
  options.horizons = opened->horizons;
  if (!a.horizons.empty()) {
    auto h = replay::ParseHorizons(a.horizons);
    if (!h.ok()) return Fail(h.status().WithContext("--horizons"));
    options.horizons = *h;
  }
  auto grouping = replay::ParseOutcomeGrouping(a.by);
  if (!grouping.ok()) return Fail(grouping.status().WithContext("--by"));
  options.grouping = *grouping;
  if (Status s = replay::ValidateOutcomesOptions(options); !s.ok()) return Fail(s);
  Progress bar("replay release", opened->events);
  auto report = release::ReleaseOutcomes(*opened, options,
                                         [&](uint64_t done, uint64_t) { bar.Update(done); });
  bar.Finish();
  if (!report.ok()) return Fail(report.status());
  replay::SuppressSmallCells(&*report, static_cast<uint64_t>(opened->small_cell_threshold));
  if (a.format == "json") {
    fmt::print("{}", replay::OutcomesJson(*report));
  } else if (a.format == "csv") {
    fmt::print("{}", replay::OutcomesCsv(*report));
  } else {
    fmt::print("Release {} for {} ({}): cells below {} or derivable from one are shown as *\n",
               opened->release_id, opened->recipient_org, opened->purpose,
               opened->small_cell_threshold);
    fmt::print("{}", replay::OutcomesText(*report));
  }
  return kExitOk;
}

}  // namespace

void RegisterReleaseCommands(CLI::App& app, int* exit_code) {
  auto* rel = app.add_subcommand("release", "Anonymised cohort releases for evaluators (dpo)");
  rel->require_subcommand(1);
  auto common = [](CLI::App* cmd, ReleaseArgs* a) {
    cmd->add_option("--data", a->data, "Ledger directory");
    cmd->add_option("--key", a->key, "Private key file of a dpo")->required();
    cmd->add_option("--release", a->release, "Release id")->required();
    cmd->add_option("--ledger-key", a->ledger_key,
                    "The ledger's private key (default <keys>/ledger.key)");
    cmd->add_option("--keys", a->keys_dir, "Key directory (default $LEDGER_KEYS or ./ledger-keys)");
  };
  auto approve = std::make_shared<ReleaseArgs>();
  auto* ap = rel->add_subcommand("approve", "Approve a release (appends release.approved)");
  common(ap, approve.get());
  ap->add_option("--recipient", approve->recipient, "Recipient organisation, e.g. ramboll")
      ->required();
  ap->add_option("--purpose", approve->purpose, "evaluation or statistics (default evaluation)")
      ->check(CLI::IsMember({"evaluation", "statistics"}));
  ap->add_option("--basis", approve->basis,
                 "Legal basis, e.g. GDPR:6(1)(e) (statutory) or GDPR:6(1)(a) (consent)")
      ->required();
  ap->add_option("--expires", approve->expires, "Date or RFC 3339 instant")->required();
  ap->callback([approve, exit_code] { *exit_code = RunApprove(*approve); });

  auto exp = std::make_shared<ReleaseArgs>();
  auto* ex = rel->add_subcommand("export", "Export an approved release into a directory");
  common(ex, exp.get());
  ex->add_option("--master-key", exp->master_key,
                 "Master key file (default $LEDGER_MASTER_KEY or <keys>/master.key)");
  ex->add_option("--cohort", exp->cohort, "Intake months FROM..TO, e.g. 2008-01..2008-12")
      ->required();
  ex->add_option("--as-of", exp->as_of, "Report month, e.g. 2010-12 (its last day)")->required();
  ex->add_option("--out", exp->out, "Output directory (new or empty)")->required();
  ex->add_option("--horizons", exp->horizons, "Months, at least 3 apart (default 6,12,24)");
  ex->add_option("--k", exp->k, "Smallest class of quasi-identifiers (default 5)");
  ex->add_option("--small-cells", exp->small_cells, "Small-cell threshold of reports (default 5)");
  ex->add_option("--time-unit", exp->time_unit, "Days per time unit (default 7)");
  ex->add_option("--max-suppressed", exp->max_suppressed,
                 "Most people suppressed to reach k, in thousandths (default 50)");
  ex->add_option("--age-min", exp->age_min, "Youngest age at intake (default 18)");
  ex->add_option("--age-max", exp->age_max, "Oldest age at intake (default 24)");
  ex->add_option("--link-to", exp->link_to,
                 "Use the pseudonym key of this earlier release (the two become linkable)");
  ex->add_option("--format", exp->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  ex->callback([exp, exit_code] { *exit_code = RunExport(*exp); });

  auto rep = std::make_shared<ReplayArgs>();
  auto* rp = app.add_subcommand(
      "replay", "Check a release's signature and hashes, then replay its outcomes (evaluators)");
  rp->add_option("dir", rep->dir, "Release directory")->required();
  rp->add_option("what", rep->what, "outcomes (default) or check")
      ->check(CLI::IsMember({"outcomes", "check"}));
  rp->add_option("--vkey", rep->vkey,
                 "The ledger's verifier key, text or file (default <keys>/ledger.key.pub)");
  rp->add_option("--keys", rep->keys_dir, "Key directory (default $LEDGER_KEYS or ./ledger-keys)");
  rp->add_option("--horizons", rep->horizons, "Months (default: the release's)");
  rp->add_option("--by", rep->by, "none, sex, age_band, category or municipality");
  rp->add_option("--format", rep->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  rp->callback([rep, exit_code] { *exit_code = RunReplay(*rep); });
}

}  // namespace ledger::cli
