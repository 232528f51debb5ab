// The state of one participant's simulated life course, filled process by process (see
// simulate.cc for the order). Processes communicate only through this struct: each reads what
// earlier processes decided and adds its own facts for later ones.
//
// Time rules every process keeps (they make the output satisfy the catalogue's refusal rules):
//  - Everything but case.opened is strictly later than case.opened.
//  - Case work of an episode (decisions, course, agreements, breaches, consent, disclosures)
//    lies strictly before the episode's exit day (a consent may also be renewed in after-care,
//    while the case is still open); on the exit day only the closing steps run,
//    in a fixed order of hours (course end 09, agreement evaluation and close 10, after-care
//    phase 11, case.closed from 12). Between case.closed and case.reopened only status.observed
//    and income.recorded are written.
//  - An event that refers to an id is at least one minute after the event that introduced it.
#ifndef LEDGER_SYNTH_PARTICIPANT_H_
#define LEDGER_SYNTH_PARTICIPANT_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "calendar.h"
#include "cohort.h"
#include "demography.h"
#include "office_hours.h"
#include "prng.h"

namespace ledger::synth {

constexpr Day kNoDay = std::numeric_limits<Day>::max() / 2;
constexpr Minute kNever = std::numeric_limits<Minute>::max() / 4;

enum class ExitReason : uint8_t { kWork, kEducation, kOtherBenefit, kMoved, kNoContact, kOther };
const char* ExitReasonName(ExitReason reason);

// One spell of the case: from case.opened (or case.reopened) to case.closed.
struct Episode {
  Minute open_at = 0;
  Day start = 0;
  Day exit_day = kNoDay;  // first day off assistance; kNoDay: still on it at the window end
  ExitReason reason = ExitReason::kOther;
  bool after_care = false;   // exits to work or education may be followed for a while
  Minute close_at = kNever;  // kNever: still open at the window end
  Day follow_up = kNoDay;    // first day of the follow-up phase, set by the programme
};

struct Decision {
  std::string id;
  Minute at = 0;
  Day from = 0, to = 0;
  bool paid = false;  // granted or partly
  bool partly = false;
  int form = 0;  // 0 grant, 1 loan, 2 both
  size_t episode = 0;
};

struct Condition {
  std::string id;
  size_t decision = 0;  // index into decisions
  Minute at = 0;
  Day start = 0, end = 0;
};

struct Sanction {
  Day from = 0, to = 0;
  int pct = 0;  // one of pct and nok is non-zero
  int nok = 0;
  Day lifted = kNoDay;
};

// Bit sets of the consent vocabulary.
enum Recipient : uint32_t {
  kNav = 1,
  kReferralCommittee = 2,
  kSchool = 4,
  kHealth = 8,
  kChildWelfare = 16,
  kEmployer = 32,
  kEvaluator = 64,
};
enum Category : uint32_t {
  kIdentity = 1,
  kEconomy = 2,
  kHealthData = 4,
  kEducation = 8,
  kCaseNotes = 16
};
enum Purpose : uint32_t { kCaseCoordination = 1, kReferral = 2, kEvaluation = 4, kStatistics = 8 };

struct Consent {
  std::string id;
  Minute given_at = 0;
  bool refused = false;
  uint32_t recipients = 0, categories = 0, purposes = 0;
  // (occurred_at, expires_at) of consent.given and each consent.renewed, in time order.
  std::vector<std::pair<Minute, Minute>> expiries;
  Minute withdrawn_effective = kNever;
  size_t episode = 0;

  // In force at t, as the compliance projection defines it.
  bool InForceAt(Minute t) const;
};

struct Participant {
  uint32_t index = 0;
  Role role = Role::kFree;  // the scenario's outcome role (scenario_plan.h); kFree by default
  std::string subject;
  Demography demo;
  std::string primary_id;    // "cw-NNN" of the primary contact
  std::string reception_id;  // "cw-NNN" of the youth reception worker

  // Latent traits, drawn by the plan.
  int category = 1;     // 1..4, made explicit by category.assigned after the course
  bool exempt = false;  // exempted from activity conditions
  int exemption_ground = 0;
  bool refused_first = false;  // the first application is refused
  bool reapplies = false;      // ... and a new one is granted
  int activity = 0;            // the follow-up activity kind (condition.set), by category
  int hours = 0;
  int form = 0;  // the usual form of assistance: 0 grant, 1 loan, 2 both
  bool own_housing = false;
  int base_grant = 0;
  std::vector<Episode> episodes;

  // Programme facts.
  Day hu_day = kNoDay;  // the referral committee meeting
  bool has_course = false;
  Day course_start = kNoDay, course_end = kNoDay;  // first and last session attended or held
  Day course_second_miss = kNoDay;                 // the day of the second missed session
  Day course_dropout = kNoDay;                     // the day the course was discontinued
  Day category_day = kNoDay;

  std::vector<Decision> decisions;
  std::vector<Condition> conditions;
  std::vector<Sanction> sanctions;
  std::vector<Consent> consents;
  int next_condition = 1;

  // Clears everything for the next participant, keeping the vectors' capacity.
  void Reset();

  // The episode whose span [start, next episode's start) holds day.
  size_t EpisodeAt(Day day) const;
  // Case work may happen on day: an episode is open and its exit day is later.
  bool IsActive(Day day) const;
  // The first day on which case work must stop for the episode holding day.
  Day ActiveEnd(Day day) const;

  // The acting staff member: the primary contact, or now and then a colleague in the office.
  std::string Worker(Rng& rng, const Cohort& cohort) const;
};

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_PARTICIPANT_H_
