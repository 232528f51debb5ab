#include "prng.h"

#include <cassert>

#include "base/hex.h"

namespace ledger::synth {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

// GCC and Clang both have a 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 Uint128;

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t Mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t StreamKey(uint64_t seed, uint64_t participant, uint64_t tag) {
  uint64_t k = Mix64(seed + kGolden);
  k = Mix64(k ^ (participant * kGolden + 0x632be59bd9b4e019ULL));
  return Mix64(k ^ (tag + 1) * 0xd1b54a32d192ed03ULL);
}

Rng::Rng(uint64_t key) {
  uint64_t x = key;
  for (uint64_t& word : s_) {
    x += kGolden;
    word = Mix64(x);
  }
  // Invariant: xoshiro's state must not be all zero; splitmix64 of four consecutive values
  // cannot all be zero, but keep the guarantee explicit.
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = kGolden;
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Below(uint64_t n) {
  assert(n > 0);
  Uint128 m = static_cast<Uint128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int Rng::Range(int lo, int hi) {
  assert(lo <= hi);
  const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1;
  return static_cast<int>(lo + static_cast<int64_t>(Below(span)));
}

double Rng::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool Rng::Chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return Unit() < p;
}

size_t Rng::Weighted(std::initializer_list<int> weights) {
  return Weighted(weights.begin(), weights.size());
}

size_t Rng::Weighted(const int* weights, size_t n) {
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) total += weights[i] > 0 ? weights[i] : 0;
  assert(total > 0);
  int64_t r = static_cast<int64_t>(Below(static_cast<uint64_t>(total)));
  for (size_t i = 0; i < n; ++i) {
    if (weights[i] <= 0) continue;
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return n - 1;  // Unreachable: r < total.
}

std::vector<size_t> Rng::Distinct(const int* weights, size_t n, size_t count) {
  std::vector<int> left(weights, weights + n);
  std::vector<size_t> out;
  int64_t total = 0;
  for (int w : left) total += w > 0 ? w : 0;
  while (out.size() < count && total > 0) {
    const size_t i = Weighted(left.data(), n);
    out.push_back(i);
    total -= left[i];
    left[i] = 0;
  }
  return out;
}

std::string Rng::Hex(size_t n) {
  // The digits are drawn as they always were (each Next() gives 16, lowest nibble first), so a
  // seed still makes the same cohort; they are packed two to a byte for the one hex encoder.
  std::string packed((n + 1) / 2, '\0');
  uint64_t bits = 0;
  int left = 0;
  for (size_t i = 0; i < n; ++i) {
    if (left == 0) {
      bits = Next();
      left = 16;
    }
    const auto nibble = static_cast<uint8_t>(bits & 0xf);
    bits >>= 4;
    --left;
    char& b = packed[i / 2];
    b = static_cast<char>(i % 2 == 0 ? nibble << 4 : (static_cast<uint8_t>(b) | nibble));
  }
  std::string out = HexEncode(packed);
  out.resize(n);
  return out;
}

}  // namespace ledger::synth
