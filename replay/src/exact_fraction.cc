#include "exact_fraction.h"

#include <cassert>

namespace ledger::replay::internal {

BigUint::BigUint(uint32_t v) {
  if (v != 0) limbs_.push_back(v);
}

void BigUint::Multiply(uint32_t factor) {
  uint64_t carry = 0;
  for (uint32_t& limb : limbs_) {
    uint64_t x = uint64_t{limb} * factor + carry;
    limb = static_cast<uint32_t>(x);
    carry = x >> 32;
  }
  if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
  if (factor == 0) limbs_.clear();
}

void BigUint::Add(const BigUint& other) {
  if (other.limbs_.size() > limbs_.size()) limbs_.resize(other.limbs_.size(), 0);
  uint64_t carry = 0;
  for (size_t i = 0; i < limbs_.size(); ++i) {
    uint64_t x = uint64_t{limbs_[i]} + (i < other.limbs_.size() ? other.limbs_[i] : 0) + carry;
    limbs_[i] = static_cast<uint32_t>(x);
    carry = x >> 32;
  }
  if (carry != 0) limbs_.push_back(static_cast<uint32_t>(carry));
}

int BigUint::Compare(const BigUint& other) const {
  if (limbs_.size() != other.limbs_.size()) return limbs_.size() < other.limbs_.size() ? -1 : 1;
  for (size_t i = limbs_.size(); i-- > 0;) {
    if (limbs_[i] != other.limbs_[i]) return limbs_[i] < other.limbs_[i] ? -1 : 1;
  }
  return 0;
}

void ExactFraction::MultiplyBy(uint32_t num, uint32_t den) {
  // Invariant: callers pass counts of people; a zero denominator is a bug.
  assert(den > 0);
  num_.Multiply(num);
  den_.Multiply(den);
}

bool ExactFraction::AtMost(uint32_t p, uint32_t q) const {
  // num / den <= p / q  <=>  num * q <= p * den
  BigUint left = num_, right = den_;
  left.Multiply(q);
  right.Multiply(p);
  return left.Compare(right) <= 0;
}

uint32_t ExactFraction::Scaled(uint32_t scale) const {
  // The largest r in [0, scale] with r * 2 * den <= 2 * scale * num + den, found by bisection:
  // exact round-half-up of scale * num / den without dividing big integers.
  BigUint target = num_;
  target.Multiply(2);
  target.Multiply(scale);
  target.Add(den_);
  uint32_t lo = 0, hi = scale;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo + 1) / 2;
    BigUint probe = den_;
    probe.Multiply(2);
    probe.Multiply(mid);
    if (probe.Compare(target) <= 0) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

}  // namespace ledger::replay::internal
