// k-anonymity of the persons of a release (docs/evaluator-guide.md, "Quasi-identifiers"): the
// quasi-identifiers sex, age band, municipality, office and intake period are generalised along
// written hierarchies, the same level for everyone (full-domain generalisation), until every
// class of people sharing all five values has at least k members; people in classes still
// smaller are suppressed (left out of the release), at most a given share of them. Every other
// released value that reveals time, place or office is either a function of these (follow-up is
// counted from the end of the released intake period: ReleasedFollowUpMonths) or generalised
// away (actors become their role), so these classes are the classes of everything published.
//
// The levels tried are every combination of
//   age band:      0 "18-20" / "21-24"     1 "18-24"
//   municipality:  0 "3005" (kommune)      1 "30xx" (county)    2 "*"
//   office:        0 pseudonym             1 suppressed
//   intake period: 0 "2008-03" (month)     1 "2008-Q1"          2 "2008-H1"    3 "2008"
// Sex is never generalised: a small sex class is suppressed instead. The chosen combination has
// the fewest generalisation steps among those within the suppression limit, then the fewest
// suppressed people, then the finest intake period (calendar figures stay exact), then the
// finest municipality, then the office kept.
#ifndef RELEASE_SRC_K_ANONYMITY_H_
#define RELEASE_SRC_K_ANONYMITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/time_format.h"

namespace ledger::release {

struct QuasiIdentifiers {
  std::string sex;           // "female", "male", "other"
  int age = 0;               // age at intake
  std::string municipality;  // 4-digit kommunenummer
  std::string office;        // the office of case.opened, as the ledger holds it
  CivilDate intake;
};

struct Generalisation {
  int age = 0;
  int municipality = 0;
  int office = 0;
  int intake = 0;
  int steps() const { return age + municipality + office + intake; }
};

struct GeneralisedPerson {
  std::string sex;
  std::string age_band;
  std::string municipality;
  std::string office;  // the ledger's office id, or empty when suppressed (level 1)
  std::string intake_period;
  int32_t anchor_month = 0;  // month number of the period's first month
  int32_t last_month = 0;    // month number of the period's last month
};
GeneralisedPerson Generalise(const QuasiIdentifiers& q, const Generalisation& g);
// The class a generalised person belongs to: all five quasi-identifiers.
std::string ClassKey(const GeneralisedPerson& p);

// Re-identification risk over the quasi-identifiers, as ARX reports it for microdata
// (Prasser et al.; El Emam, "Guide to the De-Identification of Personal Health Information"):
// the released records fall into classes of equal quasi-identifiers of sizes f_j in the sample
// (the release) and F_j in the population the adversary matches against (F_j >= f_j).
//  - prosecutor (the adversary knows the person is in the release): a record's risk is 1 / f_j;
//    highest = 1 / min f_j, average = classes / records;
//  - journalist (the adversary matches a person of the population): a record's risk is 1 / F_j;
//    highest = 1 / min F_j, average = max(classes / sum of F_j, marketer), as ARX estimates it;
//  - marketer (the adversary matches everyone and counts the hits): the expected share of
//    records re-identified, (1 / n) * sum over classes of f_j / F_j;
//  - sample uniques: the share of records in a class of one;
//  - records at risk: the share of records whose prosecutor (journalist) risk exceeds
//    `threshold`.
struct ReidentificationRisk {
  uint64_t records = 0;
  uint64_t classes = 0;
  uint64_t smallest_class = 0;
  double prosecutor_max = 0;
  double prosecutor_mean = 0;
  double journalist_max = 0;
  double journalist_mean = 0;
  double marketer = 0;
  double sample_uniques = 0;
  double records_at_risk = 0;
  double journalist_records_at_risk = 0;
  double threshold = 0.1;
};
// `released`: one class key per released record; `population`: one per person of the population
// (the released records must be among them; a key missing from the population counts as its
// sample size). An empty release has every figure 0.
ReidentificationRisk MeasureRisk(const std::vector<std::string>& released,
                                 const std::vector<std::string>& population, double threshold);

// Risk figures of the released classes (after suppression): the re-identification risk of a
// person is 1 / the size of their class.
struct RiskFigures {
  uint64_t classes = 0;
  uint64_t smallest_class = 0;
  double max_risk = 0;       // 1 / smallest class
  double mean_risk = 0;      // classes / released people
  double share_at_risk = 0;  // released people whose risk exceeds risk_threshold
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
