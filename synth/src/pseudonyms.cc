#include "pseudonyms.h"

#include <cassert>
#include <cstdio>

#include "prng.h"

namespace ledger::synth {

std::string SubjectRef(uint64_t seed, uint64_t participant) {
  constexpr uint64_t kMask = (uint64_t{1} << 50) - 1;
  assert(participant <= kMask);
  const uint64_t k0 = Mix64(seed ^ 0x5eed5ab1ec7ULL), k1 = Mix64(k0);
  // Each step is a bijection on 50 bits: xor with a key, multiplication by an odd constant,
  // xor with a right shift of itself, addition of a key.
  uint64_t x = (participant ^ k0) & kMask;
  x = (x * 0x9e3779b97f4a7c15ULL) & kMask;
  x ^= x >> 23;
  x = (x + k1) & kMask;
  x = (x * 0xbf58476d1ce4e5b9ULL) & kMask;
  x ^= x >> 27;
  x = (x * 0x94d049bb133111ebULL) & kMask;
  x ^= x >> 25;
  static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out(11, 'y');
  for (int i = 10; i >= 1; --i) {
    out[static_cast<size_t>(i)] = kBase32[x & 31];
    x >>= 5;
  }
  return out;
}

std::string FormatUuid(uint64_t hi, uint64_t lo) {
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t{0xc} << 60)) | (uint64_t{0x8} << 60);  // variant 10xx
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string NumberedId(const char* prefix, int n, int width) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%0*d", prefix, width, n);
  return buf;
}

}  // namespace ledger::synth
