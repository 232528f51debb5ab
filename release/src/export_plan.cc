#include "export_plan.h"

#include <algorithm>
#include <utility>

#include "replay/report_time.h"

namespace ledger::release::internal {
namespace {

// The observation of one kind that a released day keeps: the latest as_of, then for statuses
// the highest-ranked (lowest enum), for incomes the later event (as the projection resolves a
// day).
struct Winner {
  int64_t as_of = 0;
  int64_t rank = 0;  // statuses: -enum; incomes: occurred_at
  uint64_t seq = 0;
  bool Beats(const Winner& other) const {
    if (as_of != other.as_of) return as_of > other.as_of;
    if (rank != other.rank) return rank > other.rank;
    return seq > other.seq;
  }
};

// One released person. Follow-up is counted from the last intake month the released period
// allows (`last_intake_month` at most): the same for everyone in the period, so it tells no
// more than the period does.
Released ReleasedPersonOf(const Candidate& c, const GeneralisedPerson& g, bool office_kept,
                          const ExportParams& params, const Pseudonymizer& names,
                          int32_t last_intake_month) {
  const int followed =
      ReleasedFollowUpMonths(std::min(g.last_month, last_intake_month), params.as_of);
  const CivilDate end = ReleasedFollowUpEnd(c.qi.intake, followed);
  PersonTimeline timeline(c.qi.intake, g.anchor_month, params.as_of, params.horizons,
                          params.time_unit_days);
  ReleasePerson p{names.Person(c.subject), g.sex,          g.age_band, g.municipality,
                  g.intake_period,         g.anchor_month, followed,   followed};
  Released r{p, std::move(timeline), 0, true, 0, 0, {}, end};
  r.office_kept = office_kept;
  r.end_day = DaysFromCivil(end);
  r.end_month = MonthNumberOf(end);
  const CivilDate synthetic = SyntheticIntake(g.anchor_month);
  for (int h : params.horizons) {
    r.horizon_days.push_back(static_cast<int32_t>(DaysFromCivil(replay::AddMonths(synthetic, h)) -
                                                  DaysFromCivil(synthetic)));
  }
  return r;
}

// The observation each released day keeps, among those within the follow-up.
void KeepObservations(const Candidate& c, const Released& r, std::set<uint64_t>* kept) {
  std::map<std::pair<int, int32_t>, Winner> winners;  // (kind, released day)
  for (const Observation& o : c.observations) {
    if (o.occurred_day > r.end_day) continue;
    Winner w{o.as_of_day, o.rank, o.seq};
    auto [slot, inserted] =
        winners.emplace(std::make_pair(o.status ? 0 : 1, r.timeline.Day(o.as_of_day)), w);
    if (!inserted && w.Beats(slot->second)) slot->second = w;
  }
  for (const auto& [key, w] : winners) kept->insert(w.seq);
}

}  // namespace

ReleasePlan PlanRelease(const std::vector<const Candidate*>& eligible, const Anonymisation& anon,
                        const ExportParams& params, const Pseudonymizer& names) {
  ReleasePlan plan;
  const int32_t last_intake_month =
      std::min(MonthNumberOf(params.intake_to), MonthNumberOf(params.as_of));
  for (size_t i = 0; i < eligible.size(); ++i) {
    if (anon.suppressed[i]) continue;
    const Candidate& c = *eligible[i];
    const GeneralisedPerson g = Generalise(c.qi, anon.level);
    Released r = ReleasedPersonOf(c, g, anon.level.office == 0, params, names, last_intake_month);
    KeepObservations(c, r, &plan.kept_observations);
    plan.persons.push_back(r.person);
    plan.released_subjects.insert(c.subject);
    plan.ends.emplace(c.subject, ReleasedEnd{r.end_day, r.end_month});
    plan.ledger_ends.emplace(c.subject, r.end_date);
    plan.released.emplace(c.subject, std::move(r));
  }
  std::sort(plan.persons.begin(), plan.persons.end(),
            [](const ReleasePerson& a, const ReleasePerson& b) { return a.person < b.person; });
  return plan;
}

QiRisk MeasureQiRisk(const std::vector<const Candidate*>& eligible, const Cohort& cohort,
                     const Anonymisation& anon) {
  std::vector<std::string> before, after, population_before, population_after;
  for (size_t i = 0; i < eligible.size(); ++i) {
    before.push_back(ClassKey(Generalise(eligible[i]->qi, Generalisation{})));
    if (!anon.suppressed[i]) after.push_back(ClassKey(Generalise(eligible[i]->qi, anon.level)));
  }
  for (const auto& [subject, c] : cohort) {
    population_before.push_back(ClassKey(Generalise(c.qi, Generalisation{})));
    population_after.push_back(ClassKey(Generalise(c.qi, anon.level)));
  }
  return QiRisk{MeasureRisk(before, population_before, anon.risk.risk_threshold),
                MeasureRisk(after, population_after, anon.risk.risk_threshold)};
}

}  // namespace ledger::release::internal
