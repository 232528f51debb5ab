// Fuzzes the proof verifiers with arbitrary sizes, indices, hashes and proofs: they must never
// crash, read out of bounds or hit undefined behaviour (shifts by 64 at sizes near 2^64), and
// whatever they return is fine. It also checks one property that must hold: a proof built for
// any (index, size) or (size1, size2) of a tree of identical leaves verifies. (With identical
// leaves every perfect node at level L has one hash, so a tree of any size fits in 64 hashes.)
//
// Input: mode byte, width byte, a (8 bytes), b (8 bytes), hash1 (32), hash2 (32), then proof
// hashes of 32 bytes each; missing bytes read as zero. a and b are masked to `width % 65` low
// bits so that small, plausible sizes are common.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/status.h"
#include "tlog/merkle.h"
#include "tlog/proof.h"
#include "tlog/verify.h"

namespace {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t remaining() const { return size_ - pos_; }
  void Read(uint8_t* out, size_t n) {
    const size_t take = n < remaining() ? n : remaining();
    std::memcpy(out, data_ + pos_, take);
    std::memset(out + take, 0, n - take);
    pos_ += take;
  }
  uint64_t U64() {
    uint8_t b[8];
    Read(b, sizeof b);
    uint64_t v;
    std::memcpy(&v, b, sizeof v);
    return v;
  }
  tlog::Hash NextHash() {
    tlog::Hash h;
    Read(h.data(), h.size());
    return h;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct UniformTree {
  UniformTree() {
    level[0] = tlog::HashLeaf("uniform");
    for (int l = 1; l < 64; ++l) level[l] = tlog::HashChildren(level[l - 1], level[l - 1]);
  }
  tlog::Hash Root(uint64_t n) const {
    if (n == 0) return tlog::EmptyRoot();
    tlog::Hash root = level[std::countr_zero(n)];
    for (n &= n - 1; n != 0; n &= n - 1)
      root = tlog::HashChildren(level[std::countr_zero(n)], root);
    return root;
  }
  tlog::NodeReader Reader(uint64_t size) const {
    return [this, size](uint8_t l, uint64_t index) -> ledger::Result<tlog::Hash> {
      if (l >= 64 || index >= (size >> l)) __builtin_trap();  // Read outside the tree.
      return level[l];
    };
  }
  tlog::Hash level[64];
};

void CheckBuiltProofsVerify(uint64_t a, uint64_t b) {
  static const UniformTree tree;
  if (a < b) {
    auto proof = tlog::InclusionProof(a, b, tree.Reader(b));
    if (!proof.ok() || !tlog::VerifyInclusion(tree.level[0], a, b, *proof, tree.Root(b)).ok()) {
      __builtin_trap();
    }
  }
  const uint64_t size1 = a < b ? a : b;
  const uint64_t size2 = a < b ? b : a;
  auto proof = tlog::ConsistencyProof(size1, size2, tree.Reader(size2));
  if (!proof.ok() ||
      !tlog::VerifyConsistency(size1, size2, *proof, tree.Root(size1), tree.Root(size2)).ok()) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  uint8_t header[2];
  in.Read(header, sizeof header);
  const int width = header[1] % 65;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  const uint64_t a = in.U64() & mask;
  const uint64_t b = in.U64() & mask;
  const tlog::Hash hash1 = in.NextHash();
  const tlog::Hash hash2 = in.NextHash();
  std::vector<tlog::Hash> proof;
  while (in.remaining() > 0 && proof.size() < 80) proof.push_back(in.NextHash());

  switch (header[0] % 3) {
    case 0:
      tlog::VerifyInclusion(hash1, a, b, proof, hash2).IgnoreError();
      (void)tlog::RootFromInclusionProof(hash1, a, b, proof);
      break;
    case 1:
      tlog::VerifyConsistency(a, b, proof, hash1, hash2).IgnoreError();
      break;
    default:
      CheckBuiltProofsVerify(a, b);
      break;
  }
  return 0;
}
