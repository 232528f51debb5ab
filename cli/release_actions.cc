#include "release_actions.h"

#include <fmt/format.h>

#include <optional>

#include "cli_common.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"
#include "privacy_actions.h"

namespace ledger::cli {

using json = nlohmann::ordered_json;

json ReleaseEvent(const SigningKey& dpo, const std::string& type, const std::string& basis,
                  json data) {
  return json::parse(release::ReleaseEventJson(dpo.name(), type, basis, data.dump()));
}

Result<RecordedExport> ExportAndRecord(Ledger& ledger, const MasterKey& master,
                                       const SigningKey& ledger_key, const SigningKey& dpo,
                                       const release::ExportParams& params,
                                       const std::string& out_dir) {
  std::optional<Progress> bar;
  std::string phase;
  auto progress = [&](const release::ExportProgress& e) {
    if (e.phase != phase) {
      if (bar) bar->Finish();
      phase = e.phase;
      const char* label = phase == "cohort"   ? "cohort"
                          : phase == "events" ? "people written"
                          : phase == "replay" ? "replay release"
                                              : "ledger's own outcomes";
      bar.emplace(label, e.total);
    }
    bar->Update(e.done);
  };
  auto summary =
      release::Export(ledger, master, ledger_key, params, out_dir, NowMicros(), progress);
  if (bar) bar->Finish();
  if (!summary.ok()) return summary.status();
  // The record comes before the files are published: no release exists without it.
  json exported = ReleaseEvent(dpo, "release.exported", summary->approval.basis,
                               json::parse(release::ExportedEventData(*summary)));
  auto r = AppendSigned(ledger, dpo, exported);
  if (!r.ok()) {
    release::Discard(*summary);
    return r.status().WithContext("recording release.exported (nothing was published)");
  }
  LEDGER_RETURN_IF_ERROR(release::Publish(*summary, out_dir));
  return RecordedExport{std::move(*summary), r->seq};
}

std::string ExportSummaryText(const RecordedExport& recorded, const std::string& out_dir) {
  const release::ExportSummary& s = recorded.summary;
  Table t({"release", s.approval.release_id});
  t.AddRow({"recipient", s.approval.recipient_org});
  t.AddRow({"purpose / basis", s.approval.purpose + " / " + s.approval.basis});
  t.AddRow({"cohort", Thousands(s.cohort)});
  t.AddRow({"excluded: no consent", Thousands(s.excluded.no_consent)});
  t.AddRow({"excluded: objected", Thousands(s.excluded.objected)});
  t.AddRow({"excluded: restricted", Thousands(s.excluded.restricted)});
  t.AddRow({"excluded: erased", Thousands(s.excluded.erased)});
  t.AddRow({"suppressed for k", Thousands(s.suppressed)});
  t.AddRow({"persons released", Thousands(s.persons)});
  t.AddRow({"events released", Thousands(s.events)});
  t.AddRow({"observations merged", Thousands(s.observations_merged)});
  t.AddRow({"events after follow-up", Thousands(s.events_censored)});
  t.AddRow({"events suppressed (LKC)", Thousands(s.events_suppressed)});
  const nlohmann::json manifest = nlohmann::json::parse(s.manifest_json, nullptr, false);
  if (manifest.is_object() && manifest.contains("risk") && manifest.contains("trajectories")) {
    const auto& risk = manifest["risk"];
    const auto& lkc = manifest["privacy"]["lkc"];
    auto pct = [](const nlohmann::json& v) {
      return fmt::format("{:.1f}%", 100 * v.get<double>());
    };
    for (const char* when : {"before", "after"}) {
      const auto& r = risk[when];
      t.AddRow({fmt::format("risk {} (QIs)", when),
                fmt::format("smallest class {}, prosecutor max {} mean {}, journalist max {} "
                            "mean {}, marketer {}, uniques {}, at risk {}",
                            r["smallest_class"].get<uint64_t>(), r["prosecutor_max"].dump(),
                            r["prosecutor_mean"].dump(), r["journalist_max"].dump(),
                            r["journalist_mean"].dump(), r["marketer"].dump(),
                            pct(r["sample_uniques"]), pct(r["records_at_risk"]))});
      const auto& tr = manifest["trajectories"][when];
      t.AddRow({fmt::format("trajectories {}", when),
                fmt::format("unique by event types {}; by {} (type, {}-day) items: unique {}, "
                            "below K={} {}",
                            pct(tr["unique_by_types"]), lkc["l"].get<int>(),
                            lkc["bucket_days"].get<int>(), pct(tr["unique_by_items"]),
                            lkc["k"].get<int>(), pct(tr["below_k_by_items"]))});
    }
  }
  t.AddRow({"manifest sha256", s.manifest_sha256});
  t.AddRow({"outcomes report sha256", s.report_sha256});
  t.AddRow({"recorded at seq", std::to_string(recorded.seq)});
  double total = 0;
  std::string phases;
  for (const auto& [name, sec] : s.seconds) {
    total += sec;
    phases += fmt::format("{}{} {:.1f}", phases.empty() ? "" : ", ", name, sec);
  }
  t.AddRow({"seconds", fmt::format("{:.1f} ({})", total, phases)});
  std::string out = t.Render() + "written to " + out_dir + "\n";
  if (s.disagreements.empty()) {
    out += "the release's outcomes agree with the ledger's own for the same people: " +
           s.agreement_scope + "\n";
  } else {
    out += fmt::format("the release's outcomes differ from the ledger's own in {} figures ({}):\n",
                       s.disagreements.size(), s.agreement_scope);
    for (const std::string& d : s.disagreements) out += "  " + d + "\n";
  }
  if (s.moved.empty()) {
    out += "the privacy steps moved no outcome figure from the ledger's own in full\n";
  } else {
    out += fmt::format(
        "the privacy steps moved {} figures from the ledger's own in full (follow-up lost in {} "
        "person-horizons, shares by at most {:.2f} points), e.g. {}\n",
        s.moved.size(), s.moved_followed, s.moved_max_share_points, s.moved.front());
  }
  return out;
}

}  // namespace ledger::cli
