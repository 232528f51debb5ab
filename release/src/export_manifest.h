// manifest.json of a release as Export writes it (docs/formats.md, "Release manifest";
// manifest.cc reads it back). The JSON is part of the release's signed contract.
#ifndef RELEASE_SRC_EXPORT_MANIFEST_H_
#define RELEASE_SRC_EXPORT_MANIFEST_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "export_events.h"
#include "export_plan.h"
#include "k_anonymity.h"
#include "release/release.h"
#include "replay/replayer.h"

namespace ledger::release::internal {

// Everything the manifest states, from the export's steps. Pointers are not owned and must
// outlive the call.
struct ManifestFacts {
  const ExportSummary* summary = nullptr;  // approval, params, counts, moved figures, report hash
  std::string key_fingerprint;             // of the pseudonym key
  const Anonymisation* anon = nullptr;
  const QiRisk* qi_risk = nullptr;
  const TrajectoryPrivacy* trajectories = nullptr;
  replay::LogPoint release_point;                // the release's own log
  std::pair<std::string, uint64_t> events_file;  // events.jsonl: sha256 hex, bytes
  const std::string* persons_csv = nullptr;      // persons.csv's bytes
};

nlohmann::json BuildManifest(const ManifestFacts& facts);

}  // namespace ledger::release::internal

#endif  // RELEASE_SRC_EXPORT_MANIFEST_H_
