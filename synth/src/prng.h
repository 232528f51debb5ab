// The generator's only source of randomness: xoshiro256** seeded through splitmix64, with our
// own range, Bernoulli and weighted-choice helpers. The std distributions are implementation
// defined, so using them would make the output differ between standard libraries.
//
// Every process of every participant draws from its own stream (StreamKey), so that a change in
// one process does not reshuffle the others and a participant can be simulated again, alone,
// with the same result.
#ifndef LEDGER_SYNTH_PRNG_H_
#define LEDGER_SYNTH_PRNG_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ledger::synth {

// The splitmix64 output function: a bijection on 64 bits with good avalanche.
uint64_t Mix64(uint64_t x);

// A key for the stream `tag` of participant `participant` under `seed`.
uint64_t StreamKey(uint64_t seed, uint64_t participant, uint64_t tag);

class Rng {
 public:
  // Seeds the four words of state from splitmix64(key); never all zero.
  explicit Rng(uint64_t key);

  uint64_t Next();

  // Uniform in [0, n). REQUIRES: n > 0. Lemire's method with rejection: no modulo bias.
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi], both included. REQUIRES: lo <= hi.
  int Range(int lo, int hi);
  // Uniform in [0, 1) with 53 bits.
  double Unit();
  // True with probability p (p <= 0 never, p >= 1 always).
  bool Chance(double p);
  // An index drawn with probability weights[i] / sum(weights). REQUIRES: a positive sum.
  size_t Weighted(std::initializer_list<int> weights);
  size_t Weighted(const int* weights, size_t n);
  // min(count, items with positive weight) distinct indices, each drawn by weight among those
  // not yet drawn, in the order drawn.
  std::vector<size_t> Distinct(const int* weights, size_t n, size_t count);
  // n lowercase hex digits.
  std::string Hex(size_t n);

 private:
  uint64_t s_[4];
};

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_PRNG_H_
