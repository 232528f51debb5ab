// ledger release approve | export, and the evaluator's ledger replay DIR outcomes | check
// (docs/evaluator-guide.md).
#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"
#include "privacy_actions.h"
#include "release/release.h"
#include "release_actions.h"
#include "replay/outcomes.h"
#include "replay/report_time.h"
#include "server/client.h"

namespace ledger::cli {
namespace {

using json = nlohmann::ordered_json;

struct ReleaseArgs {
  std::string data, key, ledger_key, keys_dir, master_key, release, recipient,
      purpose = "evaluation", basis, expires, out, format = "text";
  release::ExportParamsText params;  // export's (release_id from --release)
  std::string url, token, tls_ca;    // export through a running server
};

// "2026-12-31" (its end in Oslo) or an RFC 3339 instant.
Result<int64_t> ParseExpiry(const std::string& text) {
  if (auto d = ParseDate(text); d.ok()) {
    return replay::ReportTime::EndOfDay(*d, replay::ReportZone::EuropeOslo()).instant_us - 999999;
  }
  auto us = ParseInstantMicros(text);
  if (!us.ok()) return Status::InvalidArgument("--expires: a date or an RFC 3339 instant");
  return *us;
}

// A client of the server at --url (HOST:PORT) with --token (or $LEDGER_TOKEN).
Result<std::unique_ptr<server::Client>> ConnectTo(const ReleaseArgs& a) {
  const size_t colon = a.url.rfind(':');
  server::ClientOptions o;
  unsigned port = 0;
  const std::string port_text = colon == std::string::npos ? "" : a.url.substr(colon + 1);
  const auto parsed = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (colon == 0 || port_text.empty() || parsed.ec != std::errc() ||
      parsed.ptr != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return Status::InvalidArgument("--url: HOST:PORT of the server, e.g. 127.0.0.1:7400");
  }
  o.host = a.url.substr(0, colon);
  o.port = static_cast<uint16_t>(port);
  const char* env_token = std::getenv("LEDGER_TOKEN");
  o.token = a.token.empty() && env_token ? env_token : a.token;
  if (o.token.empty()) return Status::InvalidArgument("--url needs --token or $LEDGER_TOKEN");
  o.tls_ca_file = a.tls_ca;
  o.timeout = std::chrono::minutes(10);  // an export of a large cohort takes a while
  auto client = server::Client::Connect(o);
  if (!client.ok()) return client.status().WithContext("--url");
  return std::move(*client);
}

// Appends `event`, signed by `key`, through the server; its seq.
Result<uint64_t> AppendThrough(server::Client& client, const SigningKey& key, const json& event) {
  LEDGER_ASSIGN_OR_RETURN(std::string body, server::SignedEventBody(event.dump(), key));
  LEDGER_ASSIGN_OR_RETURN(server::HttpResponse res, client.Post("/v1/events", body));
  const json ack = json::parse(res.body, nullptr, false);
  if (res.status != 201 || !ack.is_object() || !ack.contains("seq")) {
    return Status::FailedPrecondition("the server refused " + event.value("type", "the event") +
                                      " (HTTP " + std::to_string(res.status) + "): " + res.body);
  }
  return ack["seq"].get<uint64_t>();
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
  json data = {{"release_id", a.release},
               {"recipient_org", a.recipient},
               {"purpose", a.purpose},
               {"basis", a.basis},
               {"expires_at", FormatInstantMicros(*expires)}};
  const json event = ReleaseEvent(*key, "release.approved", a.basis, data);
  uint64_t seq = 0;
  if (!a.url.empty()) {
    auto client = ConnectTo(a);
    if (!client.ok()) return Fail(client.status());
    auto r = AppendThrough(**client, *key, event);
    if (!r.ok()) return Fail(r.status());
    seq = *r;
  } else {
    auto options = WriterOptions(a.ledger_key, a.keys_dir);
    if (!options.ok()) return Fail(options.status());
    auto ledger = Ledger::Open(ResolveDataDir(a.data), *options);
    if (!ledger.ok()) return Fail(ledger.status());
    auto r = AppendSigned(**ledger, *key, event);
    if (!r.ok()) return Fail(r.status());
    seq = r->seq;
  }
  fmt::print("release {} approved for {} ({}, basis {}) until {}; recorded at seq {}\n", a.release,
             a.recipient, a.purpose, a.basis, FormatInstantMicros(*expires), seq);
  return kExitOk;
}

// The export through a running server (which holds the ledger open): the server writes and
// publishes the release and answers with the data of release.exported, which is signed here
// by the dpo's key and appended (docs/api.md, "Releases").
int RunRemoteExport(const ReleaseArgs& a, const release::ExportParamsText& text,
                    const SigningKey& key) {
  auto client = ConnectTo(a);
  if (!client.ok()) return Fail(client.status());
  json body = {{"cohort", text.cohort},
               {"as_of", text.as_of},
               {"horizons", text.horizons},
               {"k", text.k},
               {"small_cells", text.small_cells},
               {"time_unit", text.time_unit},
               {"max_suppressed", text.max_suppressed},
               {"age_min", text.age_min},
               {"age_max", text.age_max}};
  if (!text.link_to.empty()) body["link_to"] = text.link_to;
  fmt::print(stderr, "exporting release {} on the server...\n", text.release_id);
  auto res = (*client)->Post("/v1/releases/" + text.release_id + "/export", body.dump());
  if (!res.ok()) return Fail(res.status().WithContext("export"));
  const json reply = json::parse(res->body, nullptr, false);
  if (res->status != 201 || !reply.is_object() || !reply.contains("exported_event_data")) {
    return Fail(Status::FailedPrecondition("the server refused the export (HTTP " +
                                           std::to_string(res->status) + "): " + res->body));
  }
  const json event = ReleaseEvent(key, "release.exported", reply["basis"].get<std::string>(),
                                  reply["exported_event_data"]);
  auto seq = AppendThrough(**client, key, event);
  if (!seq.ok()) {
    return Fail(seq.status().WithContext("the release was written to " +
                                         reply["dir"].get<std::string>() +
                                         " but is not handed out until release.exported is "
                                         "recorded; export it again under a new id"));
  }
  if (a.format == "json") {
    json out = reply;
    out.erase("next");
    out["recorded_at_seq"] = *seq;
    fmt::print("{}\n", out.dump(2));
    return kExitOk;
  }
  Table t({"release", text.release_id});
  t.AddRow({"on the server in", reply["dir"].get<std::string>()});
  t.AddRow({"cohort", Thousands(reply["cohort"].get<uint64_t>())});
  for (const char* why : {"no_consent", "objected", "restricted", "erased"}) {
    t.AddRow({std::string("excluded: ") + why, Thousands(reply["excluded"][why].get<uint64_t>())});
  }
  t.AddRow({"suppressed for k", Thousands(reply["suppressed"].get<uint64_t>())});
  t.AddRow({"persons released", Thousands(reply["persons"].get<uint64_t>())});
  t.AddRow({"events released", Thousands(reply["events"].get<uint64_t>())});
  t.AddRow({"manifest sha256", reply["manifest_sha256"].get<std::string>()});
  t.AddRow({"recorded at seq", std::to_string(*seq)});
  fmt::print("{}", t.Render());
  const auto& disagreements = reply["agreement"]["disagreements"];
  fmt::print("agreement with the ledger's outcomes ({}): {}\n",
             reply["agreement"]["scope"].get<std::string>(),
             disagreements.empty() ? "yes" : disagreements.dump());
  return kExitOk;
}

int RunExport(const ReleaseArgs& a) {
  release::ExportParamsText text = a.params;
  text.release_id = a.release;
  auto params = release::ParseExportParams(text);
  if (!params.ok()) return Fail(params.status());
  const release::ExportParams& p = *params;
  auto key = SigningKey::ReadFile(a.key);
  if (!key.ok()) return Fail(key.status().WithContext("--key"));
  if (!a.url.empty()) return RunRemoteExport(a, text, *key);
  if (a.out.empty()) return Fail(Status::InvalidArgument("--out: the release's directory"));
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
  if (!ledger.ok()) {
    if (ledger.status().code() == StatusCode::kUnavailable) {
      return Fail(Status::Unavailable(
          ledger.status().message() +
          "\nIf `ledger serve` holds it, export through the server: add --url HOST:PORT and "
          "--token (the dpo's API token) instead of --out"));
    }
    return Fail(ledger.status());
  }

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
    // Every event line is read and checked as the replay reads it: what `check` passes,
    // `outcomes` replays.
    replay::OutcomesOptions options;
    options.horizons = opened->horizons;
    Progress bar("check release", opened->events);
    auto replayed = release::ReleaseOutcomes(*opened, options,
                                             [&](uint64_t done, uint64_t) { bar.Update(done); });
    bar.Finish();
    if (!replayed.ok()) return Fail(replayed.status());
    fmt::print(
        "release {} for {} ({}): signature, manifest and file hashes check; {} persons, {} "
        "events, every line valid\n",
        opened->release_id, opened->recipient_org, opened->purpose,
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
    cmd->add_option("--url", a->url,
                    "HOST:PORT of a running server: go through it (export: into its releases "
                    "directory)");
    cmd->add_option("--token", a->token, "With --url: the dpo's API token (or $LEDGER_TOKEN)");
    cmd->add_option("--tls-ca", a->tls_ca, "With --url: verify the server's TLS certificate");
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
  ex->add_option("--cohort", exp->params.cohort, "Intake months FROM..TO, e.g. 2008-01..2008-12")
      ->required();
  ex->add_option("--as-of", exp->params.as_of, "Report month, e.g. 2010-12 (its last day)")
      ->required();
  ex->add_option("--out", exp->out, "Output directory (new or empty)");

  ex->add_option("--horizons", exp->params.horizons, "Months, at least 3 apart (default 6,12,24)");
  ex->add_option("--k", exp->params.k, "Smallest class of quasi-identifiers (default 5)");
  ex->add_option("--small-cells", exp->params.small_cells,
                 "Small-cell threshold of reports (default 5)");
  ex->add_option("--time-unit", exp->params.time_unit, "Days per time unit (default 7)");
  ex->add_option("--max-suppressed", exp->params.max_suppressed,
                 "Most people suppressed to reach k, in thousandths (default 50)");
  ex->add_option("--lkc-l", exp->params.lkc_l,
                 "LKC-privacy: events an adversary knows, 0-3 (default 2; 0: measure only)");
  ex->add_option("--lkc-k", exp->params.lkc_k,
                 "LKC-privacy: persons any L known events must match, unless none (default 5)");
  ex->add_option("--lkc-bucket", exp->params.lkc_bucket,
                 "LKC-privacy: days of an event's coarse time, 7-366 (default 91)");
  ex->add_option("--age-min", exp->params.age_min, "Youngest age at intake (default 18)");
  ex->add_option("--age-max", exp->params.age_max, "Oldest age at intake (default 24)");
  ex->add_option("--link-to", exp->params.link_to,
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
