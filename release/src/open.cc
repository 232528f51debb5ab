// The evaluator's side: OpenRelease checks a release before anything in it is used;
// ReleaseOutcomes replays it into the outcomes projection.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <map>

#include "ledger/time_format.h"
#include "release/release.h"
#include "release_format.h"
#include "release_replay.h"
#include "replay/report_time.h"
#include "tlog/note.h"

namespace ledger::release {
namespace {

namespace fs = std::filesystem;
using internal::kManifestFile;
using internal::kSignatureFile;

// Release files are read whole; a manifest or signature beyond this is not ours.
constexpr uintmax_t kMaxSmallFile = 1 << 20;

Result<std::string> ReadWhole(const fs::path& path, uintmax_t max_bytes) {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return Status::NotFound(path.string() + ": " + ec.message());
  if (size > max_bytes) return Status::Corruption(path.string() + ": larger than a release allows");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

Result<OpenedRelease> OpenRelease(const std::string& dir,
                                  const std::vector<std::string>& ledger_vkeys) {
  const fs::path root(dir);
  if (ledger_vkeys.empty()) {
    return Status::InvalidArgument("the ledger's verifier key is needed to check a release");
  }
  std::vector<tlog::NoteVerifier> verifiers;
  for (const std::string& text : ledger_vkeys) {
    auto v = tlog::ParseVerifierKey(text);
    if (!v.ok()) return Status::InvalidArgument("verifier key: " + std::string(v.status().message()));
    verifiers.push_back(*v);
  }
  ASSIGN_OR_RETURN(std::string manifest_text, ReadWhole(root / kManifestFile, kMaxSmallFile));
  ASSIGN_OR_RETURN(std::string sig_text, ReadWhole(root / kSignatureFile, kMaxSmallFile));
  auto note = tlog::ParseNote(sig_text);
  if (!note.ok()) {
    return Status::Corruption(std::string(kSignatureFile) + ": " +
                              std::string(note.status().message()));
  }
  if (Status s = tlog::VerifyNote(*note, verifiers, nullptr); !s.ok()) {
    if (s.code() == StatusCode::kPermissionDenied) {
      return Status::PermissionDenied(std::string(kSignatureFile) +
                                      ": not signed by the given ledger key");
    }
    return Status::Corruption(std::string(kSignatureFile) + ": " + std::string(s.message()));
  }
  const nlohmann::json manifest =
      nlohmann::json::parse(manifest_text, nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded() || !manifest.is_object() ||
      manifest.value("format", "") != internal::kFormat) {
    return Status::Corruption(std::string(kManifestFile) + ": not a " +
                              std::string(internal::kFormat) + " manifest");
  }
  OpenedRelease r;
  r.dir = dir;
  r.manifest_json = manifest_text;
  try {
    r.release_id = manifest.at("release_id");
    const std::string expected =
        internal::SignedText(r.release_id, internal::Sha256Hex(manifest_text));
    if (note->text != expected) {
      return Status::Corruption(std::string(kManifestFile) +
                                ": its SHA-256 is not the one the signature covers (the manifest "
                                "was changed after signing)");
    }
    r.recipient_org = manifest.at("recipient_org");
    r.purpose = manifest.at("purpose");
    ASSIGN_OR_RETURN(CivilDate month,
                     ParseMonth(manifest.at("cohort").at("as_of_month").get<std::string>()));
    r.as_of = CivilDate{month.year, month.month, DaysInMonth(month.year, month.month)};
    r.horizons = manifest.at("horizons").get<std::vector<int>>();
    r.small_cell_threshold = manifest.at("privacy").at("small_cell_threshold");
    r.report_sha256 = manifest.at("outcomes_report_sha256");
    r.events = manifest.at("counts").at("events");
    for (const auto& [name, file] : manifest.at("files").items()) {
      if (name.find('/') != std::string::npos || name.starts_with(".")) {
        return Status::Corruption(std::string(kManifestFile) + ": file name " + name);
      }
      ASSIGN_OR_RETURN(auto hashed, internal::HashFile((root / name).string()));
      if (hashed.first != file.at("sha256").get<std::string>() ||
          hashed.second != file.at("bytes").get<uint64_t>()) {
        return Status::Corruption(name + ": its SHA-256 or size differs from the manifest's (the "
                                         "file was changed or damaged)");
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string(kManifestFile) + ": " + e.what());
  }
  ASSIGN_OR_RETURN(std::string persons,
                   ReadWhole(root / internal::kPersonsFile, uintmax_t{1} << 31));
  ASSIGN_OR_RETURN(r.persons, internal::ParsePersons(persons));
  return r;
}

Result<replay::OutcomesReport> ReleaseOutcomes(
    const OpenedRelease& release, const replay::OutcomesOptions& options,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  // The replay writes a generalised value as a code the catalogue accepts (ReplayAge,
  // ReplayMunicipality); grouping by a generalised value would mislabel people.
  const bool ages_generalised = std::any_of(release.persons.begin(), release.persons.end(),
                                            [](const ReleasePerson& p) { return p.age_band == "18-24"; });
  if (ages_generalised && options.grouping == replay::OutcomeGrouping::kAgeBand) {
    return Status::InvalidArgument(
        "--by age_band: this release gives age only as 18-24 (generalised for k-anonymity)");
  }
  replay::OutcomesProjection projection;
  ASSIGN_OR_RETURN(replay::LogPoint point,
                   internal::ReplayEventsFile(
                       (fs::path(release.dir) / internal::kEventsFile).string(), release.persons,
                       {&projection}, [&](uint64_t done) {
                         if (progress) progress(done, release.events);
                       }));
  return internal::ReleaseReport(projection, release.persons, release.as_of, point, options);
}

}  // namespace ledger::release
