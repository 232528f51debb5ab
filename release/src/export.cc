// Export: the cohort, who may be released, k-anonymity, the anonymised events, and the files
// with their manifest and signature (release.h; docs/evaluator-guide.md).
//
// Three passes over the log: (1) the cohort from case.opened, shreddings, and the status and
// income observations (export_cohort.h); after the exclusions (export_eligibility.h) and
// k-anonymity, the one observation per released day that the indicators would use
// (export_plan.h); (2) the released events, up to each person's released follow-up end, then
// LKC-privacy of the trajectories (trajectory.h) by suppressing events (export_events.h); then
// the release is replayed into the outcomes projection (persons.csv outcomes, the report hash)
// and, (3), the ledger's own outcomes for the same people are rebuilt twice: as the release
// gives them (follow-up and suppressed events), which must agree figure by figure, and in full,
// against which the release's cost is measured (export_check.h). Last the manifest
// (export_manifest.h) and its signature.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "export_check.h"
#include "export_cohort.h"
#include "export_eligibility.h"
#include "export_events.h"
#include "export_manifest.h"
#include "export_plan.h"
#include "k_anonymity.h"
#include "ledger/time_format.h"
#include "pseudonyms.h"
#include "release/release.h"
#include "release_format.h"
#include "release_replay.h"
#include "replay/report_time.h"
#include "replay/small_cells.h"
#include "tlog/note.h"

namespace ledger::release {
namespace {

namespace fs = std::filesystem;
using internal::kEventsFile;
using internal::kManifestFile;
using internal::kPersonsFile;
using internal::kSignatureFile;

Status WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) return Status::IOError("cannot write " + path.string());
  return Status::Ok();
}

// What every step of one export shares: the ledger, the parameters, the report moment, and the
// caller's progress callback.
struct ExportContext {
  Ledger& ledger;
  const ExportParams& params;
  const replay::ReportZone zone;
  const replay::ReportTime at;  // the end of the report date
  const std::function<void(const ExportProgress&)>& progress;

  int64_t as_of_end_us() const { return at.instant_us; }
  // A progress callback for `phase` (a no-op without the caller's).
  std::function<void(uint64_t, uint64_t)> Reporter(const char* phase) const {
    return [this, phase](uint64_t done, uint64_t total) {
      if (progress) progress(ExportProgress{phase, done, total});
    };
  }
};

// Wall-clock seconds of each phase, in order (ExportSummary::seconds).
class PhaseClock {
 public:
  void Mark(const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    seconds_.emplace_back(phase, std::chrono::duration<double>(now - start_).count());
    start_ = now;
  }
  std::vector<std::pair<std::string, double>> Take() { return std::move(seconds_); }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> seconds_;
};

// The approval of the release, and of the release whose pseudonym key it links to, if any.
Result<Approval> ApprovalFor(Ledger& ledger, const ExportParams& params, int64_t now_us) {
  LEDGER_ASSIGN_OR_RETURN(Approval approval, FindApproval(ledger, params.release_id, now_us));
  if (!params.key_of_release.empty()) {
    auto other = FindApproval(ledger, params.key_of_release, INT64_MIN);
    if (!other.ok()) {
      return Status::InvalidArgument("--link-to: " + std::string(other.status().message()));
    }
  }
  return approval;
}

// `out_dir` + ".partial", once neither it nor a non-empty `out_dir` exists.
Result<fs::path> StagingDirFor(const std::string& out_dir) {
  const fs::path out(out_dir);
  std::error_code ec;
  if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec))) {
    return Status::FailedPrecondition(out_dir +
                                      " exists and is not empty: a release is never written "
                                      "over another");
  }
  fs::path staging = out.string() + ".partial";
  if (fs::exists(staging, ec)) {
    return Status::FailedPrecondition(
        staging.string() + " exists: an earlier export was interrupted; remove it first");
  }
  return staging;
}

// The release's own outcomes, from its files, by the same projection the evaluator runs.
struct ReleaseOutcomes {
  replay::LogPoint point;  // the release's own log
  std::string persons_csv;
  std::string report_sha256;  // of the small-cell-suppressed report (the manifest's)
  // Unsuppressed, with per-person follow-up: what the ledger-side check compares.
  replay::OutcomesReport unsuppressed;
};

Result<ReleaseOutcomes> ReplayRelease(const ExportContext& ctx, const fs::path& events_path,
                                      const std::vector<ReleasePerson>& persons, uint64_t events) {
  replay::OutcomesOptions options;
  options.horizons = ctx.params.horizons;
  replay::OutcomesProjection from_release;
  const auto report = ctx.Reporter("replay");
  ReleaseOutcomes out;
  LEDGER_ASSIGN_OR_RETURN(out.point,
                          internal::ReplayEventsFile(events_path.string(), persons, {&from_release},
                                                     [&](uint64_t done) { report(done, events); }));
  const auto ends = internal::FollowUpEndsOf(persons);
  replay::OutcomesReport release_report =
      internal::ReleaseReport(from_release, persons, ctx.params.as_of, out.point, options);
  const std::vector<replay::PersonOutcome> outcomes = from_release.Persons(ctx.at, options, &ends);
  std::map<std::string_view, const replay::PersonOutcome*> outcome_of;
  for (const replay::PersonOutcome& o : outcomes) outcome_of.emplace(o.subject, &o);
  out.persons_csv = internal::PersonsHeader(ctx.params.horizons);
  for (const ReleasePerson& p : persons) {
    auto o = outcome_of.find(p.person);
    out.persons_csv += internal::PersonsRow(p, o == outcome_of.end() ? nullptr : o->second);
  }
  replay::SuppressSmallCells(&release_report,
                             static_cast<uint64_t>(ctx.params.small_cell_threshold));
  // The report's own hash (the "sha256" beside its canonical body), as `ledger replay --format
  // json` prints it.
  out.report_sha256 =
      nlohmann::json::parse(replay::OutcomesJson(release_report)).at("sha256").get<std::string>();
  out.unsuppressed = from_release.Report(ctx.at, out.point, options, &ends);
  return out;
}

// manifest.json and manifest.sig, the ledger's signed note over the manifest's hash.
Status WriteManifestAndSignature(const fs::path& staging, internal::ManifestFacts facts,
                                 const SigningKey& ledger_key, ExportSummary& summary) {
  LEDGER_ASSIGN_OR_RETURN(facts.events_file, internal::HashFile((staging / kEventsFile).string()));
  summary.manifest_json = internal::BuildManifest(facts).dump(2) + "\n";
  summary.manifest_sha256 = Sha256Hex(summary.manifest_json);
  LEDGER_RETURN_IF_ERROR(WriteFile(staging / kManifestFile, summary.manifest_json));
  tlog::Note note;
  note.text = internal::SignedText(summary.params.release_id, summary.manifest_sha256);
  note.signatures.push_back(tlog::SignNoteEd25519(note.text, ledger_key.name(), ledger_key.seed()));
  return WriteFile(staging / kSignatureFile, tlog::FormatNote(note));
}

// What the first pass and the privacy steps decided, for the steps that write the files.
struct ReleaseDecisions {
  const Pseudonymizer* names;
  internal::ReleasePlan* plan;
  const Anonymisation* anon;
  const internal::QiRisk* qi_risk;
};

// Passes 2 and 3 and the files, into `staging` (which exists); fills the rest of `summary`.
Status WriteStaged(const ExportContext& ctx, const fs::path& staging, const ReleaseDecisions& d,
                   const SigningKey& ledger_key, PhaseClock& clock, ExportSummary& summary) {
  const ExportParams& params = ctx.params;
  LEDGER_ASSIGN_OR_RETURN(
      internal::EventParts parts,
      internal::WriteEventParts({&ctx.ledger, d.names, &ctx.zone, ctx.as_of_end_us()}, *d.plan,
                                staging, ctx.Reporter("events")));
  summary.observations_merged = parts.observations_merged;
  summary.events_censored = parts.events_censored;
  clock.Mark("events");
  LEDGER_ASSIGN_OR_RETURN(
      internal::TrajectoryPrivacy trajectories,
      internal::ProtectTrajectories(parts.lines, parts.people,
                                    {params.lkc_l, params.lkc_k, params.lkc_bucket_days}));
  summary.events_suppressed = trajectories.enforcement.events_suppressed;
  LEDGER_ASSIGN_OR_RETURN(
      internal::JoinedEvents joined,
      internal::JoinParts(parts.parts, trajectories.enforcement.suppressed, staging / kEventsFile));
  summary.events = joined.events;
  clock.Mark("lkc");
  LEDGER_ASSIGN_OR_RETURN(ReleaseOutcomes outcomes, ReplayRelease(ctx, staging / kEventsFile,
                                                                  d.plan->persons, summary.events));
  LEDGER_RETURN_IF_ERROR(WriteFile(staging / kPersonsFile, outcomes.persons_csv));
  summary.report_sha256 = outcomes.report_sha256;
  clock.Mark("replay");
  const bool calendar = d.anon->level.intake == 0;
  LEDGER_ASSIGN_OR_RETURN(
      internal::LedgerComparison check,
      internal::CompareWithLedger(ctx.ledger, *d.plan, joined.suppressed_seqs, ctx.zone, params,
                                  outcomes.unsuppressed, calendar, ctx.Reporter("check")));
  summary.disagreements = std::move(check.disagreements);
  summary.moved = std::move(check.moved.figures);
  summary.moved_followed = check.moved.followed_lost;
  summary.moved_max_share_points = check.moved.max_share_points;
  summary.ledger_outcomes = std::move(check.ledger_outcomes);
  summary.agreement_scope = std::move(check.agreement_scope);
  clock.Mark("check");
  LEDGER_RETURN_IF_ERROR(WriteManifestAndSignature(staging,
                                                   {&summary,
                                                    d.names->KeyFingerprint(),
                                                    d.anon,
                                                    d.qi_risk,
                                                    &trajectories,
                                                    outcomes.point,
                                                    {},
                                                    &outcomes.persons_csv},
                                                   ledger_key, summary));
  clock.Mark("files");
  return Status::Ok();
}

}  // namespace

Result<ExportSummary> Export(Ledger& ledger, const MasterKey& master, const SigningKey& ledger_key,
                             const ExportParams& params, const std::string& out_dir, int64_t now_us,
                             const std::function<void(const ExportProgress&)>& progress) {
  LEDGER_RETURN_IF_ERROR(ValidateExportParams(params));
  LEDGER_ASSIGN_OR_RETURN(Approval approval, ApprovalFor(ledger, params, now_us));
  LEDGER_ASSIGN_OR_RETURN(const fs::path staging, StagingDirFor(out_dir));
  const replay::ReportZone zone = replay::ReportZone::EuropeOslo();
  const ExportContext ctx{ledger, params, zone, replay::ReportTime::EndOfDay(params.as_of, zone),
                          progress};
  PhaseClock clock;

  LEDGER_ASSIGN_OR_RETURN(
      internal::Cohort cohort,
      internal::ReadCohort(ledger, params, zone, ctx.as_of_end_us(), ctx.Reporter("cohort")));
  ExportSummary summary;
  summary.approval = approval;
  summary.params = params;
  summary.cohort = cohort.size();
  LEDGER_ASSIGN_OR_RETURN(
      internal::Eligibility eligibility,
      internal::SelectEligible(ledger, approval, cohort, ctx.as_of_end_us(), now_us));
  summary.excluded = eligibility.excluded;
  const std::vector<const internal::Candidate*>& eligible = eligibility.eligible;
  if (eligible.empty()) {
    return Status::FailedPrecondition("nobody in the cohort may be released for " +
                                      approval.purpose + ": nothing was exported");
  }
  std::vector<QuasiIdentifiers> qis;
  for (const internal::Candidate* c : eligible) qis.push_back(c->qi);
  LEDGER_ASSIGN_OR_RETURN(Anonymisation anon,
                          Anonymise(qis, params.k, params.max_suppressed_permille));
  summary.suppressed = anon.suppressed_count;
  const internal::QiRisk qi_risk = internal::MeasureQiRisk(eligible, cohort, anon);
  const Pseudonymizer names(DeriveReleaseKey(
      master, params.key_of_release.empty() ? params.release_id : params.key_of_release));
  internal::ReleasePlan plan = internal::PlanRelease(eligible, anon, params, names);
  summary.persons = plan.persons.size();
  clock.Mark("cohort");

  std::error_code ec;
  fs::create_directories(staging, ec);
  if (ec) return Status::IOError("cannot create " + staging.string() + ": " + ec.message());
  Status written =
      WriteStaged(ctx, staging, {&names, &plan, &anon, &qi_risk}, ledger_key, clock, summary);
  if (!written.ok()) {
    fs::remove_all(staging, ec);
    return written;
  }
  summary.staging_dir = staging.string();
  summary.seconds = clock.Take();
  return summary;
}

std::string ExportedEventData(const ExportSummary& s) {
  nlohmann::json data;
  data["release_id"] = s.params.release_id;
  data["cohort"] = {{"intake_from", FormatDate(s.params.intake_from)},
                    {"intake_to", FormatDate(s.params.intake_to)},
                    {"age_min", s.params.age_min},
                    {"age_max", s.params.age_max}};
  data["privacy"] = {{"k", s.params.k},
                     {"small_cell_threshold", s.params.small_cell_threshold},
                     {"time_unit_days", s.params.time_unit_days}};
  data["counts"] = {{"persons", s.persons},
                    {"events", s.events},
                    {"excluded", s.excluded.no_consent + s.excluded.objected +
                                     s.excluded.restricted + s.excluded.erased},
                    {"suppressed", s.suppressed}};
  data["manifest_sha256"] = s.manifest_sha256;
  return data.dump();
}

Status Publish(const ExportSummary& summary, const std::string& out_dir) {
  std::error_code ec;
  if (fs::exists(out_dir, ec)) fs::remove(out_dir, ec);  // an empty directory (checked before)
  fs::rename(summary.staging_dir, out_dir, ec);
  if (ec) return Status::IOError("cannot move the release into " + out_dir + ": " + ec.message());
  return Status::Ok();
}

void Discard(const ExportSummary& summary) {
  std::error_code ec;
  fs::remove_all(summary.staging_dir, ec);
}

}  // namespace ledger::release
