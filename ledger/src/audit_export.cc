#include "ledger/audit_export.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "base/file.h"
#include "crypto.h"
#include "ledger/time_format.h"
#include "log_checker.h"
#include "held_checkpoints.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/tiles.h"

namespace ledger {
namespace {

namespace fs = std::filesystem;

Status WriteFile(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + path.parent_path().string());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::IOError("cannot write " + path.string());
  return Status::Ok();
}

// Number of perfect nodes at tree level `level` in a tree of `size` leaves.
uint64_t NodesAtLevel(uint64_t size, uint32_t level) {
  return level >= 64 ? 0 : size >> level;
}

}  // namespace

Result<ExportSummary> ExportAudit(Ledger& ledger, const std::string& dir,
                                  const std::function<void(uint64_t, uint64_t)>& progress) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return Status::FailedPrecondition(dir + " is not empty");
  }
  LEDGER_ASSIGN_OR_RETURN(auto note, ledger.LatestCheckpoint());
  auto info = ledger.Info();
  LEDGER_ASSIGN_OR_RETURN(auto log_key, tlog::MakeVerifier(info.identity.origin, tlog::kAlgEd25519,
                                                    info.identity.public_key));
  LEDGER_ASSIGN_OR_RETURN(auto checkpoint, tlog::OpenCheckpoint(note, log_key, nullptr));
  const uint64_t n = checkpoint.size;
  ExportSummary summary;
  summary.size = n;
  fs::path root(dir);
  LEDGER_RETURN_IF_ERROR(WriteFile(root / "checkpoint", note));
  summary.bytes += note.size();

  // Hash tiles: tile level L holds tree level 8L.
  for (uint32_t tile_level = 0;; ++tile_level) {
    uint64_t count = NodesAtLevel(n, tile_level * tlog::kTileHeight);
    if (count == 0) break;
    for (uint64_t t = 0; t * tlog::kTileWidth < count; ++t) {
      uint64_t width = std::min<uint64_t>(tlog::kTileWidth, count - t * tlog::kTileWidth);
      std::vector<tlog::Hash> hashes;
      hashes.reserve(width);
      for (uint64_t i = 0; i < width; ++i) {
        LEDGER_ASSIGN_OR_RETURN(auto h, ledger.TreeNode(static_cast<uint8_t>(tile_level * tlog::kTileHeight),
                                                 t * tlog::kTileWidth + i));
        hashes.push_back(h);
      }
      std::string tile = tlog::EncodeHashTile(hashes);
      LEDGER_RETURN_IF_ERROR(WriteFile(root / tlog::TilePath(static_cast<uint8_t>(tile_level), t,
                                                      static_cast<uint32_t>(width)),
                                tile));
      summary.hash_tiles++;
      summary.bytes += tile.size();
    }
  }

  // Entry bundles.
  auto it = ledger.Scan(0);
  std::vector<std::string> bundle;
  uint64_t bundle_index = 0;
  auto flush = [&]() -> Status {
    LEDGER_ASSIGN_OR_RETURN(auto bytes, tlog::EncodeEntryBundle(bundle));
    LEDGER_RETURN_IF_ERROR(WriteFile(root / tlog::EntryBundlePath(bundle_index,
                                                           static_cast<uint32_t>(bundle.size())),
                              bytes));
    summary.entry_bundles++;
    summary.bytes += bytes.size();
    bundle.clear();
    bundle_index++;
    return Status::Ok();
  };
  for (; it->Valid() && it->entry().seq < n; it->Next()) {
    bundle.push_back(it->entry().bytes);
    if (bundle.size() == tlog::kTileWidth) {
      LEDGER_RETURN_IF_ERROR(flush());
      if (progress) progress(it->entry().seq + 1, n);
    }
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  if (!bundle.empty()) LEDGER_RETURN_IF_ERROR(flush());
  if (progress) progress(n, n);

  std::string keys;
  for (const auto& k : ledger.Keys()) {
    auto v = VerifierKey::FromPublicKey(k.name, k.public_key);
    keys += (v.ok() ? v->ToString() : k.key_id_hex) + " role=" + k.role +
            " registered_seq=" + std::to_string(k.registered_seq) +
            (k.revoked ? " revoked_seq=" + std::to_string(k.revoked_seq) : "") + "\n";
  }
  LEDGER_RETURN_IF_ERROR(WriteFile(root / "keys.txt", keys));
  return summary;
}

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
  checker.SetNodeCheck([&](uint8_t level, uint64_t index, const tlog::Hash& hash) -> Status {
    if (level % tlog::kTileHeight != 0) return Status::Ok();
    uint32_t tile_level = level / tlog::kTileHeight;
    uint64_t tile_index = index / tlog::kTileWidth;
    auto key = std::make_pair(tile_level, tile_index);
    auto found = tiles.find(key);
    if (found == tiles.end()) {
      uint64_t count = NodesAtLevel(n, level);
      uint64_t width = std::min<uint64_t>(tlog::kTileWidth, count - tile_index * tlog::kTileWidth);
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
  }, /*thread_safe=*/false);

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
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace ledger
