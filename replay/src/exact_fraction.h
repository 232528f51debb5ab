// Exact products of small fractions, for figures that must not depend on floating-point
// rounding (the Kaplan-Meier survival function: a product of (n - d) / n over event times).
// Numerator and denominator are kept as unbounded integers, so comparisons are exact and
// rounding happens once, when a figure is printed.
#ifndef REPLAY_SRC_EXACT_FRACTION_H_
#define REPLAY_SRC_EXACT_FRACTION_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ledger::replay::internal {

// An unsigned integer of any size: little-endian 32-bit limbs, no high zero limbs.
class BigUint {
 public:
  explicit BigUint(uint32_t v = 0);
  void Multiply(uint32_t factor);
  void Add(const BigUint& other);
  // <0, 0, >0 as *this is less than, equal to or greater than `other`.
  int Compare(const BigUint& other) const;

 private:
  std::vector<uint32_t> limbs_;
};

// num / den, both positive integers, starting at 1. REQUIRES: factors below 2^31 (counts of
// people), den factors > 0.
class ExactFraction {
 public:
  void MultiplyBy(uint32_t num, uint32_t den);
  // Whether the fraction is <= p / q (p, q small).
  bool AtMost(uint32_t p, uint32_t q) const;
  // The fraction times `scale` (at most 2^31), rounded half up: scale * num / den in [0, scale]
  // when the fraction is in [0, 1].
  uint32_t Scaled(uint32_t scale) const;

 private:
  BigUint num_{1};
  BigUint den_{1};
};

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_EXACT_FRACTION_H_
