// VerifyAuditExport (ledger/audit_export.h): an export checked with only the verifier key. Apart
// from ExportAudit (audit_export.cc) because it needs no store: it is in ledger_verify, which an
// auditor's tool links without RocksDB.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "base/file.h"
#include "held_checkpoints.h"
#include "ledger/audit_export.h"
#include "log_checker.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/tiles.h"

namespace ledger {

namespace fs = std::filesystem;

Result<VerifyReport> VerifyAuditExport(const std::string& dir, const std::string& verifier_key,
                                       const VerifyOptions& options) {
  auto start = std::chrono::steady_clock::now();
  fs::path root(dir);
  LEDGER_ASSIGN_OR_RETURN(auto log_key, tlog::ParseVerifierKey(verifier_key));
  LEDGER_ASSIGN_OR_RETURN(auto note, ReadFile((root / "checkpoint").string()));
  VerifyReport report;
  auto checkpoint = tlog::OpenCheckpoint(note, log_key, nullptr);
  if (!checkpoint.ok()) {
    report.ok = false;
    report.failed_check = "checkpoint signature";
    report.failure = checkpoint.status();
    return report;
  }
  const uint64_t n = checkpoint->size;
  internal::LogChecker checker(options.from, options.threads);
  checker.ExpectRoot(n, checkpoint->root);
  if (!internal::ExpectHeldCheckpoints(options.held_checkpoints, log_key, checker, &report, n)) {
    return report;
  }

  // Every tree node at a tile level must equal the hash in its tile.
  std::map<std::pair<uint32_t, uint64_t>, std::vector<tlog::Hash>> tiles;
  checker.SetNodeCheck(
      [&](uint8_t level, uint64_t index, const tlog::Hash& hash) -> Status {
        if (level % tlog::kTileHeight != 0) return Status::Ok();
        uint32_t tile_level = level / tlog::kTileHeight;
        uint64_t tile_index = index / tlog::kTileWidth;
        auto key = std::make_pair(tile_level, tile_index);
        auto found = tiles.find(key);
        if (found == tiles.end()) {
          uint64_t count = tlog::NodesAtLevel(n, level);
          uint64_t width =
              std::min<uint64_t>(tlog::kTileWidth, count - tile_index * tlog::kTileWidth);
          std::string path = tlog::TilePath(static_cast<uint8_t>(tile_level), tile_index,
                                            static_cast<uint32_t>(width));
          LEDGER_ASSIGN_OR_RETURN(auto bytes, ReadFile((root / path).string()));
          LEDGER_ASSIGN_OR_RETURN(auto hashes, tlog::DecodeHashTile(bytes));
          if (hashes.size() != width) return Status::Corruption(path + " has the wrong width");
          tiles.clear();  // keep memory flat: tiles are consumed left to right
          found = tiles.emplace(key, std::move(hashes)).first;
        }
        if (found->second[index % tlog::kTileWidth] != hash) {
          return Status::Corruption("hash tile entry " + std::to_string(level) + "/" +
                                    std::to_string(index) + " differs from the entries");
        }
        return Status::Ok();
      },
      /*thread_safe=*/false);

  uint64_t seq = 0;
  Status bundle_failure;
  for (uint64_t b = 0; b * tlog::kTileWidth < n; ++b) {
    uint64_t width = std::min<uint64_t>(tlog::kTileWidth, n - b * tlog::kTileWidth);
    std::string path = tlog::EntryBundlePath(b, static_cast<uint32_t>(width));
    auto bytes = ReadFile((root / path).string());
    Status bad = bytes.status();
    std::vector<std::string> entries;
    if (bad.ok()) {
      auto decoded = tlog::DecodeEntryBundle(*bytes);
      bad = decoded.status();
      if (decoded.ok()) entries = std::move(decoded).value();
      if (bad.ok() && entries.size() != width) {
        bad = Status::Corruption(path + " holds " + std::to_string(entries.size()) +
                                 " entries, expected " + std::to_string(width));
      }
    }
    if (!bad.ok()) {
      bundle_failure = bad.WithContext(path);
      break;
    }
    bool failed = false;
    for (auto& e : entries) {
      if (!checker.Add(seq++, std::move(e)).ok()) {
        failed = true;
        break;
      }
    }
    if (failed) break;
    if (options.progress) options.progress(seq, n);
  }
  if (!bundle_failure.ok() && checker.Flush().ok()) {
    // Every entry before the unreadable bundle passed: the bundle is the first failure.
    checker.Report(&report);
    report.ok = false;
    report.failed_seq = checker.size();
    report.failed_check = "bundle";
    report.failure = bundle_failure;
  } else {
    checker.Finish().IgnoreError();
    checker.Report(&report);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace ledger
