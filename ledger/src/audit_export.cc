#include "ledger/audit_export.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

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

}  // namespace

Result<ExportSummary> ExportAudit(Ledger& ledger, const std::string& dir,
                                  const std::function<void(uint64_t, uint64_t)>& progress) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return Status::FailedPrecondition(dir + " is not empty");
  }
  LEDGER_ASSIGN_OR_RETURN(auto note, ledger.audit().LatestCheckpoint());
  auto info = ledger.log().Info();
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
    uint64_t count = tlog::NodesAtLevel(n, tile_level * tlog::kTileHeight);
    if (count == 0) break;
    for (uint64_t t = 0; t * tlog::kTileWidth < count; ++t) {
      uint64_t width = std::min<uint64_t>(tlog::kTileWidth, count - t * tlog::kTileWidth);
      std::vector<tlog::Hash> hashes;
      hashes.reserve(width);
      for (uint64_t i = 0; i < width; ++i) {
        LEDGER_ASSIGN_OR_RETURN(
            auto h, ledger.audit().TreeNode(static_cast<uint8_t>(tile_level * tlog::kTileHeight),
                                            t * tlog::kTileWidth + i));
        hashes.push_back(h);
      }
      std::string tile = tlog::EncodeHashTile(hashes);
      LEDGER_RETURN_IF_ERROR(WriteFile(
          root / tlog::TilePath(static_cast<uint8_t>(tile_level), t, static_cast<uint32_t>(width)),
          tile));
      summary.hash_tiles++;
      summary.bytes += tile.size();
    }
  }

  // Entry bundles.
  auto it = ledger.log().Scan(0);
  std::vector<std::string> bundle;
  uint64_t bundle_index = 0;
  auto flush = [&]() -> Status {
    LEDGER_ASSIGN_OR_RETURN(auto bytes, tlog::EncodeEntryBundle(bundle));
    LEDGER_RETURN_IF_ERROR(WriteFile(
        root / tlog::EntryBundlePath(bundle_index, static_cast<uint32_t>(bundle.size())), bytes));
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
  for (const auto& k : ledger.log().Keys()) {
    auto v = VerifierKey::FromPublicKey(k.name, k.public_key);
    keys += (v.ok() ? v->ToString() : k.key_id_hex) + " role=" + k.role +
            " registered_seq=" + std::to_string(k.registered_seq) +
            (k.revoked ? " revoked_seq=" + std::to_string(k.revoked_seq) : "") + "\n";
  }
  LEDGER_RETURN_IF_ERROR(WriteFile(root / "keys.txt", keys));
  return summary;
}

}  // namespace ledger
