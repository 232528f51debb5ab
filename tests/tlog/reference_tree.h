// A naive RFC 6962 section 2.1 Merkle tree for tests: MTH, PATH and PROOF/SUBPROOF written
// straight from the RFC's recursive definitions over a list of leaf hashes, sharing no code with
// the library beyond the two hash functions. MTH results are memoized by range only to keep the
// exhaustive tests fast; that does not change what is computed.
#ifndef TESTS_TLOG_REFERENCE_TREE_H_
#define TESTS_TLOG_REFERENCE_TREE_H_

#include <cassert>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlog/merkle.h"

namespace tlog::testing {

class ReferenceTree {
 public:
  ReferenceTree() = default;
  explicit ReferenceTree(std::vector<Hash> leaf_hashes) : leaves_(std::move(leaf_hashes)) {}

  void Append(const Hash& leaf_hash) { leaves_.push_back(leaf_hash); }
  uint64_t size() const { return leaves_.size(); }
  const Hash& leaf(uint64_t i) const { return leaves_[i]; }

  // MTH(D[0:n]).
  Hash Root(uint64_t n) { return Mth(0, n); }
  // PATH(m, D[0:n]).
  std::vector<Hash> Path(uint64_t m, uint64_t n) { return PathOf(m, 0, n); }
  // PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true); empty for m == 0 (not defined by RFC 6962,
  // empty as in c2sp.org/tlog-witness).
  std::vector<Hash> Proof(uint64_t m, uint64_t n) {
    if (m == 0) return {};
    return Subproof(m, 0, n, true);
  }

  // The largest power of two smaller than n. REQUIRES: n > 1.
  static uint64_t Split(uint64_t n) {
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

 private:
  // MTH(D[begin:end]).
  Hash Mth(uint64_t begin, uint64_t end) {
    assert(begin <= end && end <= leaves_.size());
    const uint64_t n = end - begin;
    if (n == 0) return EmptyRoot();
    if (n == 1) return leaves_[begin];
    auto it = memo_.find({begin, end});
    if (it != memo_.end()) return it->second;
    const uint64_t k = Split(n);
    Hash h = HashChildren(Mth(begin, begin + k), Mth(begin + k, end));
    memo_.emplace(std::make_pair(begin, end), h);
    return h;
  }

  // PATH(m, D[begin:end]), m relative to begin.
  std::vector<Hash> PathOf(uint64_t m, uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (n <= 1) return {};
    const uint64_t k = Split(n);
    std::vector<Hash> out;
    if (m < k) {
      out = PathOf(m, begin, begin + k);
      out.push_back(Mth(begin + k, end));
    } else {
      out = PathOf(m - k, begin + k, end);
      out.push_back(Mth(begin, begin + k));
    }
    return out;
  }

  // SUBPROOF(m, D[begin:end], b).
  std::vector<Hash> Subproof(uint64_t m, uint64_t begin, uint64_t end, bool b) {
    const uint64_t n = end - begin;
    if (m == n) {
      if (b) return {};
      return {Mth(begin, end)};
    }
    const uint64_t k = Split(n);
    std::vector<Hash> out;
    if (m <= k) {
      out = Subproof(m, begin, begin + k, b);
      out.push_back(Mth(begin + k, end));
    } else {
      out = Subproof(m - k, begin + k, end, false);
      out.push_back(Mth(begin, begin + k));
    }
    return out;
  }

  std::vector<Hash> leaves_;
  std::map<std::pair<uint64_t, uint64_t>, Hash> memo_;
};

// Distinct test leaves: the hash of the decimal string of i.
inline Hash TestLeaf(uint64_t i) { return HashLeaf(std::to_string(i)); }

inline ReferenceTree TestTree(uint64_t n) {
  ReferenceTree tree;
  for (uint64_t i = 0; i < n; ++i) tree.Append(TestLeaf(i));
  return tree;
}

inline Hash HashFromHex(std::string_view hex) {
  assert(hex.size() == 64);
  auto nibble = [](char c) -> uint8_t {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  Hash h;
  for (size_t i = 0; i < h.size(); ++i) {
    h[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return h;
}

// The eight leaves of the RFC 6962 test data used by transparency-dev/merkle (testonly).
inline std::vector<std::string> GoldenLeafData() {
  return {"",
          std::string("\x00", 1),
          "\x10",
          "\x20\x21",
          "\x30\x31",
          "\x40\x41\x42\x43",
          "\x50\x51\x52\x53\x54\x55\x56\x57",
          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
}

// Golden values from transparency-dev/merkle testonly/constants.go (NodeHashes, RootHashes),
// cross-checked against an independent Python (hashlib) RFC 6962 implementation.
// GoldenNodesHex()[level][index]: every perfect node of the 8-leaf tree.
inline const std::vector<std::vector<std::string>>& GoldenNodesHex() {
  static const auto* nodes = new std::vector<std::vector<std::string>>{
      {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
       "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
       "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
       "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
       "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
       "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
       "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
      {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
       "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
      {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
      {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"}};
  return *nodes;
}

// Roots of the trees of the first 0..8 golden leaves.
inline const std::vector<std::string>& GoldenRootsHex() {
  static const auto* roots = new std::vector<std::string>{
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  return *roots;
}

}  // namespace tlog::testing

#endif  // TESTS_TLOG_REFERENCE_TREE_H_
