#include "demo_privacy.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli_common.h"
#include "consent_text.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"
#include "ledger/verify.h"
#include "privacy_actions.h"
#include "replay/report_time.h"
#include "tlog/verify.h"

namespace ledger::cli {
namespace {

constexpr int64_t kDayUs = int64_t{86400} * 1000000;

struct Case {
  std::string subject;
  std::string intake_date;
  uint64_t opened_seq = 0;
};

// The cases of the log in order of opening, with their intake dates.
Result<std::vector<Case>> Cases(Ledger& ledger) {
  std::vector<Case> out;
  auto it = ledger.log().Scan(0);
  for (; it->Valid(); it->Next()) {
    LEDGER_ASSIGN_OR_RETURN(auto summary, SummarizeEvent(it->entry().event));
    if (summary.type != "case.opened") continue;
    LEDGER_ASSIGN_OR_RETURN(auto text, EventJsonFromCanonical(it->entry().event));
    auto j = nlohmann::json::parse(text);
    out.push_back({summary.subject, j["data"]["intake_date"], it->entry().seq});
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return out;
}

std::string Question(const ConsentQuestion& q) {
  return fmt::format("{} <- {} for {}", q.recipient, Join(q.data_categories), q.purpose);
}

}  // namespace

Status DemoConsentAndErasure(Ledger& ledger, const SigningKey& admin, const std::string& keys_dir,
                             int step) {
  const auto zone = replay::ReportZone::EuropeOslo();
  LEDGER_ASSIGN_OR_RETURN(auto cases, Cases(ledger));

  fmt::print("\n== {}. Consent decisions, answered from the state the ledger keeps\n", step);
  // One question allowed, and refusals of each kind the cohort holds.
  struct Row {
    std::string subject;
    ConsentQuestion q;
  };
  std::vector<Row> rows;
  bool allowed = false, other_recipient = false, withdrawn = false, expired = false;
  for (const Case& c : cases) {
    auto facts = ledger.privacy().Consents(c.subject);
    if (!facts.ok()) return facts.status();
    for (const ConsentFacts& f : facts->consents) {
      if (!f.given) continue;
      ConsentQuestion q{c.subject,
                        f.recipients.front(),
                        {f.data_categories.front()},
                        f.purposes.front(),
                        f.given_at_us + 7 * kDayUs};
      if (!allowed && InForceAt(f, q.at_us)) {
        rows.push_back({c.subject, q});
        allowed = true;
        if (std::find(f.recipients.begin(), f.recipients.end(), "employer") == f.recipients.end()) {
          ConsentQuestion employer = q;
          employer.recipient = "employer";
          rows.push_back({c.subject, employer});
          other_recipient = true;
        }
      }
      if (!withdrawn && f.withdrawn_effective_us) {
        q.at_us = *f.withdrawn_effective_us + kDayUs;
        rows.push_back({c.subject, q});
        withdrawn = true;
      } else if (!expired && f.renewals.empty() && !f.withdrawn_effective_us && !f.revoked_at_us &&
                 !f.invalidated_at_us) {
        q.at_us = f.expires_at_us + kDayUs;
        rows.push_back({c.subject, q});
        expired = true;
      }
    }
    if (allowed && other_recipient && withdrawn && expired) break;
  }
  Table t({"subject", "may ... receive", "at", "answer", "why"});
  for (const Row& r : rows) {
    LEDGER_ASSIGN_OR_RETURN(auto d, ledger.privacy().DecideConsent(r.q));
    t.AddRow({r.subject, Question(r.q), Local(r.q.at_us, zone), d.allowed() ? "YES" : "NO",
              Reason(d, zone)});
  }
  fmt::print("{}", t.Render());
  if (!rows.empty()) {
    // The decision's cost from the kept state: the median of 2,001 decisions.
    std::vector<double> us;
    for (int i = 0; i < 2001; ++i) {
      auto start = std::chrono::steady_clock::now();
      auto d = ledger.privacy().DecideConsent(rows[static_cast<size_t>(i) % rows.size()].q);
      us.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count());
      if (!d.ok()) return d.status();
    }
    std::nth_element(us.begin(), us.begin() + 1000, us.end());
    fmt::print("a decision reads one record: median {:.1f} µs over 2,001 decisions\n", us[1000]);
  }

  fmt::print("\n== {}. Erasure: the archive duty, and a shredding that keeps every proof\n",
             step + 1);
  LEDGER_ASSIGN_OR_RETURN(auto dpo, SigningKey::Generate("nav-drammen-dpo"));
  LEDGER_RETURN_IF_ERROR(RegisterKey(ledger, admin, dpo.verifier(), "dpo", {}).status());
  LEDGER_RETURN_IF_ERROR(dpo.WriteFile(keys_dir + "/dpo.key"));
  LEDGER_ASSIGN_OR_RETURN(auto policy,
                          PolicyFromJson(R"({"archive":[{"name":"drammen-2008-01-sample",
      "municipalities":["3005"],"intake_from":"2008-01-01","intake_to":"2008-01-31",
      "ground":"NO:arkivl§6"}],"retention":[{"name":"closed-60m","months_after_closure":60}]})"));
  LEDGER_RETURN_IF_ERROR(ledger.privacy().SetPrivacyPolicy(policy, admin.key_id()));
  fmt::print(
      "policy: cases opened in January 2008 are archived (NO:arkivl§6); closed cases may "
      "be shredded 60 months after closure\n");
  const Case* archived = nullptr;
  const Case* erasable = nullptr;
  for (const Case& c : cases) {
    if (!archived && c.intake_date <= "2008-01-31") archived = &c;
    if (!erasable && c.intake_date > "2008-01-31") erasable = &c;
  }
  if (archived == nullptr || erasable == nullptr) {
    return Status::FailedPrecondition("the demo cohort has no case to erase");
  }
  const int64_t now = NowMicros();
  auto act = [&](const Case& c, const std::string& type, nlohmann::ordered_json data,
                 const std::string& basis) {
    return AppendSigned(ledger, dpo, DpoEvent(dpo, c.subject, type, std::move(data), basis, now));
  };
  for (const Case* c : {archived, erasable}) {
    LEDGER_RETURN_IF_ERROR(
        act(*c, "erasure.requested", {{"request_id", "er-1"}}, "GDPR:17").status());
  }
  auto grant = act(*archived, "erasure.decided",
                   {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(a)"}},
                   "GDPR:17(1)(a)");
  fmt::print("grant erasure of {} (intake {}): {}\n", archived->subject, archived->intake_date,
             grant.ok() ? "accepted (BUG)" : grant.status().message());
  LEDGER_RETURN_IF_ERROR(
      act(*archived, "erasure.decided",
          {{"request_id", "er-1"}, {"decision", "refused"}, {"ground", "NO:arkivl§6"}},
          "NO:arkivl§6")
          .status());
  fmt::print("  -> recorded as erasure.decided refused, ground NO:arkivl§6\n");

  const uint64_t size_before = ledger.log().Size();
  LEDGER_ASSIGN_OR_RETURN(auto root_before, ledger.audit().RootAt(size_before));
  LEDGER_RETURN_IF_ERROR(
      act(*erasable, "erasure.decided",
          {{"request_id", "er-1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(a)"}},
          "GDPR:17(1)(a)")
          .status());
  LEDGER_ASSIGN_OR_RETURN(auto before,
                          ledger.privacy().ReadPersonal(erasable->opened_seq, dpo.key_id()));
  LEDGER_RETURN_IF_ERROR(ShredAndPurge(ledger,
                                       {DpoEvent(dpo, erasable->subject, "subject.shredded",
                                                 {{"request_id", "er-1"}}, "GDPR:17(1)(a)", now)},
                                       dpo, "shred"));
  LEDGER_ASSIGN_OR_RETURN(auto after,
                          ledger.privacy().ReadPersonal(erasable->opened_seq, dpo.key_id()));
  fmt::print("erase {} (intake {}): granted, shredded, purged from the files\n", erasable->subject,
             erasable->intake_date);
  fmt::print("  case.opened at seq {} read by the dpo before: {} personal values; after: {}\n",
             erasable->opened_seq, before.values.size(),
             after.state == PersonalValues::State::kErased ? "[erased]" : "STILL THERE (BUG)");
  ConsentQuestion q{erasable->subject, "nav", {"identity"}, "case_coordination", now};
  LEDGER_ASSIGN_OR_RETURN(auto d, ledger.privacy().DecideConsent(q));
  fmt::print("  consent check for {} now: {}\n", erasable->subject, Reason(d, zone));

  LEDGER_ASSIGN_OR_RETURN(auto checkpoint, ledger.audit().SignCheckpoint());
  (void)checkpoint;
  TreeHead head = ledger.audit().Head();
  LEDGER_ASSIGN_OR_RETURN(auto proof, ledger.audit().ConsistencyProof(size_before, head.size));
  Status consistent =
      tlog::VerifyConsistency(size_before, head.size, proof, root_before, head.root);
  fmt::print(
      "  the tree before the shredding ({} entries) is a prefix of the tree after ({}): {}\n",
      Thousands(size_before), Thousands(head.size),
      consistent.ok() ? "proved" : consistent.ToString());
  Progress progress("verify", head.size);
  VerifyOptions options;
  options.progress = [&](uint64_t done, uint64_t) { progress.Update(done); };
  LEDGER_ASSIGN_OR_RETURN(auto report, VerifyLedger(ledger, options));
  progress.Finish();
  fmt::print("  ledger verify after the erasure: {} ({} entries, every signature and case rule)\n",
             report.ok ? "OK" : "FAILED: " + report.failure.ToString(), Thousands(head.size));
  if (!report.ok) return report.failure;
  return Status::Ok();
}

}  // namespace ledger::cli
