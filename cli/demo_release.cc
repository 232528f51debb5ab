#include "demo_release.h"

#include <fmt/format.h>

#include "cli_common.h"
#include "privacy_actions.h"
#include "release/release.h"
#include "release_actions.h"
#include "replay/outcomes.h"

namespace ledger::cli {
namespace {

std::string Share(uint64_t num, uint64_t den) {
  if (num == replay::kSuppressedCount || den == replay::kSuppressedCount) return "*";
  if (den == 0) return "-";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(num) / static_cast<double>(den));
}

}  // namespace

Status DemoRelease(Ledger& ledger, const MasterKey& master, const SigningKey& ledger_key,
                   const std::string& keys_dir, const std::string& out_dir, int step) {
  fmt::print("\n== {}. An anonymised release for an evaluator, checked and replayed by them\n",
             step);
  LEDGER_ASSIGN_OR_RETURN(SigningKey dpo, SigningKey::ReadFile(keys_dir + "/dpo.key"));
  const std::string basis = "GDPR:6(1)(e)";
  nlohmann::ordered_json approval = {
      {"release_id", "eval-2011"},
      {"recipient_org", "ramboll"},
      {"purpose", "evaluation"},
      {"basis", basis},
      {"expires_at",
       FormatInstantMicros(NowMicros() / 1000000 * 1000000 + int64_t{90} * 86400 * 1000000)}};
  LEDGER_ASSIGN_OR_RETURN(
      AppendResult approved,
      AppendSigned(ledger, dpo, ReleaseEvent(dpo, "release.approved", basis, approval)));
  fmt::print("the dpo approves release eval-2011 for ramboll (evaluation, {}) at seq {}\n", basis,
             approved.seq);
  release::ExportParams params;
  params.release_id = "eval-2011";
  params.intake_from = CivilDate{2008, 1, 1};
  params.intake_to = CivilDate{2008, 12, 31};
  params.as_of = CivilDate{2010, 12, 31};
  LEDGER_ASSIGN_OR_RETURN(RecordedExport recorded,
                          ExportAndRecord(ledger, master, ledger_key, dpo, params, out_dir));
  fmt::print(
      "$ ledger release export --release eval-2011 --cohort 2008-01..2008-12 --as-of "
      "2010-12 --out {}\n{}",
      out_dir, ExportSummaryText(recorded, out_dir));

  fmt::print(
      "\nThe evaluator checks the signature and every file hash with the ledger's "
      "verifier key, then replays the events into the same projection:\n");
  LEDGER_ASSIGN_OR_RETURN(release::OpenedRelease opened,
                          release::OpenRelease(out_dir, {ledger_key.verifier().ToString()}));
  replay::OutcomesOptions options;
  options.horizons = opened.horizons;
  LEDGER_ASSIGN_OR_RETURN(replay::OutcomesReport replayed,
                          release::ReleaseOutcomes(opened, options));
  replay::SuppressSmallCells(&replayed, static_cast<uint64_t>(opened.small_cell_threshold));
  const replay::OutcomesReport& ours = recorded.summary.ledger_outcomes;
  Table t({"figure", "ledger (same people)", "release, replayed"});
  const replay::OutcomeGroup& a = ours.groups.front();
  const replay::OutcomeGroup& b = replayed.groups.front();
  t.AddRow({"people (O1)", Thousands(a.cohort), Thousands(b.cohort)});
  for (size_t i = 0; i < a.horizons.size() && i < b.horizons.size(); ++i) {
    const auto& x = a.horizons[i];
    const auto& y = b.horizons[i];
    const std::string h = fmt::format(" at {} months", x.months);
    t.AddRow({"work or education (O3)" + h, Share(x.work_or_education, x.followed),
              Share(y.work_or_education, y.followed)});
    t.AddRow({"off assistance (O5)" + h, Share(x.off_assistance, x.followed),
              Share(y.off_assistance, y.followed)});
    t.AddRow({"assistance main income (O6)" + h, Share(x.assistance_main_income, x.followed),
              Share(y.assistance_main_income, y.followed)});
  }
  t.AddRow({"median months to exit (O8)",
            a.survival.median_months ? std::to_string(*a.survival.median_months) : "-",
            b.survival.median_months ? std::to_string(*b.survival.median_months) : "-"});
  t.AddRow(
      {"re-entered after exit (O9)", Share(a.reentered, a.exited), Share(b.reentered, b.exited)});
  fmt::print("{}", t.Render());
  fmt::print(
      "replayed report sha256 {} ({} the manifest's)\n",
      nlohmann::json::parse(replay::OutcomesJson(replayed)).at("sha256").get<std::string>(),
      nlohmann::json::parse(replay::OutcomesJson(replayed)).at("sha256") == opened.report_sha256
          ? "equal to"
          : "NOT equal to");
  if (!recorded.summary.disagreements.empty()) {
    return Status::Corruption("the release's outcomes differ from the ledger's own: " +
                              recorded.summary.disagreements.front());
  }
  return Status::Ok();
}

}  // namespace ledger::cli
