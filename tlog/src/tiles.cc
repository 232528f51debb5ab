#include "tlog/tiles.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include "base/decimal.h"
#include "text.h"

namespace tlog {
namespace {

using ledger::Status;

constexpr std::string_view kTilePrefix = "tile/";
constexpr std::string_view kBundlePrefix = "tile/entries/";
constexpr std::string_view kPartialInfix = ".p/";

// "<N>[.p/<W>]" for an index and width.
std::string IndexAndWidth(uint64_t index, uint32_t width) {
  // A uint64 has at most 20 decimal digits: 7 groups of three.
  uint32_t groups[7];
  size_t n = 0;
  do {
    groups[n++] = static_cast<uint32_t>(index % 1000);
    index /= 1000;
  } while (index != 0);
  std::string out;
  for (size_t i = n; i-- > 0;) {
    if (i > 0) out += 'x';
    out += static_cast<char>('0' + groups[i] / 100);
    out += static_cast<char>('0' + groups[i] / 10 % 10);
    out += static_cast<char>('0' + groups[i] % 10);
    if (i > 0) out += '/';
  }
  if (width < kTileWidth) {
    out += kPartialInfix;
    out += std::to_string(width);
  }
  return out;
}

// Reads "<N>[.p/<W>]" leniently: the caller accepts the result only if writing it back gives
// the same text, which refuses leading zeros, a missing or misplaced "x", groups of other than
// three digits, a full width written out and the like, without a rule for each.
std::optional<std::pair<uint64_t, uint32_t>> ReadIndexAndWidth(std::string_view text) {
  uint32_t width = kTileWidth;
  size_t p = text.find(kPartialInfix);
  if (p != std::string_view::npos) {
    auto w = ledger::ParseDecimal(text.substr(p + kPartialInfix.size()));
    if (!w.ok() || *w == 0 || *w >= kTileWidth) return std::nullopt;
    width = static_cast<uint32_t>(*w);
    text = text.substr(0, p);
  }
  uint64_t index = 0;
  while (true) {
    size_t slash = text.find('/');
    std::string_view group = text.substr(0, slash);
    if (group.starts_with('x')) group.remove_prefix(1);
    if (group.size() != 3 ||
        !std::all_of(group.begin(), group.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    uint64_t g =
        static_cast<uint64_t>((group[0] - '0') * 100 + (group[1] - '0') * 10 + (group[2] - '0'));
    if (index > (UINT64_MAX - g) / 1000) return std::nullopt;
    index = index * 1000 + g;
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return std::make_pair(index, width);
}

}  // namespace

uint64_t NodesAtLevel(uint64_t size, uint32_t level) {
  // A shift by 64 or more is undefined; no tree has a perfect node that high.
  return level >= 64 ? 0 : size >> level;
}

std::string TilePath(uint8_t level, uint64_t index, uint32_t width) {
  // Invariant (REQUIRES): see the header.
  assert(level <= kMaxTileLevel && width >= 1 && width <= kTileWidth);
  return std::string(kTilePrefix) + std::to_string(level) + "/" + IndexAndWidth(index, width);
}

std::string EntryBundlePath(uint64_t index, uint32_t width) {
  // Invariant (REQUIRES): see the header.
  assert(width >= 1 && width <= kTileWidth);
  return std::string(kBundlePrefix) + IndexAndWidth(index, width);
}

ledger::Result<TileCoord> ParseTilePath(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("tile path " + internal::Quote(path) + ": " + std::string(why));
  };
  if (!path.starts_with(kTilePrefix)) return bad("does not start with \"tile/\"");
  std::string_view rest = path.substr(kTilePrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return bad("has no index after the level");
  auto level = ledger::ParseDecimal(rest.substr(0, slash));
  if (!level.ok() || *level > kMaxTileLevel) {
    return bad("level is not a decimal from 0 to 63 without leading zeros");
  }
  auto iw = ReadIndexAndWidth(rest.substr(slash + 1));
  TileCoord coord;
  if (iw) coord = TileCoord{static_cast<uint8_t>(*level), iw->first, iw->second};
  if (!iw || TilePath(coord.level, coord.index, coord.width) != path) {
    return bad(
        "index must be 3-digit groups, all but the last with an \"x\" prefix and no "
        "leading zero groups, and a partial width 1 to 255 without leading zeros");
  }
  return coord;
}

ledger::Result<BundleCoord> ParseEntryBundlePath(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("entry bundle path " + internal::Quote(path) + ": " +
                                   std::string(why));
  };
  if (!path.starts_with(kBundlePrefix)) return bad("does not start with \"tile/entries/\"");
  auto iw = ReadIndexAndWidth(path.substr(kBundlePrefix.size()));
  BundleCoord coord;
  if (iw) coord = BundleCoord{iw->first, iw->second};
  if (!iw || EntryBundlePath(coord.index, coord.width) != path) {
    return bad(
        "index must be 3-digit groups, all but the last with an \"x\" prefix and no "
        "leading zero groups, and a partial width 1 to 255 without leading zeros");
  }
  return coord;
}

ledger::Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries) {
  if (entries.empty() || entries.size() > kTileWidth) {
    return Status::InvalidArgument("an entry bundle holds 1 to 256 entries, not " +
                                   std::to_string(entries.size()));
  }
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& e = entries[i];
    if (e.size() > kMaxEntrySize) {
      return Status::InvalidArgument("entry " + std::to_string(i) + " of the bundle has " +
                                     std::to_string(e.size()) +
                                     " bytes; at most 65535 fit the length prefix");
    }
    out += static_cast<char>(e.size() >> 8);
    out += static_cast<char>(e.size() & 0xff);
    out += e;
  }
  return out;
}

ledger::Result<std::vector<std::string>> DecodeEntryBundle(std::string_view data) {
  if (data.empty()) return Status::InvalidArgument("entry bundle is empty");
  std::vector<std::string> entries;
  while (!data.empty()) {
    if (entries.size() == kTileWidth) {
      return Status::InvalidArgument("entry bundle has more than 256 entries");
    }
    if (data.size() < 2) {
      return Status::InvalidArgument("entry bundle ends inside the length of entry " +
                                     std::to_string(entries.size()));
    }
    size_t len =
        static_cast<size_t>(static_cast<uint8_t>(data[0])) << 8 | static_cast<uint8_t>(data[1]);
    data.remove_prefix(2);
    if (data.size() < len) {
      return Status::InvalidArgument(
          "entry bundle ends inside entry " + std::to_string(entries.size()) + " (length " +
          std::to_string(len) + ", " + std::to_string(data.size()) + " bytes left)");
    }
    entries.emplace_back(data.substr(0, len));
    data.remove_prefix(len);
  }
  return entries;
}

std::string EncodeHashTile(const std::vector<Hash>& hashes) {
  // Invariant (REQUIRES): see the header.
  assert(!hashes.empty() && hashes.size() <= kTileWidth);
  std::string out;
  out.reserve(hashes.size() * sizeof(Hash));
  for (const Hash& h : hashes) out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

ledger::Result<std::vector<Hash>> DecodeHashTile(std::string_view data) {
  constexpr size_t kHashSize = sizeof(Hash);
  if (data.empty() || data.size() % kHashSize != 0 || data.size() > kTileWidth * kHashSize) {
    return Status::InvalidArgument("hash tile has " + std::to_string(data.size()) +
                                   " bytes; a tile is 1 to 256 hashes of 32 bytes");
  }
  std::vector<Hash> hashes(data.size() / kHashSize);
  for (size_t i = 0; i < hashes.size(); ++i) {
    std::copy_n(data.begin() + static_cast<ptrdiff_t>(i * kHashSize), kHashSize, hashes[i].begin());
  }
  return hashes;
}

}  // namespace tlog
