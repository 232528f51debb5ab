// k-anonymity of the persons of a release (docs/evaluator-guide.md, "Quasi-identifiers"): the
// quasi-identifiers sex, age band, municipality and intake period are generalised along written
// hierarchies, the same level for everyone (full-domain generalisation), until every class of
// people sharing all four values has at least k members; people in classes still smaller are
// suppressed (left out of the release), at most a given share of them.
//
// The levels tried are every combination of
//   age band:      0 "18-20" / "21-24"     1 "18-24"
//   municipality:  0 "3005" (kommune)      1 "30xx" (county)    2 "*"
//   intake period: 0 "2008-03" (month)     1 "2008-Q1"          2 "2008-H1"    3 "2008"
// Sex is never generalised: a small sex class is suppressed instead. The chosen combination has
// the fewest generalisation steps among those within the suppression limit, then the fewest
// suppressed people, then the finest intake period (calendar figures stay exact), then the
// finest municipality.
#ifndef RELEASE_SRC_K_ANONYMITY_H_
#define RELEASE_SRC_K_ANONYMITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/status.h"
#include "ledger/time_format.h"

namespace ledger::release {

struct QuasiIdentifiers {
  std::string sex;           // "female", "male", "other"
  int age = 0;               // age at intake
  std::string municipality;  // 4-digit kommunenummer
  CivilDate intake;
};

struct Generalisation {
  int age = 0;
  int municipality = 0;
  int intake = 0;
  int steps() const { return age + municipality + intake; }
};

struct GeneralisedPerson {
  std::string sex;
  std::string age_band;
  std::string municipality;
  std::string intake_period;
  int32_t anchor_month = 0;  // month number of the period's first month
};
GeneralisedPerson Generalise(const QuasiIdentifiers& q, const Generalisation& g);

// Risk figures of the released classes (after suppression): the re-identification risk of a
// person is 1 / the size of their class.
struct RiskFigures {
  uint64_t classes = 0;
  uint64_t smallest_class = 0;
  double max_risk = 0;             // 1 / smallest class
  double mean_risk = 0;            // classes / released people
  double share_at_risk = 0;        // released people whose risk exceeds risk_threshold
  double risk_threshold = 0.1;
};

struct Anonymisation {
  Generalisation level;
  std::vector<bool> suppressed;  // per input person
  uint64_t suppressed_count = 0;
  RiskFigures risk;
};

// FailedPrecondition if no combination keeps suppression within `max_suppressed_permille` of
// the people (the cohort is too small for k).
Result<Anonymisation> Anonymise(const std::vector<QuasiIdentifiers>& people, int k,
                                int max_suppressed_permille);

}  // namespace ledger::release

#endif  // RELEASE_SRC_K_ANONYMITY_H_
