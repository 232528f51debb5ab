// The evaluator's side: OpenRelease checks a release before anything in it is used;
// ReleaseOutcomes replays it into the outcomes projection.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "ledger/time_format.h"
#include "manifest.h"
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

// A regular file of the release (not a link, a directory or a device: a FIFO would block the
// reader, /dev/zero would never end), of at most `max_bytes`. NotFound if it is missing.
Result<uintmax_t> RegularFileSize(const fs::path& path, std::string_view name,
                                  uintmax_t max_bytes) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    return Status::NotFound(std::string(name) + " is missing (" + path.string() + ")");
  }
  if (st.type() != fs::file_type::regular) {
    return Status::Corruption(std::string(name) + ": not a regular file");
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return Status::IOError("cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes) {
    return Status::Corruption(
        fmt::format("{}: {} bytes, more than the {} a release allows", name, size, max_bytes));
  }
  return size;
}

// A file of the release read whole, at most `max_bytes` of it.
Result<std::string> ReadWhole(const fs::path& root, std::string_view name, uintmax_t max_bytes) {
  const fs::path path = root / std::string(name);
  LEDGER_ASSIGN_OR_RETURN(uintmax_t size, RegularFileSize(path, name, max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path.string());
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) return Status::IOError("cannot read " + path.string());
  return bytes;
}

// Every entry of the release directory must be the manifest, its signature or a file the
// manifest lists: nothing unsigned travels with a release.
Status CheckNothingUnlisted(const fs::path& root, const internal::Manifest& manifest) {
  std::error_code ec;
  fs::directory_iterator it(root, ec);
  if (ec) return Status::IOError("cannot list " + root.string() + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool listed =
        name == kManifestFile || name == kSignatureFile ||
        std::any_of(manifest.files.begin(), manifest.files.end(),
                    [&](const internal::ManifestFile& f) { return f.name == name; });
    if (!listed) {
      return Status::Corruption(internal::Shown(name, 64) +
                                ": in the release directory but not listed in " +
                                std::string(kManifestFile) +
                                " (a release holds only the files its signed manifest lists)");
    }
  }
  if (ec) return Status::IOError("cannot list " + root.string() + ": " + ec.message());
  return Status::Ok();
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
    if (!v.ok())
      return Status::InvalidArgument("verifier key: " + std::string(v.status().message()));
    verifiers.push_back(*v);
  }
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::NotFound(dir + ": not a release directory");
  // The signature first, then the manifest's hash against it: no byte of an unsigned manifest
  // reaches a parser beyond the note's.
  LEDGER_ASSIGN_OR_RETURN(std::string sig_text,
                          ReadWhole(root, kSignatureFile, internal::kMaxManifestBytes));
  LEDGER_ASSIGN_OR_RETURN(std::string manifest_text,
                          ReadWhole(root, kManifestFile, internal::kMaxManifestBytes));
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
  LEDGER_ASSIGN_OR_RETURN(internal::SignedManifest signed_manifest,
                          internal::ParseSignedText(note->text));
  if (Sha256Hex(manifest_text) != signed_manifest.manifest_sha256) {
    return Status::Corruption(std::string(kManifestFile) +
                              ": its SHA-256 is not the one the signature covers (the manifest "
                              "was changed after signing)");
  }
  LEDGER_ASSIGN_OR_RETURN(internal::Manifest manifest, internal::ParseManifest(manifest_text));
  if (manifest.release_id != signed_manifest.release_id) {
    return Status::Corruption(std::string(kManifestFile) + ": release_id: " + manifest.release_id +
                              " is not the release the signature names (" +
                              signed_manifest.release_id + ")");
  }
  LEDGER_RETURN_IF_ERROR(CheckNothingUnlisted(root, manifest));
  for (const internal::ManifestFile& file : manifest.files) {
    const fs::path path = root / file.name;
    LEDGER_ASSIGN_OR_RETURN(uintmax_t size, RegularFileSize(path, file.name, UINTMAX_MAX));
    // The size first: a file of the wrong size is not read at all.
    bool same = size == file.bytes;
    if (same) {
      LEDGER_ASSIGN_OR_RETURN(auto hashed, internal::HashFile(path.string()));
      same = hashed.first == file.sha256 && hashed.second == file.bytes;
    }
    if (!same) {
      return Status::Corruption(file.name +
                                ": its SHA-256 or size differs from the manifest's (the file was "
                                "changed or damaged)");
    }
  }
  OpenedRelease r;
  r.dir = dir;
  r.manifest_json = std::move(manifest_text);
  r.release_id = manifest.release_id;
  r.recipient_org = manifest.recipient_org;
  r.purpose = manifest.purpose;
  r.as_of = manifest.params.as_of;
  r.horizons = manifest.params.horizons;
  r.small_cell_threshold = manifest.params.small_cell_threshold;
  r.report_sha256 = manifest.report_sha256;
  r.events = manifest.events;
  LEDGER_ASSIGN_OR_RETURN(std::string persons,
                          ReadWhole(root, internal::kPersonsFile, internal::kMaxPersonsBytes));
  LEDGER_ASSIGN_OR_RETURN(r.persons, internal::ParsePersons(persons, r.horizons));
  if (r.persons.size() != manifest.persons) {
    return Status::Corruption(fmt::format("{}: {} persons, {} says {} (counts.persons)",
                                          internal::kPersonsFile, r.persons.size(), kManifestFile,
                                          manifest.persons));
  }
  return r;
}

Result<replay::OutcomesReport> ReleaseOutcomes(
    const OpenedRelease& release, const replay::OutcomesOptions& options,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  // The replay writes a generalised value as a code the catalogue accepts (ReplayAge,
  // ReplayMunicipality); grouping by a generalised value would mislabel people.
  const bool ages_generalised =
      std::any_of(release.persons.begin(), release.persons.end(),
                  [](const ReleasePerson& p) { return p.age_band == "18-24"; });
  if (ages_generalised && options.grouping == replay::OutcomeGrouping::kAgeBand) {
    return Status::InvalidArgument(
        "--by age_band: this release gives age only as 18-24 (generalised for k-anonymity)");
  }
  replay::OutcomesProjection projection;
  LEDGER_ASSIGN_OR_RETURN(
      replay::LogPoint point,
      internal::ReplayEventsFile((fs::path(release.dir) / internal::kEventsFile).string(),
                                 release.persons, {&projection}, [&](uint64_t done) {
                                   if (progress) progress(done, release.events);
                                 }));
  if (point.size != release.events) {
    return Status::Corruption(fmt::format("{}: {} events, {} says {} (counts.events)",
                                          internal::kEventsFile, point.size,
                                          internal::kManifestFile, release.events));
  }
  return internal::ReleaseReport(projection, release.persons, release.as_of, point, options);
}

}  // namespace ledger::release
