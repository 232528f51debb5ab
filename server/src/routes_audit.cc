// The auditors' endpoints: c2sp.org/tlog-tiles (/checkpoint, /tile/<L>/<N>[.p/<W>],
// /tile/entries/<N>[.p/<W>]) with the tile layout of `ledger audit-export`, and proofs
// (/v1/proof/inclusion as a c2sp.org/tlog-proof file, /v1/proof/consistency as base64 lines).
#include <algorithm>

#include "api.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/proof_file.h"
#include "tlog/tiles.h"

namespace ledger::server::internal {
namespace {

constexpr std::string_view kOctets = "application/octet-stream";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

Reply Binary(std::string body, bool immutable) {
  Reply r = TextReply(200, std::move(body), kOctets);
  r.headers.emplace_back("Cache-Control", immutable ? std::string(kImmutable) : "no-cache");
  return r;
}

Reply Checkpoint(ApiContext& ctx) {
  auto note = ctx.ledger.audit().LatestCheckpoint();
  if (!note.ok()) {
    if (note.status().code() == StatusCode::kNotFound) {
      return ErrorReply(404, "no_checkpoint", "no checkpoint has been signed yet");
    }
    return ErrorFor(note.status());
  }
  Reply r = TextReply(200, std::move(note).value());
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

Reply HashTile(ApiContext& ctx, const tlog::TileCoord& c) {
  const uint64_t size = ctx.ledger.log().Size();
  const uint32_t level = uint32_t{c.level} * tlog::kTileHeight;
  const uint64_t nodes = level >= 64 ? 0 : size >> level;
  const uint64_t first = c.index * tlog::kTileWidth;
  if (c.index > (UINT64_MAX >> 9) || first + c.width > nodes) {
    return ErrorReply(404, "no_such_tile", "the tree does not have that tile yet");
  }
  std::vector<tlog::Hash> hashes;
  hashes.reserve(c.width);
  for (uint32_t i = 0; i < c.width; ++i) {
    auto h = ctx.ledger.audit().TreeNode(static_cast<uint8_t>(level), first + i);
    if (!h.ok()) return ErrorFor(h.status());
    hashes.push_back(*h);
  }
  return Binary(tlog::EncodeHashTile(hashes), c.width == tlog::kTileWidth);
}

Reply EntryBundle(ApiContext& ctx, const tlog::BundleCoord& c) {
  const uint64_t size = ctx.ledger.log().Size();
  const uint64_t first = c.index * tlog::kTileWidth;
  if (c.index > (UINT64_MAX >> 9) || first + c.width > size) {
    return ErrorReply(404, "no_such_tile", "the log does not have that bundle yet");
  }
  std::vector<std::string> entries;
  entries.reserve(c.width);
  auto it = ctx.ledger.log().Scan(first, /*decode=*/false);
  for (; it->Valid() && entries.size() < c.width; it->Next()) entries.push_back(it->entry().bytes);
  if (!it->status().ok()) return ErrorFor(it->status());
  if (entries.size() != c.width) return ErrorReply(404, "no_such_tile", "bundle not complete");
  auto bundle = tlog::EncodeEntryBundle(entries);
  if (!bundle.ok()) return ErrorFor(bundle.status());
  return Binary(std::move(bundle).value(), c.width == tlog::kTileWidth);
}

Reply Inclusion(ApiContext& ctx, const ApiRequest& req) {
  auto seq = DecimalParam(req.target, "seq");
  if (!seq.ok()) return ErrorFor(seq.status());
  if (!*seq) return ErrorReply(422, "invalid_argument", "parameter seq is required");
  auto size = DecimalParam(req.target, "size");
  if (!size.ok()) return ErrorFor(size.status());
  auto note =
      *size ? ctx.ledger.audit().CheckpointAt(**size) : ctx.ledger.audit().LatestCheckpoint();
  if (!note.ok()) return ErrorFor(note.status());
  auto parsed = tlog::ParseNote(*note);
  if (!parsed.ok()) return ErrorFor(parsed.status());
  auto cp = tlog::ParseCheckpointBody(parsed->text);
  if (!cp.ok()) return ErrorFor(cp.status());
  if (**seq >= cp->size) {
    return ErrorReply(409, "not_yet_checkpointed",
                      "entry " + std::to_string(**seq) +
                          " is not covered by the checkpoint of size " + std::to_string(cp->size) +
                          "; ask again after the next checkpoint");
  }
  auto proof = ctx.ledger.audit().InclusionProof(**seq, cp->size);
  if (!proof.ok()) return ErrorFor(proof.status());
  return TextReply(200, tlog::FormatProofFile({"", **seq, *proof, *note}));
}

Reply Consistency(ApiContext& ctx, const ApiRequest& req) {
  auto from = DecimalParam(req.target, "from");
  auto to = DecimalParam(req.target, "to");
  if (!from.ok()) return ErrorFor(from.status());
  if (!to.ok()) return ErrorFor(to.status());
  if (!*from || !*to)
    return ErrorReply(422, "invalid_argument", "parameters from and to are required");
  if (**from > **to) return ErrorReply(422, "invalid_argument", "from must not exceed to");
  auto proof = ctx.ledger.audit().ConsistencyProof(**from, **to);
  if (!proof.ok()) return ErrorFor(proof.status());
  std::string out;
  for (const auto& h : *proof) out += tlog::HashToBase64(h) + "\n";
  return TextReply(200, std::move(out));
}

}  // namespace

Reply HandleAudit(ApiContext& ctx, const ApiRequest& req, bool* handled) {
  const std::string& path = req.target.path;
  const bool ours = path == "/checkpoint" || path.starts_with("/tile/") ||
                    path == "/v1/proof/inclusion" || path == "/v1/proof/consistency" ||
                    path == "/v1/checkpoint";
  if (!ours) {
    *handled = false;
    return {};
  }
  if (req.method != "GET") return MethodNotAllowed("GET");
  if (!MayAudit(req.principal)) {
    return Forbidden("role " + req.principal.role + " may not read the tree (auditors may)");
  }
  if (path == "/checkpoint" || path == "/v1/checkpoint") return Checkpoint(ctx);
  if (path == "/v1/proof/inclusion") return Inclusion(ctx, req);
  if (path == "/v1/proof/consistency") return Consistency(ctx, req);
  const std::string_view tile = std::string_view(path).substr(1);
  if (tile.starts_with("tile/entries/")) {
    auto c = tlog::ParseEntryBundlePath(tile);
    if (!c.ok()) return ErrorReply(400, "bad_path", c.status().message());
    return EntryBundle(ctx, *c);
  }
  auto c = tlog::ParseTilePath(tile);
  if (!c.ok()) return ErrorReply(400, "bad_path", c.status().message());
  return HashTile(ctx, *c);
}

}  // namespace ledger::server::internal
