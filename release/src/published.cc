// FindPublished / ListPublished: the releases a server may hand to evaluators. A directory is
// served only if the ledger recorded its manifest (release.exported, by SHA-256) and its
// approval is still in force: a file put there by hand, or a release past its expiry, is not.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/sha256.h"
#include "ledger/event_codec.h"
#include "manifest.h"
#include "release/release.h"
#include "release_format.h"
#include "releases_stream.h"

namespace ledger::release {
namespace {

namespace fs = std::filesystem;

// Per release id: the manifests the ledger recorded as exported.
using RecordedManifests = std::map<std::string, std::set<std::string>, std::less<>>;

Result<RecordedManifests> ReadRecordedManifests(Ledger& ledger) {
  RecordedManifests recorded;
  LEDGER_RETURN_IF_ERROR(internal::ForEachReleasesEvent(
      ledger, "release.exported", [&](const nlohmann::ordered_json& data) {
        recorded[data.at("release_id").get<std::string>()].insert(
            data.at("manifest_sha256").get<std::string>());
        return Status::Ok();
      }));
  return recorded;
}

Result<PublishedRelease> CheckPublished(Ledger& ledger, const RecordedManifests& recorded,
                                        const std::string& releases_dir,
                                        std::string_view release_id, int64_t now_us) {
  if (!ValidReleaseId(release_id)) {
    return Status::InvalidArgument("not a release id: 1-64 characters of [A-Za-z0-9._-]");
  }
  const fs::path dir = fs::path(releases_dir) / std::string(release_id);
  const fs::path manifest_path = dir / internal::kManifestFile;
  std::error_code ec;
  const uintmax_t manifest_bytes = fs::file_size(manifest_path, ec);
  if (ec) return Status::NotFound("release " + std::string(release_id) + " is not published");
  if (manifest_bytes > internal::kMaxManifestBytes) {
    return Status::Corruption(manifest_path.string() + ": larger than a manifest can be");
  }
  LEDGER_ASSIGN_OR_RETURN(Approval approval, FindApproval(ledger, release_id, now_us));
  std::ifstream in(manifest_path, std::ios::binary);
  const std::string manifest_text(std::istreambuf_iterator<char>(in), {});
  if (!in.good() && !in.eof()) return Status::IOError("cannot read " + manifest_path.string());

  PublishedRelease r;
  r.approval = std::move(approval);
  r.dir = dir.string();
  r.manifest_sha256 = Sha256Hex(manifest_text);
  auto it = recorded.find(release_id);
  if (it == recorded.end() || !it->second.contains(r.manifest_sha256)) {
    return Status::FailedPrecondition(
        "the manifest published for release " + std::string(release_id) +
        " is not one the ledger recorded as exported: it is not handed out");
  }
  // Recorded by the ledger, but read as strictly as an evaluator reads it: a manifest that
  // fails is not handed out.
  auto manifest = internal::ParseManifest(manifest_text);
  if (!manifest.ok()) return manifest.status().WithContext(dir.string());
  r.files.push_back({std::string(internal::kManifestFile), manifest_path.string(),
                     static_cast<uint64_t>(manifest_bytes), r.manifest_sha256});
  const fs::path sig_path = dir / internal::kSignatureFile;
  const uintmax_t sig_bytes = fs::file_size(sig_path, ec);
  if (ec) return Status::Corruption(sig_path.string() + " is missing");
  r.files.push_back({std::string(internal::kSignatureFile), sig_path.string(),
                     static_cast<uint64_t>(sig_bytes), ""});
  for (const internal::ManifestFile& listed : manifest->files) {
    ReleaseFile f;
    f.name = listed.name;
    f.path = (dir / listed.name).string();
    f.bytes = listed.bytes;
    f.sha256 = listed.sha256;
    const uintmax_t actual = fs::file_size(f.path, ec);
    if (ec || actual != f.bytes) {
      return Status::Corruption(f.path + ": missing or not the size its manifest gives");
    }
    r.files.push_back(std::move(f));
  }
  return r;
}

}  // namespace

Result<PublishedRelease> FindPublished(Ledger& ledger, const std::string& releases_dir,
                                       std::string_view release_id, int64_t now_us) {
  LEDGER_ASSIGN_OR_RETURN(RecordedManifests recorded, ReadRecordedManifests(ledger));
  return CheckPublished(ledger, recorded, releases_dir, release_id, now_us);
}

Result<std::vector<PublishedRelease>> ListPublished(Ledger& ledger, const std::string& releases_dir,
                                                    int64_t now_us) {
  std::vector<PublishedRelease> out;
  std::error_code ec;
  if (!fs::is_directory(releases_dir, ec)) return out;
  LEDGER_ASSIGN_OR_RETURN(RecordedManifests recorded, ReadRecordedManifests(ledger));
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(releases_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && ValidReleaseId(name)) ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    auto r = CheckPublished(ledger, recorded, releases_dir, id, now_us);
    if (r.ok()) {
      out.push_back(std::move(*r));
    } else if (r.status().code() == StatusCode::kIOError) {
      return r.status();
    }
    // Anything else (expired, unrecorded, incomplete) is not listed.
  }
  return out;
}

}  // namespace ledger::release
