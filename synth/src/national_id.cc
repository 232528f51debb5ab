#include "national_id.h"

#include <cassert>

namespace ledger::synth {

int IndividualNumberSlots(int birth_year) {
  assert(birth_year >= 1940 && birth_year <= 2039);
  return birth_year < 2000 ? 600 : 500;
}

int IndividualNumberAt(int birth_year, int slot) {
  assert(slot >= 0 && slot < IndividualNumberSlots(birth_year));
  if (birth_year >= 2000) return 500 + slot;
  return slot < 500 ? slot : slot + 400;  // 500..599 -> 900..999
}

std::optional<std::string> SyntheticNationalId(Day birth_date, int individual_number) {
  const CivilDate c = CivilFromDay(birth_date);
  assert(c.year >= 1940 && c.year <= 2039);
  assert(c.year >= 2000 ? individual_number >= 500
                        : individual_number < 500 || individual_number >= 900);
  const int month = c.month + 80;  // The synthetic marker.
  const int yy = c.year % 100;
  int d[11] = {c.day / 10,
               c.day % 10,
               month / 10,
               month % 10,
               yy / 10,
               yy % 10,
               individual_number / 100,
               individual_number / 10 % 10,
               individual_number % 10,
               0,
               0};
  static constexpr int kWeights1[9] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr int kWeights2[10] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += kWeights1[i] * d[i];
  int k1 = 11 - sum % 11;
  if (k1 == 11) k1 = 0;
  if (k1 == 10) return std::nullopt;
  d[9] = k1;
  sum = 0;
  for (int i = 0; i < 10; ++i) sum += kWeights2[i] * d[i];
  int k2 = 11 - sum % 11;
  if (k2 == 11) k2 = 0;
  if (k2 == 10) return std::nullopt;
  d[10] = k2;
  std::string out(11, '0');
  for (int i = 0; i < 11; ++i) out[static_cast<size_t>(i)] = static_cast<char>('0' + d[i]);
  return out;
}

}  // namespace ledger::synth
