// c2sp.org/tlog-tiles: the static resources through which a log is mirrored and monitored.
//
// Paths, relative to the log's URL prefix:
//   tile-path    = "tile/" level "/" index [ ".p/" width ]   ; Merkle tree tile
//   bundle-path  = "tile/entries/" index [ ".p/" width ]      ; entry bundle
//   level        = decimal 0..63 without leading zeros
//   index        = *( "x" 3DIGIT "/" ) 3DIGIT                 ; groups of three digits, most
//                                                              ; significant first, no leading
//                                                              ; all-zero groups: 1234067 is
//                                                              ; "x001/x234/067", 0 is "000"
//   width        = decimal 1..255 without leading zeros      ; only for partial tiles
// A full tile has kTileWidth hashes and no ".p/" suffix.
//
// Contents:
//   hash tile    = 1*256( 32-byte hash )                      ; concatenated, no framing
//   entry bundle = 1*256( length[2 bytes, big-endian] entry[length] )
#ifndef TLOG_TILES_H_
#define TLOG_TILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"

namespace tlog {

inline constexpr uint32_t kTileHeight = 8;
inline constexpr uint32_t kTileWidth = 1u << kTileHeight;  // 256 hashes or entries
inline constexpr uint8_t kMaxTileLevel = 63;
inline constexpr size_t kMaxEntrySize = 65535;  // the bundle's 2-byte length prefix

struct TileCoord {
  uint8_t level = 0;
  uint64_t index = 0;
  uint32_t width = kTileWidth;  // 1..256; 256 is a full tile

  bool operator==(const TileCoord&) const = default;
};

struct BundleCoord {
  uint64_t index = 0;
  uint32_t width = kTileWidth;  // 1..256; 256 is a full bundle

  bool operator==(const BundleCoord&) const = default;
};

// The perfect nodes at tree level `level` (0: the leaves) of a tree of `size` leaves: the hashes
// tile level level / kTileHeight holds at that level, full and partial tiles together.
uint64_t NodesAtLevel(uint64_t size, uint32_t level);

// "tile/<L>/<N>[.p/<W>]". REQUIRES: level <= kMaxTileLevel and 1 <= width <= kTileWidth.
std::string TilePath(uint8_t level, uint64_t index, uint32_t width);
// "tile/entries/<N>[.p/<W>]". REQUIRES: 1 <= width <= kTileWidth.
std::string EntryBundlePath(uint64_t index, uint32_t width);

// Accept exactly the paths TilePath and EntryBundlePath write (no leading "/", no prefix, no
// query); InvalidArgument otherwise.
ledger::Result<TileCoord> ParseTilePath(std::string_view path);
ledger::Result<BundleCoord> ParseEntryBundlePath(std::string_view path);

// Each entry prefixed by its length. InvalidArgument for no entries, more than kTileWidth
// entries, or an entry longer than kMaxEntrySize (which the prefix cannot express).
ledger::Result<std::string> EncodeEntryBundle(const std::vector<std::string>& entries);
// The entries of a bundle: 1 to kTileWidth of them, the last ending exactly at the end of
// `data`. The caller checks that their number is the width it asked for.
ledger::Result<std::vector<std::string>> DecodeEntryBundle(std::string_view data);

// REQUIRES: 1 to kTileWidth hashes.
std::string EncodeHashTile(const std::vector<Hash>& hashes);
// 1 to kTileWidth hashes; InvalidArgument for a size that is not a positive multiple of 32 up
// to 8,192 bytes.
ledger::Result<std::vector<Hash>> DecodeHashTile(std::string_view data);

}  // namespace tlog

#endif  // TLOG_TILES_H_
