#include "participant.h"

#include "pseudonyms.h"

namespace ledger::synth {

const char* ExitReasonName(ExitReason reason) {
  switch (reason) {
    case ExitReason::kWork:
      return "work";
    case ExitReason::kEducation:
      return "education";
    case ExitReason::kOtherBenefit:
      return "other_benefit";
    case ExitReason::kMoved:
      return "moved";
    case ExitReason::kNoContact:
      return "no_contact";
    case ExitReason::kOther:
      return "other";
  }
  return "other";
}

bool Consent::InForceAt(Minute t) const {
  if (refused || t < given_at || t >= withdrawn_effective) return false;
  Minute expires = 0;
  for (const auto& [occurred, expires_at] : expiries) {
    if (occurred <= t) expires = expires_at;
  }
  return t < expires;
}

void Participant::Reset() {
  role = Role::kFree;
  demo = Demography{};
  category = 1;
  exempt = false;
  exemption_ground = 0;
  refused_first = reapplies = false;
  activity = hours = 0;
  form = 0;
  own_housing = false;
  base_grant = 0;
  episodes.clear();
  hu_day = kNoDay;
  has_course = false;
  course_start = course_end = course_second_miss = course_dropout = kNoDay;
  category_day = kNoDay;
  decisions.clear();
  conditions.clear();
  sanctions.clear();
  consents.clear();
  next_condition = 1;
}

size_t Participant::EpisodeAt(Day day) const {
  size_t e = 0;
  while (e + 1 < episodes.size() && episodes[e + 1].start <= day) ++e;
  return e;
}

bool Participant::IsActive(Day day) const {
  const Episode& e = episodes[EpisodeAt(day)];
  return day >= e.start && day < e.exit_day;
}

Day Participant::ActiveEnd(Day day) const { return episodes[EpisodeAt(day)].exit_day; }

std::string Participant::Worker(Rng& rng, const Cohort& cohort) const {
  if (!rng.Chance(0.1)) return primary_id;
  const size_t office = static_cast<size_t>(demo.office);
  const int n = cohort.office_first_worker[office] +
                static_cast<int>(rng.Below(static_cast<uint64_t>(cohort.office_workers[office])));
  return NumberedId("cw", n, cohort.worker_id_width);
}

}  // namespace ledger::synth
