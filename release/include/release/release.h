// Anonymised cohort releases for evaluators (docs/evaluator-guide.md).
//
// The dpo approves a release (release.approved in the ledger's `releases` stream); an export
// then writes, into a directory:
//   events.jsonl   the anonymised history of the released people, one event per line, in log
//                  order, replayable by the same projections as the ledger's;
//   persons.csv    one row per person: generalised quasi-identifiers, follow-up, and the
//                  outcome at each horizon;
//   manifest.json  parameters, counts, risk figures, the SHA-256 of each file and of the
//                  release's own outcomes report;
//   manifest.sig   a signed note (c2sp.org/signed-note) over the manifest's SHA-256 by the
//                  ledger key.
// The evaluator's side (OpenRelease, ReleaseOutcomes) checks the signature and every hash, then
// replays the events into the same projections.
//
// Export is two steps so that nothing is published without its record in the ledger: Export
// writes into a staging directory; the caller appends release.exported (ExportedEventData) and
// then Publish renames the staging directory into place, or Discard removes it.
#ifndef RELEASE_RELEASE_H_
#define RELEASE_RELEASE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/master_key.h"
#include "ledger/signing_key.h"
#include "ledger/time_format.h"
#include "replay/outcomes.h"

namespace ledger::release {

// ---- Approval ----
struct Approval {
  std::string release_id;
  std::string recipient_org;
  std::string purpose;
  std::string basis;
  int64_t expires_at_us = 0;
};
// The release.approved of `release_id`. NotFound if there is none; FailedPrecondition if it
// expired at or before `now_us`.
Result<Approval> FindApproval(Ledger& ledger, std::string_view release_id, int64_t now_us);

// A basis that rests on the participants' consent (GDPR 6(1)(a), or a code starting with
// "consent"): each person then needs a consent in force that covers the release.
bool BasisNeedsConsent(std::string_view basis);

// An event of the `releases` stream (catalogue JSON, not yet signed): `type` release.approved or
// release.exported, by the dpo named `dpo_id`, occurring now (to the second), with `data_json`
// (a JSON object) as its data and `basis` as its legal basis.
std::string ReleaseEventJson(std::string_view dpo_id, std::string_view type, std::string_view basis,
                             std::string_view data_json);

// ---- Export ----
struct ExportParams {
  std::string release_id;
  // The cohort window in whole months: intake_from is a first day, intake_to a last day.
  CivilDate intake_from;
  CivilDate intake_to;
  int age_min = 18;
  int age_max = 24;
  // The report date: the last day of a month (only the month is released).
  CivilDate as_of;
  // Horizons in months: ascending, each 3..240 and at least 3 months apart.
  std::vector<int> horizons = {6, 12, 24};
  int k = 5;
  int small_cell_threshold = 5;
  int time_unit_days = 7;
  // At most this share of the cohort (in thousandths) may be suppressed to reach k.
  int max_suppressed_permille = 50;
  // LKC-privacy of the trajectories (docs/evaluator-guide.md, "Trajectories"): every set of at
  // most lkc_l (event type, released day / lkc_bucket_days) items is shared by no one or by at
  // least lkc_k persons, by suppressing events. lkc_l 0: measured only, nothing suppressed.
  int lkc_l = 2;
  int lkc_k = 5;
  int lkc_bucket_days = 91;
  // Export with the pseudonym key of this earlier release (linkable to it); empty: its own.
  std::string key_of_release;
  // Export even if the cohort is empty? Never: an empty release is refused.
};
// InvalidArgument naming the parameter at fault.
Status ValidateExportParams(const ExportParams& params);

// The parameters as people write them (`ledger release export`'s flags, the server's
// POST /v1/releases/<id>/export body): cohort "2008-01..2008-12", as_of "2010-12" (a month:
// its last day), horizons "6,12,24"; the rest as ExportParams.
struct ExportParamsText {
  std::string release_id, cohort, as_of, horizons = "6,12,24", link_to;
  int k = 5, small_cells = 5, time_unit = 7, max_suppressed = 50, age_min = 18, age_max = 24;
  int lkc_l = 2, lkc_k = 5, lkc_bucket = 91;
};
// Parsed and validated (ValidateExportParams); InvalidArgument naming the parameter at fault
// by its flag name (--cohort, --as-of, ...).
Result<ExportParams> ParseExportParams(const ExportParamsText& text);

struct ExclusionCounts {
  uint64_t no_consent = 0;  // consent basis: no consent in force covering the release
  uint64_t objected = 0;    // statutory basis: refused or withdrew consent for the purpose
  uint64_t restricted = 0;  // processing restricted for the purpose
  uint64_t erased = 0;      // shredded
};

struct ExportSummary {
  std::string staging_dir;
  Approval approval;
  ExportParams params;
  uint64_t cohort = 0;  // people in the cohort window
  ExclusionCounts excluded;
  uint64_t suppressed = 0;  // left out to reach k
  uint64_t persons = 0;     // released
  uint64_t events = 0;
  uint64_t observations_merged = 0;  // status/income observations sharing a released day
  uint64_t events_censored = 0;      // after a person's released follow-up end
  uint64_t events_suppressed = 0;    // for LKC-privacy of the trajectories
  std::string manifest_json;
  std::string manifest_sha256;  // hex
  std::string report_sha256;    // of the release's own outcomes report (JSON, suppressed)
  // The release's outcomes against the ledger's own for the same people as the release gives
  // them (each person's released follow-up, without the events suppressed for LKC-privacy),
  // figure by figure: empty when they agree (docs/evaluator-guide.md says which figures must).
  std::vector<std::string> disagreements;
  std::string agreement_scope;  // which figures were compared
  // The cost of the privacy steps: the figures in which the release's outcomes differ from the
  // ledger's own in full (follow-up to the report date, every event), as "what: ledger x
  // release y"; the person-horizons no longer followed; the largest change of a share (O2-O7)
  // in percentage points.
  std::vector<std::string> moved;
  uint64_t moved_followed = 0;
  double moved_max_share_points = 0;
  // The ledger's own outcomes for the released people, in full (not suppressed: it stays with
  // the dpo).
  replay::OutcomesReport ledger_outcomes;
  // Wall-clock seconds of each phase, in order: cohort, events, lkc (trajectory privacy and the
  // joined events file), replay, check, files.
  std::vector<std::pair<std::string, double>> seconds;
};

struct ExportProgress {
  std::string phase;  // "cohort", "events", "replay", "check"
  uint64_t done = 0;
  uint64_t total = 0;
};

// Writes the release into `out_dir` + ".partial" (which must not exist) and returns what the
// release.exported event records. Errors: the approval (FindApproval at now_us), parameters,
// an existing output, too small a cohort for k (FailedPrecondition), I/O. On error nothing is
// left behind.
Result<ExportSummary> Export(Ledger& ledger, const MasterKey& master, const SigningKey& ledger_key,
                             const ExportParams& params, const std::string& out_dir, int64_t now_us,
                             const std::function<void(const ExportProgress&)>& progress = {});
// The data of the release.exported event for `summary` (catalogue JSON, as a string).
std::string ExportedEventData(const ExportSummary& summary);
// Renames the staging directory to `out_dir`.
Status Publish(const ExportSummary& summary, const std::string& out_dir);
// Removes the staging directory.
void Discard(const ExportSummary& summary);

// ---- The evaluator's side ----
struct ReleasePerson {
  std::string person;
  std::string sex;
  std::string age_band;
  std::string municipality;
  std::string intake_period;
  int32_t anchor_month = 0;  // month number (year * 12 + month - 1) of the period's first month
  int followed_months = 0;
  int end_month = 0;
};

struct OpenedRelease {
  std::string dir;
  std::string manifest_json;
  std::string release_id;
  std::string recipient_org;
  std::string purpose;
  CivilDate as_of;
  std::vector<int> horizons;
  int small_cell_threshold = 5;
  std::string report_sha256;
  std::vector<ReleasePerson> persons;
  uint64_t events = 0;
};

// Checks manifest.sig against the ledger's verifier key(s) (vkey text, as ledger.key.pub holds),
// then the SHA-256 and size of every file the manifest names, then parses persons.csv.
// Corruption naming the file that does not match; PermissionDenied if no signature verifies.
Result<OpenedRelease> OpenRelease(const std::string& dir,
                                  const std::vector<std::string>& ledger_vkeys);

// The outcomes of a release, by the same projection as the ledger's, with per-person follow-up
// from persons.csv. Options: the release's horizons unless given; no cohort window is needed
// (everyone released is in the cohort). Small cells are not yet suppressed (SuppressSmallCells).
Result<replay::OutcomesReport> ReleaseOutcomes(
    const OpenedRelease& release, const replay::OutcomesOptions& options,
    const std::function<void(uint64_t done, uint64_t total)>& progress = {});

// ---- Published releases (what the server hands to evaluators) ----
struct ReleaseFile {
  std::string name;  // "manifest.json", "manifest.sig", "events.jsonl", "persons.csv"
  std::string path;
  uint64_t bytes = 0;
  std::string sha256;  // hex; empty for manifest.sig (it is checked by its signature)
};

struct PublishedRelease {
  Approval approval;
  std::string dir;
  std::string manifest_sha256;
  std::vector<ReleaseFile> files;  // manifest.json, manifest.sig, then the manifest's files
};

// The release published in `releases_dir`/<release_id>: its approval must be in force at
// `now_us` (FindApproval), and its manifest.json must be one that a release.exported of the
// ledger recorded (by SHA-256), so that nothing unrecorded or altered is handed out. The data
// files are checked against the manifest by size only (the evaluator checks every hash:
// OpenRelease). NotFound if nothing is published under that id; FailedPrecondition for an
// expired approval or a manifest the ledger did not record.
Result<PublishedRelease> FindPublished(Ledger& ledger, const std::string& releases_dir,
                                       std::string_view release_id, int64_t now_us);

// Every release in `releases_dir` that FindPublished accepts, by release id.
Result<std::vector<PublishedRelease>> ListPublished(Ledger& ledger, const std::string& releases_dir,
                                                    int64_t now_us);

// A release id as approvals take it: 1-64 characters of [A-Za-z0-9._-], not starting with '.'.
bool ValidReleaseId(std::string_view release_id);

}  // namespace ledger::release

#endif  // RELEASE_RELEASE_H_
