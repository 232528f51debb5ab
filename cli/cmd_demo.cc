// demo: the README's first command. Creates a fresh ledger in a local directory, registers
// keys, generates a realistic synthetic cohort, signs and appends it, shows what is refused,
// prints what the ledger holds, verifies it, and prints the caseload, the cohort's outcomes and
// the compliance checks rebuilt by replaying the log, with the HTML report beside the ledger;
// then consent, erasure and a release, and last the two reports' scenario cohorts with their
// published figures beside the replayed ones.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "cohort_loader.h"
#include "commands.h"
#include "demo_privacy.h"
#include "demo_release.h"
#include "demo_scenarios.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "ledger/verify.h"
#include "replay/caseload.h"
#include "replay/full_report.h"
#include "synth/cohort_generator.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDemoMarker = ".ledger-demo";
constexpr const char* kDemoOrigin = "demo.drammen.kommune.no/ledger";

struct DemoArgs {
  std::string dir = "demo-ledger";
  int participants = 428;
  uint64_t seed = 1;
  bool no_scenarios = false;
};

void Heading(const std::string& text) { fmt::print("\n== {}\n", text); }

// A fresh directory for the demo; only ever deletes a directory an earlier demo made.
Status PrepareDir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::exists(fs::path(dir) / kDemoMarker, ec)) {
      return Status::FailedPrecondition(dir +
                                        " exists and was not made by `ledger demo`; "
                                        "choose another --dir");
    }
    fs::remove_all(dir, ec);
    if (ec) return Status::IOError("cannot remove " + dir + ": " + ec.message());
  }
  fs::create_directories(fs::path(dir) / "keys", ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  std::ofstream(fs::path(dir) / kDemoMarker) << "made by ledger demo\n";
  return Status::Ok();
}

std::string Show(const Status& s) {
  return fmt::format("{}: {}", StatusCodeName(s.code()), s.message());
}

// Shows, with real calls, that bad input is refused and nothing is appended.
void ShowRefusals(Ledger& ledger, const std::vector<std::string>& lines,
                  const std::vector<SignedEvent>& events, const KeysByRole& keys) {
  uint64_t size_before = ledger.log().Size();
  Table t({"attempt", "result"});

  // The same event with one field changed, under the original signature.
  auto altered_json = nlohmann::json::parse(EventJsonFromCanonical(events[1].event).value());
  altered_json["occurred_at"] = "2008-01-01T00:00:00+01:00";
  SignedEvent tampered = events[1];
  tampered.event = CanonicalEventFromJson(altered_json.dump()).value();
  auto r1 = ledger.log().Append(tampered);
  t.AddRow({"an event altered after signing", r1.ok() ? "appended (BUG)" : Show(r1.status())});

  auto j = nlohmann::json::parse(lines[1]);
  j["type"] = "case.teleported";
  auto bad_type = SignEventJson(j.dump(), keys.at("caseworker"));
  t.AddRow({"an unknown event type", bad_type.ok() ? "signed (BUG)" : Show(bad_type.status())});

  auto k = nlohmann::json::parse(lines[1]);
  k["occurred_at"] = "2008-13-01T10:00:00+01:00";
  auto bad_date = SignEventJson(k.dump(), keys.at("caseworker"));
  t.AddRow({"a month 13 in occurred_at", bad_date.ok() ? "signed (BUG)" : Show(bad_date.status())});

  auto reused = nlohmann::json::parse(lines[2]);
  reused["occurred_at"] = "2008-01-02T10:00:00+01:00";
  auto reused_event = SignEventJson(reused.dump(), keys.at("caseworker"));
  if (reused_event.ok()) {
    auto r = ledger.log().Append(*reused_event);
    t.AddRow(
        {"an event id reused with other content", r.ok() ? "appended (BUG)" : Show(r.status())});
  }

  auto again = ledger.log().Append(events[0]);
  t.AddRow({"the first event sent again (a retry)",
            again.ok()
                ? fmt::format("accepted as duplicate of seq {} (not appended twice)", again->seq)
                : Show(again.status())});

  auto key_event = SignEventJson(
      KeyRegisteredJson(keys.at("caseworker"), keys.at("caseworker").verifier(), "admin", {}),
      keys.at("caseworker"));
  if (key_event.ok()) {
    auto r = ledger.log().Append(*key_event);
    t.AddRow(
        {"a caseworker key making itself admin", r.ok() ? "appended (BUG)" : Show(r.status())});
  }
  fmt::print("{}", t.Render());
  fmt::print("entries before: {}, after: {} (nothing was appended)\n", Thousands(size_before),
             Thousands(ledger.log().Size()));
}

int RunDemo(const DemoArgs& a) {
  if (Status s = PrepareDir(a.dir); !s.ok()) return Fail(s);
  std::string data = a.dir + "/data", keys_dir = a.dir + "/keys";

  Heading("1. Create a ledger");
  auto ledger_key = SigningKey::Generate(kDemoOrigin);
  auto admin = SigningKey::Generate("demo-admin");
  if (!ledger_key.ok() || !admin.ok()) return Fail(Status::FailedPrecondition("key generation"));
  for (const auto& [name, key] : {std::pair{"ledger", &*ledger_key}, std::pair{"admin", &*admin}}) {
    if (Status s = key->WriteFile(keys_dir + "/" + name + ".key"); !s.ok()) return Fail(s);
    std::ofstream(keys_dir + "/" + name + ".key.pub") << key->verifier().ToString() << "\n";
  }
  // The vault's master key lives beside the keys, never in the data directory.
  MasterKey master = MasterKey::Generate();
  if (Status s = master.WriteNewFile(keys_dir + "/master.key"); !s.ok()) return Fail(s);
  LedgerOptions options;
  options.checkpoint_key = *ledger_key;  // the demo process signs the ledger's checkpoints
  options.signed_checkpoint_file = SignedCheckpointFile(keys_dir + "/ledger.key");
  options.master_key = master;
  auto ledger = CreateLedgerWithAdmin(data, *ledger_key, *admin, options);
  if (!ledger.ok()) return Fail(ledger.status());
  fmt::print("ledger {} in {}\nverifier key: {}\n", kDemoOrigin, data,
             ledger_key->verifier().ToString());

  Heading("2. Register the keys that write case events");
  KeysByRole keys;
  for (const auto& [name, role] : {std::pair{"nav-drammen-caseworkers", "caseworker"},
                                   std::pair{"nav-drammen-payments", "service"}}) {
    auto key = SigningKey::Generate(name);
    if (!key.ok()) return Fail(key.status());
    auto r = RegisterKey(**ledger, *admin, key->verifier(), role, {"case/"});
    if (!r.ok()) return Fail(r.status());
    if (Status s = key->WriteFile(keys_dir + "/" + std::string(name) + ".key"); !s.ok()) {
      return Fail(s);
    }
    fmt::print("  {:<24} {:<10} {}\n", name, role, key->verifier().ToString());
    keys.emplace(role, std::move(key).value());
  }

  Heading("3. Generate a synthetic cohort (Drammen-like, invented people)");
  synth::CohortOptions cohort;
  cohort.participants = a.participants;
  cohort.seed = a.seed;
  std::vector<std::string> lines;
  std::string error =
      synth::GenerateCohort(cohort, [&](std::string_view line) { lines.emplace_back(line); });
  if (!error.empty()) return Fail(Status::InvalidArgument(error));
  fmt::print("{} participants aged 18-24, intake from 2008-01, 36 months: {} events\n",
             a.participants, Thousands(lines.size()));

  Heading("4. Sign and append every event (durable before acknowledged)");
  auto events = SignCohortLines(lines, keys);
  if (!events.ok()) return Fail(events.status());
  auto summary = AppendInBatches(**ledger, *events, 1024, "append");
  fmt::print("appended {} events in {:.2f} s ({:.0f} events/s), refused {}\n",
             Thousands(summary.appended), summary.seconds,
             summary.seconds > 0 ? summary.appended / summary.seconds : 0.0,
             Thousands(summary.refused));
  if (summary.refused > 0) return Fail(summary.first_error.WithContext("the cohort was refused"));

  Heading("5. What the ledger refuses");
  ShowRefusals(**ledger, lines, *events, keys);

  Heading("6. What is in the ledger");
  auto info = (*ledger)->log().Info();
  Table t({"event type", "count"});
  for (const auto& [type, count] : info.events_by_type) t.AddRow({type, Thousands(count)});
  fmt::print("{} entries in {} streams; last recorded {}\n\n", Thousands(info.size),
             Thousands(info.streams), FormatInstantMicros(info.last_recorded_at_us));
  fmt::print("{}", t.Render());
  auto first_case = (*ledger)->log().ReadSeq(3);
  if (first_case.ok()) {
    auto json = EventJsonFromCanonical(first_case->event);
    if (json.ok()) {
      fmt::print("\nentry 3 as stored (personal values only as salted digests):\n{}\n", *json);
    }
  }

  Heading("7. A signed checkpoint (c2sp.org/tlog-checkpoint) of the whole history");
  auto note = (*ledger)->audit().SignCheckpoint();
  if (!note.ok()) return Fail(note.status());
  fmt::print("{}", *note);

  Heading("8. Full verification, as an auditor runs it");
  VerifyOptions verify_options;
  Progress progress("verify", (*ledger)->log().Size());
  verify_options.progress = [&](uint64_t done, uint64_t) { progress.Update(done); };
  auto report = VerifyLedger(**ledger, verify_options);
  progress.Finish();
  if (!report.ok()) return Fail(report.status());
  Table v({"verify", report->ok ? "OK" : "FAILED"});
  v.AddRow(
      {"entries checked (signature, key, role, versions)", Thousands(report->entries_checked)});
  v.AddRow({"tree nodes checked", Thousands(report->tree_nodes_checked)});
  v.AddRow({"signed checkpoints checked", Thousands(report->checkpoints_checked)});
  v.AddRow({"time", fmt::format("{:.2f} s", report->seconds)});
  fmt::print("{}", v.Render());
  if (!report->ok) return Fail(report->failure);

  Heading("9. The caseload on 30 June 2009, rebuilt by replaying the log");
  replay::CaseloadQuery query;
  query.as_of = CivilDate{2009, 6, 30};
  auto caseload = replay::RunCaseload(**ledger, query);
  if (!caseload.ok()) return Fail(caseload.status());
  // The per-case table is long; the demo shows the summary that follows it.
  std::string text = replay::CaseloadText(caseload->report);
  size_t summary_at = text.find("Open cases by office");
  fmt::print("{}", summary_at == std::string::npos ? text : text.substr(summary_at));

  Heading("10. Outcomes of the cohort as of 31 December 2010, rebuilt by replaying the log");
  // One replay feeds the outcomes, the compliance checks and the HTML page.
  replay::OutcomesQuery end_of_window;
  end_of_window.as_of = CivilDate{2010, 12, 31};
  end_of_window.options.stock_baseline = CivilDate{2008, 12, 1};
  end_of_window.options.stock_month = CivilDate{2009, 12, 1};
  Progress replay_progress("replay", (*ledger)->log().Size());
  end_of_window.progress = [&](const replay::ReplayProgress& p) {
    replay_progress.Update(p.position);
  };
  auto full = replay::RunFullReport(**ledger, end_of_window);
  replay_progress.Finish();
  if (!full.ok()) return Fail(full.status());
  fmt::print("{}", replay::OutcomesText(full->outcomes));

  Heading("11. Compliance as of 31 December 2010: what an auditor checks");
  fmt::print("{}", replay::ComplianceText(full->compliance, /*max_exceptions_per_check=*/5));

  Heading("12. The whole report as one HTML page (no network, no scripts)");
  const std::string html_path = a.dir + "/report.html";
  const std::string page = replay::FullReportHtml(*full);
  if (Status s = WriteWholeFile(html_path, page); !s.ok()) return Fail(s);
  fmt::print("wrote {} ({} bytes)\n", html_path, Thousands(page.size()));

  if (Status s = DemoConsentAndErasure(**ledger, *admin, keys_dir, 13); !s.ok()) return Fail(s);
  if (Status s =
          DemoRelease(**ledger, master, *ledger_key, keys_dir, a.dir + "/release-eval-2011", 15);
      !s.ok()) {
    return Fail(s);
  }
  if (!a.no_scenarios) {
    if (Status s = DemoScenarios(a.dir, *ledger_key, *admin, master, a.seed, 16); !s.ok()) {
      return Fail(s);
    }
  }

  fmt::print(
      "\nTry: build/bin/ledger stats --data {0}\n"
      "     build/bin/ledger caseload --data {0} --as-of 2009-06-30\n"
      "     build/bin/ledger outcomes --data {0} --as-of 2010-12-31 --by sex\n"
      "     build/bin/ledger compliance --data {0} --as-of 2010-12-31 --format csv\n"
      "     build/bin/ledger read --data {0} --limit 5 --as {1}/dpo.key --keys {1}\n"
      "     build/bin/ledger consent show --data {0} --subject <subject> --at 2009-06-30\n"
      "     build/bin/ledger replay {2}/release-eval-2011 outcomes --by sex --vkey "
      "{1}/ledger.key.pub\n"
      "     build/bin/ledger scenario --scenario narvik --data {2}/scenario-narvik/data "
      "--format json\n"
      "     build/bin/ledger prove --data {0} --seq 3\n"
      "     build/bin/ledger audit-export --data {0} --out audit && "
      "build/bin/ledger audit-verify audit --vkey {1}/ledger.key.pub\n",
      data, keys_dir, a.dir);
  return kExitOk;
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo", "Create a fresh ledger, load a synthetic cohort, show refusals and contents");
  cmd->add_option("--dir", args->dir,
                  "Directory for the demo (replaced if an earlier demo made it)")
      ->capture_default_str();
  cmd->add_option("--participants", args->participants, "Cohort size")->capture_default_str();
  cmd->add_option("--seed", args->seed, "Cohort seed")->capture_default_str();
  cmd->add_flag("--no-scenarios", args->no_scenarios,
                "Skip the last step (the reports' scenario cohorts, 10-20 s)");
  cmd->callback([=] { *exit_code = RunDemo(*args); });
}

}  // namespace ledger::cli
