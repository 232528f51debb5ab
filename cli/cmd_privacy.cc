// consent check|show, erasure request|decide|shred, retention run, policy show|set: the
// privacy operations of docs/privacy.md from the command line.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "cli_common.h"
#include "commands.h"
#include "consent_text.h"
#include "ledger/consent.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/policy.h"
#include "ledger/signing_key.h"
#include "ledger/time_format.h"
#include "privacy_actions.h"
#include "replay/report_time.h"

namespace ledger::cli {
namespace {

using json = nlohmann::ordered_json;

// --at: an RFC 3339 instant, or a date meaning its last instant in the zone (as reports read
// "as of" a date); empty: now.
Result<int64_t> ParseAt(const std::string& at, const replay::ReportZone& zone) {
  if (at.empty()) return NowMicros();
  if (at.size() == 10) {
    auto date = ParseDate(at);
    if (!date.ok()) return date.status().WithContext("--at");
    return replay::ReportTime::EndOfDay(*date, zone).instant_us;
  }
  auto instant = ParseInstantMicros(at);
  if (!instant.ok()) {
    return Status::InvalidArgument("--at: " + at +
                                   " is neither a date (YYYY-MM-DD) nor an RFC 3339 instant");
  }
  return *instant;
}

struct ConsentArgs {
  std::string data, subject, recipient, purpose, at, zone = "Europe/Oslo", format = "text";
  std::vector<std::string> categories;
};

int RunConsentCheck(const ConsentArgs& a) {
  auto zone = replay::ReportZone::Parse(a.zone);
  if (!zone.ok()) return Fail(zone.status().WithContext("--zone"));
  auto at = ParseAt(a.at, *zone);
  if (!at.ok()) return Fail(at.status());
  auto ledger = OpenForReading(a.data);
  if (!ledger.ok()) return Fail(ledger.status());
  ConsentQuestion q{a.subject, a.recipient, a.categories, a.purpose, *at};
  auto d = (*ledger)->privacy().DecideConsent(q);
  if (!d.ok()) return Fail(d.status());
  if (a.format == "json") {
    json j;
    j["subject"] = a.subject;
    j["recipient"] = a.recipient;
    j["data_categories"] = a.categories;
    j["purpose"] = a.purpose;
    j["at"] = FormatInstantMicros(*at);
    j["allowed"] = d->allowed();
    j["answer"] = std::string(ConsentAnswerName(d->answer));
    j["consent_ids"] = d->consent_ids;
    if (d->since_us != 0) j["since"] = FormatInstantMicros(d->since_us);
    if (!d->replaced_by.empty()) j["replaced_by"] = d->replaced_by;
    if (!d->missing.empty()) j["missing"] = d->missing;
    j["reason"] = Reason(*d, *zone);
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("{}: may {} receive {} about {} for {} at {}?\n  {}\n", d->allowed() ? "YES" : "NO",
               a.recipient, Join(a.categories), a.subject, a.purpose, Local(*at, *zone),
               Reason(*d, *zone));
  }
  return d->allowed() ? kExitOk : kExitRefused;
}

int RunConsentShow(const ConsentArgs& a) {
  auto zone = replay::ReportZone::Parse(a.zone);
  if (!zone.ok()) return Fail(zone.status().WithContext("--zone"));
  auto at = ParseAt(a.at, *zone);
  if (!at.ok()) return Fail(at.status());
  auto ledger = OpenForReading(a.data);
  if (!ledger.ok()) return Fail(ledger.status());
  auto facts = (*ledger)->privacy().Consents(a.subject);
  if (!facts.ok()) return Fail(facts.status());
  if (a.format == "json") {
    json j;
    j["subject"] = a.subject;
    j["at"] = FormatInstantMicros(*at);
    j["erased"] = facts->shredded;
    j["consents"] = json::array();
    for (const auto& c : facts->consents) {
      ConsentStanding s = StandingAt(c, *at);
      json x;
      x["consent_id"] = c.consent_id;
      x["standing"] = std::string(ConsentStandingName(s));
      if (int64_t since = StandingSince(c, s, *at); since != 0) {
        x["since"] = FormatInstantMicros(since);
      }
      if (c.given) {
        x["given_at"] = FormatInstantMicros(c.given_at_us);
        x["expires_at"] = FormatInstantMicros(ExpiryAt(c, *at));
        x["purposes"] = c.purposes;
        x["recipients"] = c.recipients;
        x["data_categories"] = c.data_categories;
      }
      j["consents"].push_back(x);
    }
    j["restrictions"] = json::array();
    for (const auto& r : facts->restrictions) {
      json x = {{"purpose", r.purpose}, {"from", FormatInstantMicros(r.from_us)}};
      if (r.until_us) x["until"] = FormatInstantMicros(*r.until_us);
      j["restrictions"].push_back(x);
    }
    fmt::print("{}\n", j.dump());
    return kExitOk;
  }
  fmt::print("consents of {} at {}{}\n", a.subject, Local(*at, *zone),
             facts->shredded ? " (subject erased)" : "");
  Table t({"consent", "standing", "since", "expires", "purposes", "recipients", "categories"});
  for (const auto& c : facts->consents) {
    ConsentStanding s = StandingAt(c, *at);
    int64_t since = StandingSince(c, s, *at);
    t.AddRow({c.consent_id, std::string(ConsentStandingName(s)),
              since ? Local(since, *zone)
                    : (s == ConsentStanding::kInForce ? Local(c.given_at_us, *zone) : ""),
              c.given ? Local(ExpiryAt(c, *at), *zone) : "", Join(c.purposes), Join(c.recipients),
              Join(c.data_categories)});
  }
  fmt::print("{}", t.Render());
  for (const auto& r : facts->restrictions) {
    fmt::print("processing for {} restricted from {}{}\n", r.purpose, Local(r.from_us, *zone),
               r.until_us ? " until " + Local(*r.until_us, *zone) : " (in force)");
  }
  return kExitOk;
}

// ---- Erasure, retention and policy: events signed by a dpo key ----

struct DpoArgs {
  std::string data, key, subject, request, ground, ledger_key, keys_dir, master_key, at,
      format = "text";
  bool grant = false, refuse = false, dry_run = false;
};

// Opens the ledger for a dpo: its checkpoint key if at hand, and the vault's master key (the
// shredding removes sealed values).
Result<std::unique_ptr<Ledger>> OpenForDpo(const DpoArgs& a) {
  LEDGER_ASSIGN_OR_RETURN(auto options, WriterOptions(a.ledger_key, a.keys_dir));
  std::string dir = ResolveDataDir(a.data);
  LEDGER_ASSIGN_OR_RETURN(options.master_key, ResolveMasterKey(a.master_key, a.keys_dir, dir));
  return Ledger::Open(dir, options);
}

int RunErasureRequest(const DpoArgs& a) {
  auto key = SigningKey::ReadFile(a.key);
  if (!key.ok()) return Fail(key.status().WithContext("--key"));
  auto ledger = OpenForDpo(a);
  if (!ledger.ok()) return Fail(ledger.status());
  std::string request = a.request.empty() ? "er-" + NewEventId().substr(0, 8) : a.request;
  auto r = AppendSigned(**ledger, *key,
                        DpoEvent(*key, a.subject, "erasure.requested", {{"request_id", request}},
                                 "GDPR:17", NowMicros()));
  if (!r.ok()) return Fail(r.status());
  fmt::print("erasure request {} for {} recorded at seq {}\n", request, a.subject, r->seq);
  return kExitOk;
}

int RunErasureDecide(const DpoArgs& a) {
  if (a.grant == a.refuse) return Fail(Status::InvalidArgument("give one of --grant, --refuse"));
  if (a.ground.empty()) return Fail(Status::InvalidArgument("--ground is required"));
  auto key = SigningKey::ReadFile(a.key);
  if (!key.ok()) return Fail(key.status().WithContext("--key"));
  auto ledger = OpenForDpo(a);
  if (!ledger.ok()) return Fail(ledger.status());
  auto decide = [&](const std::string& decision, const std::string& ground) {
    return AppendSigned(
        **ledger, *key,
        DpoEvent(*key, a.subject, "erasure.decided",
                 {{"request_id", a.request}, {"decision", decision}, {"ground", ground}}, ground,
                 NowMicros()));
  };
  auto r = decide(a.grant ? "granted" : "refused", a.ground);
  if (r.ok()) {
    fmt::print("erasure request {} {} ({}), seq {}\n", a.request, a.grant ? "granted" : "refused",
               a.ground, r->seq);
    return kExitOk;
  }
  // The archive duty keeps the case: record the refusal with the rule's ground.
  if (a.grant && r.status().message().find("rule archive-duty:") != std::string::npos) {
    std::string ground;
    for (const auto& rule : (*ledger)->privacy().PrivacyPolicy().archive) {
      if (r.status().message().find("rule " + rule.name + " ") != std::string::npos) {
        ground = rule.ground;
      }
    }
    auto refused = decide("refused", ground);
    if (!refused.ok()) return Fail(refused.status());
    fmt::print(stderr, "ledger: {}\n", r.status().message());
    fmt::print("erasure request {} refused under the archive duty ({}), recorded at seq {}\n",
               a.request, ground, refused->seq);
    return kExitRefused;
  }
  return Fail(r.status());
}

int RunErasureShred(const DpoArgs& a) {
  auto key = SigningKey::ReadFile(a.key);
  if (!key.ok()) return Fail(key.status().WithContext("--key"));
  auto ledger = OpenForDpo(a);
  if (!ledger.ok()) return Fail(ledger.status());
  // Shredded already (through the server, say): make sure the purge has reached the files.
  if (auto standing = (*ledger)->privacy().Consents(a.subject);
      standing.ok() && standing->shredded) {
    if (Status s = (*ledger)->privacy().PurgeErased(); !s.ok()) return Fail(s);
    fmt::print("{} was already shredded; its deleted key and values are gone from the files\n",
               a.subject);
    return kExitOk;
  }
  auto event = DpoEvent(*key, a.subject, "subject.shredded", {{"request_id", a.request}}, "GDPR:17",
                        NowMicros());
  if (Status s = ShredAndPurge(**ledger, {event}, *key, "shred"); !s.ok()) return Fail(s);
  fmt::print(
      "{} shredded: its key and personal values are gone; the entries keep their "
      "digests, so every proof still verifies\n",
      a.subject);
  return kExitOk;
}

int RunRetention(const DpoArgs& a) {
  std::optional<SigningKey> key;
  if (!a.dry_run) {
    if (a.key.empty())
      return Fail(Status::InvalidArgument("--key (a dpo key) is required unless --dry-run"));
    auto k = SigningKey::ReadFile(a.key);
    if (!k.ok()) return Fail(k.status().WithContext("--key"));
    key = std::move(k).value();
  }
  int64_t now = NowMicros();
  if (!a.at.empty()) {
    auto at = ParseInstantMicros(a.at);
    if (!at.ok()) return Fail(at.status().WithContext("--at"));
    now = *at;
  }
  auto ledger = a.dry_run ? OpenForReading(a.data) : OpenForDpo(a);
  if (!ledger.ok()) return Fail(ledger.status());
  auto review = (*ledger)->privacy().RetentionReview(now);
  if (!review.ok()) return Fail(review.status());
  std::vector<const RetentionStanding*> due;
  size_t archived = 0, waiting = 0;
  for (const auto& r : *review) {
    if (!r.due_rule.empty()) due.push_back(&r);
    archived += r.archive_rule.empty() ? 0 : 1;
    waiting += r.due_rule.empty() && r.archive_rule.empty() ? 1 : 0;
  }
  if (a.format == "json") {
    json j = json::array();
    for (const auto& r : *review) {
      j.push_back({{"subject", r.subject},
                   {"closed_at", FormatInstantMicros(r.closed_at_us)},
                   {"due_rule", r.due_rule},
                   {"archive_rule", r.archive_rule},
                   {"reason", r.reason}});
    }
    fmt::print("{}\n", j.dump());
  } else {
    Table t({"subject", "closed", "action", "why"});
    for (const auto& r : *review) {
      t.AddRow({r.subject, FormatInstantMicros(r.closed_at_us).substr(0, 10),
                !r.due_rule.empty() ? (a.dry_run ? "would shred" : "shred")
                                    : (r.archive_rule.empty() ? "keep" : "archive"),
                !r.due_rule.empty() ? "retention rule " + r.due_rule : r.reason});
    }
    fmt::print("{}", t.Render());
    fmt::print("{} closed cases: {} due for shredding, {} archived, {} within their period\n",
               review->size(), due.size(), archived, waiting);
  }
  if (a.dry_run || due.empty()) return kExitOk;
  std::vector<json> events;
  for (const RetentionStanding* r : due) {
    events.push_back(DpoEvent(*key, r->subject, "subject.shredded",
                              {{"retention_rule", r->due_rule}}, "GDPR:5(1)(e)", now));
  }
  if (Status s = ShredAndPurge(**ledger, events, *key, "retention"); !s.ok()) return Fail(s);
  fmt::print("shredded {} subjects, each recorded as subject.shredded with its rule\n", due.size());
  return kExitOk;
}

int RunPolicyShow(const std::string& data) {
  auto ledger = OpenForReading(data);
  if (!ledger.ok()) return Fail(ledger.status());
  fmt::print("{}\n", PolicyToJson((*ledger)->privacy().PrivacyPolicy()));
  return kExitOk;
}

int RunPolicySet(const std::string& data, const std::string& file, const std::string& admin_key) {
  auto text = ReadFile(file);
  if (!text.ok()) return Fail(text.status());
  auto policy = PolicyFromJson(*text);
  if (!policy.ok()) return Fail(policy.status().WithContext(file));
  auto key = SigningKey::ReadFile(admin_key);
  if (!key.ok()) return Fail(key.status().WithContext("--key"));
  auto ledger = Ledger::Open(ResolveDataDir(data));
  if (!ledger.ok()) return Fail(ledger.status());
  if (Status s = (*ledger)->privacy().SetPrivacyPolicy(*policy, key->key_id()); !s.ok())
    return Fail(s);
  fmt::print("policy set: {} archive rules, {} retention rules\n", policy->archive.size(),
             policy->retention.size());
  return kExitOk;
}

void AddDpoOptions(CLI::App* cmd, DpoArgs* a, bool key_required) {
  cmd->add_option("--data", a->data, "Ledger directory");
  auto* key = cmd->add_option("--key", a->key, "Private key file of a dpo");
  if (key_required) key->required();
  cmd->add_option("--ledger-key", a->ledger_key,
                  "The ledger's key, to sign checkpoints (default <keys>/ledger.key if present)");
  cmd->add_option("--keys", a->keys_dir, "Key directory (default $LEDGER_KEYS or ./ledger-keys)");
  cmd->add_option("--master-key", a->master_key,
                  "The vault's master key file (default $LEDGER_MASTER_KEY or <keys>/master.key)");
}

}  // namespace

void RegisterPrivacyCommands(CLI::App& app, int* exit_code) {
  auto* consent = app.add_subcommand("consent", "Consent decisions and the consents of a subject");
  consent->require_subcommand(1);
  auto check = std::make_shared<ConsentArgs>();
  auto* c = consent->add_subcommand(
      "check",
      "May RECIPIENT receive CATEGORY data about SUBJECT for PURPOSE at --at? "
      "(exit 0 yes, 3 no)");
  c->add_option("--data", check->data, "Ledger directory");
  c->add_option("--subject", check->subject, "The participant's pseudonym")->required();
  c->add_option("--recipient", check->recipient, "e.g. nav, school, evaluator:<org>")->required();
  c->add_option("--category", check->categories, "Data category (repeatable)")->required();
  c->add_option("--purpose", check->purpose, "case_coordination, referral_committee, ...")
      ->required();
  c->add_option("--at", check->at,
                "RFC 3339 instant, or a date meaning its end in --zone (default now)");
  c->add_option("--zone", check->zone,
                "Zone of dates and of the times shown (default Europe/Oslo)");
  c->add_option("--format", check->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  c->callback([=] { *exit_code = RunConsentCheck(*check); });

  auto show = std::make_shared<ConsentArgs>();
  auto* s = consent->add_subcommand("show", "The consents of a subject and their standing at --at");
  s->add_option("--data", show->data, "Ledger directory");
  s->add_option("--subject", show->subject, "The participant's pseudonym")->required();
  s->add_option("--at", show->at, "RFC 3339 instant, or a date meaning its end (default now)");
  s->add_option("--zone", show->zone, "Zone of dates and of the times shown (default Europe/Oslo)");
  s->add_option("--format", show->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  s->callback([=] { *exit_code = RunConsentShow(*show); });

  auto* erasure = app.add_subcommand("erasure", "Erasure requests, decisions and shredding (dpo)");
  erasure->require_subcommand(1);
  auto req = std::make_shared<DpoArgs>();
  auto* r = erasure->add_subcommand("request", "Record an erasure request");
  AddDpoOptions(r, req.get(), true);
  r->add_option("--subject", req->subject, "The participant's pseudonym")->required();
  r->add_option("--request", req->request, "Request id (default: a new one)");
  r->callback([=] { *exit_code = RunErasureRequest(*req); });

  auto dec = std::make_shared<DpoArgs>();
  auto* d = erasure->add_subcommand(
      "decide",
      "Grant or refuse a request; a grant the archive duty forbids is recorded as "
      "refused with the duty's ground (exit 3)");
  AddDpoOptions(d, dec.get(), true);
  d->add_option("--subject", dec->subject, "The participant's pseudonym")->required();
  d->add_option("--request", dec->request, "Request id")->required();
  d->add_flag("--grant", dec->grant, "Grant the request");
  d->add_flag("--refuse", dec->refuse, "Refuse the request");
  d->add_option("--ground", dec->ground, "Legal ground, e.g. GDPR:17(1)(b) or GDPR:17(3)(b)");
  d->callback([=] { *exit_code = RunErasureDecide(*dec); });

  auto shred = std::make_shared<DpoArgs>();
  auto* sh = erasure->add_subcommand(
      "shred", "Shred a subject under a granted request: destroy its key and personal values");
  AddDpoOptions(sh, shred.get(), true);
  sh->add_option("--subject", shred->subject, "The participant's pseudonym")->required();
  sh->add_option("--request", shred->request, "The granted request's id")->required();
  sh->callback([=] { *exit_code = RunErasureShred(*shred); });

  auto* retention = app.add_subcommand("retention", "Retention under the ledger's policy");
  retention->require_subcommand(1);
  auto run = std::make_shared<DpoArgs>();
  auto* rr = retention->add_subcommand(
      "run", "List closed cases and shred those whose retention period has passed");
  AddDpoOptions(rr, run.get(), false);
  rr->add_flag("--dry-run", run->dry_run, "Only list what would be shredded");
  rr->add_option("--at", run->at, "Judge as of this RFC 3339 instant (default now)");
  rr->add_option("--format", run->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  rr->callback([=] { *exit_code = RunRetention(*run); });

  auto* policy = app.add_subcommand("policy", "The ledger's archive and retention policy");
  policy->require_subcommand(1);
  auto pdata = std::make_shared<std::string>();
  auto pfile = std::make_shared<std::string>();
  auto pkey = std::make_shared<std::string>();
  auto* ps = policy->add_subcommand("show", "Print the policy as JSON");
  ps->add_option("--data", *pdata, "Ledger directory");
  ps->callback([=] { *exit_code = RunPolicyShow(*pdata); });
  auto* pset = policy->add_subcommand("set", "Replace the policy (admin key)");
  pset->add_option("--data", *pdata, "Ledger directory");
  pset->add_option("--file", *pfile, "Policy JSON (docs/privacy.md)")->required();
  pset->add_option("--key", *pkey, "Private key file of an admin")->required();
  pset->callback([=] { *exit_code = RunPolicySet(*pdata, *pfile, *pkey); });
}

}  // namespace ledger::cli
