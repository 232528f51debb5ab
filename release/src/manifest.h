// A release's manifest.json read back (the evaluator's OpenRelease, the server's FindPublished).
// The manifest is signed, but a reader still takes nothing on trust: every member is read with
// its type checked, every parameter must be one an export accepts, and the counts must agree
// with each other. Export writes the manifest (export.cc); this is its one reader.
#ifndef RELEASE_SRC_MANIFEST_H_
#define RELEASE_SRC_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "release/release.h"

namespace ledger::release::internal {

// A file of the release as the manifest lists it under "files".
struct ManifestFile {
  std::string name;    // a plain file name in the release directory
  std::string sha256;  // 64 lowercase hex digits
  uint64_t bytes = 0;
};

struct Manifest {
  std::string release_id;
  std::string recipient_org;
  std::string purpose;
  std::string basis;
  // The export's parameters as signed (release_id, cohort window, ages, as_of, horizons, k,
  // small-cell threshold, time unit, most suppressed); they pass ValidateExportParams.
  ExportParams params;
  uint64_t cohort = 0;
  ExclusionCounts excluded;
  uint64_t suppressed = 0;
  uint64_t persons = 0;
  uint64_t events = 0;
  std::string report_sha256;        // outcomes_report_sha256
  std::string release_root_sha256;  // release_log.root_sha256
  // Sorted by name; events.jsonl and persons.csv are always among them, manifest.json and
  // manifest.sig never.
  std::vector<ManifestFile> files;
};

// The most files a manifest may list, and the largest count it may give.
inline constexpr size_t kMaxManifestFiles = 16;
inline constexpr uint64_t kMaxManifestCount = uint64_t{1} << 40;

// Parses and checks the text of manifest.json. Corruption "manifest.json: <field>: <what>" for
// JSON that ParseEventJson refuses (naming line and column), a missing member or one of the
// wrong type, a parameter outside what an export accepts ("privacy.small_cell_threshold: -1 is
// not what an export accepts (--small-cells: 1 to 1000)"), counts that do not add up, or a file
// list without events.jsonl and persons.csv.
Result<Manifest> ParseManifest(std::string_view text);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_MANIFEST_H_
