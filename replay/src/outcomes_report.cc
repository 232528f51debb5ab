// The outcomes report: the indicators of indicators.md O1-O13 computed from the projection's
// state for one report date, per person first, then summed per group.
#include <algorithm>
#include <set>

#include "enum_names.h"
#include "event_fields.h"
#include "kaplan_meier.h"
#include "outcomes_state.h"

namespace ledger::replay {
namespace {

using internal::MonthNumber;
using internal::MonthNumberOfDay;

constexpr int32_t kStatusWindowDays = 31;
constexpr int32_t kIncomeWindowDays = 62;
constexpr uint8_t kSocialAssistance = static_cast<uint8_t>(schema::IncomeSource::SOCIAL_ASSISTANCE);
constexpr std::string_view kUnknown = "unknown";

bool Paid(const OutcomeCaseState& c, int32_t month) {
  auto it = std::lower_bound(c.months.begin(), c.months.end(), month,
                             [](const OutcomeMonth& m, int32_t v) { return m.month < v; });
  return it != c.months.end() && it->month == month && it->grant_nok + it->loan_nok > 0;
}

// The last element of `list` (ascending in `day`) with day in [from, to], or null.
template <typename T>
const T* LastIn(const std::vector<T>& list, int32_t from, int32_t to) {
  auto it = std::upper_bound(list.begin(), list.end(), to,
                             [](int32_t v, const T& x) { return v < x.day; });
  if (it == list.begin() || (it - 1)->day < from) return nullptr;
  return &*(it - 1);
}

// indicators.md "Status at date t" and "Main income at date t": -1 for unknown.
int StatusAt(const OutcomeCaseState& c, int32_t t) {
  const OutcomeStatus* s = LastIn(c.statuses, t - kStatusWindowDays, t);
  return s ? s->status : -1;
}
int IncomeAt(const OutcomeCaseState& c, int32_t t) {
  const OutcomeIncome* i = LastIn(c.incomes, t - kIncomeWindowDays, t);
  return i ? i->source : -1;
}

// The category a person entered follow-up with: the assignment with the earliest valid_from
// on or before `until` (ties: the later event). "none" if none.
std::string FirstCategory(const OutcomeCaseState& c, int32_t until) {
  const CategoryAssignment* best = nullptr;
  for (const CategoryAssignment& k : c.categories) {
    if (k.valid_from > until) continue;
    if (best == nullptr || k.valid_from < best->valid_from ||
        (k.valid_from == best->valid_from && k.key > best->key)) {
      best = &k;
    }
  }
  return best ? std::to_string(best->category) : std::string("none");
}

bool IsWorkOrEducation(int status) {
  using S = schema::ObservedStatus;
  return status == static_cast<int>(S::WORK_FULL) || status == static_cast<int>(S::WORK_PART) ||
         status == static_cast<int>(S::EDUCATION);
}
bool IsActivity(int status) {
  using S = schema::ObservedStatus;
  return IsWorkOrEducation(status) || status == static_cast<int>(S::QUALIFICATION_PROGRAMME) ||
         status == static_cast<int>(S::MEASURE);
}

// One cohort member, as the report date sees them.
struct Person {
  std::string_view subject;
  const OutcomeCaseState* c = nullptr;
  std::map<std::string, std::string> groups;  // dimension -> value
  int32_t t0 = 0;                             // intake date
  int32_t follow_up_end = 0;                  // the report date, or the shredding date if earlier
};

// Sums of one group, turned into an OutcomeGroup at the end.
struct GroupSums {
  OutcomeGroup out;
  std::vector<internal::SurvivalTime> times;
  std::map<int, YearOutcome> years;
};

// Where one person stands at t0 + h (O2-O7), or nothing if not followed for h.
struct HorizonPoint {
  int status = -1;  // -1: unknown
  bool paid = false;
  int income = -1;  // -1: unknown
};
std::optional<HorizonPoint> PointAt(const Person& p, int months) {
  const OutcomeCaseState& c = *p.c;
  const int32_t t = static_cast<int32_t>(DaysFromCivil(AddMonths(CivilFromDays(p.t0), months)));
  if (t > p.follow_up_end) return std::nullopt;  // not followed for h
  const int32_t month = MonthNumberOfDay(t);
  return HorizonPoint{StatusAt(c, t), Paid(c, month) || Paid(c, month - 1), IncomeAt(c, t)};
}

std::string StatusName(int status) {
  return status < 0 ? std::string(kUnknown)
                    : std::string(internal::ObservedStatusNameAt(static_cast<unsigned>(status)));
}

void AddHorizons(const Person& p, const std::vector<int>& horizons, OutcomeGroup& g) {
  for (size_t i = 0; i < horizons.size(); ++i) {
    const std::optional<HorizonPoint> point = PointAt(p, horizons[i]);
    if (!point) continue;
    HorizonOutcome& h = g.horizons[i];
    ++h.followed;
    ++h.status[StatusName(point->status)];
    h.work_or_education += IsWorkOrEducation(point->status);
    h.any_activity += IsActivity(point->status);
    h.off_assistance += !point->paid;
    h.assistance_main_income += point->income == kSocialAssistance;
    h.supplementary_only += point->paid && point->income >= 0 && point->income != kSocialAssistance;
  }
}

// O8 and O9.
void AddTimeToExit(const Person& p, GroupSums& g) {
  const OutcomeCaseState& c = *p.c;
  const int32_t intake_month = MonthNumberOfDay(p.t0);
  const int32_t end_month = MonthNumberOfDay(p.follow_up_end);
  for (int32_t m = intake_month + 1; m + 2 <= end_month; ++m) {
    if (Paid(c, m) || Paid(c, m + 1) || Paid(c, m + 2)) continue;
    g.times.push_back({m - intake_month, true});
    ++g.out.exited;
    for (int32_t k = m + 3; k <= m + 14; ++k) {
      if (Paid(c, k)) {
        ++g.out.reentered;
        break;
      }
    }
    return;
  }
  g.times.push_back({std::max(0, end_month - 2 - intake_month), false});
}

// O10-O12.
void AddYears(const Person& p, GroupSums& g) {
  const OutcomeCaseState& c = *p.c;
  std::map<int, uint64_t> paid_months;
  for (const OutcomeMonth& m : c.months) {
    const int year = internal::FirstDayOfMonthNumber(m.month).year;
    YearOutcome& y = g.years[year];
    y.year = year;
    y.grant_nok += m.grant_nok;
    y.loan_nok += m.loan_nok;
    y.payments += m.payments;
    if (m.grant_nok + m.loan_nok > 0) ++paid_months[year];
  }
  for (const auto& [year, n] : paid_months) {
    YearOutcome& y = g.years[year];
    ++y.recipients;
    y.paid_months += n;
    if (n < 6) continue;
    const int32_t first = static_cast<int32_t>(DaysFromCivil(CivilDate{year, 1, 1}));
    const int32_t last = static_cast<int32_t>(DaysFromCivil(CivilDate{year, 12, 31}));
    const OutcomeIncome* income = LastIn(c.incomes, first, last);
    if (income != nullptr && income->source == kSocialAssistance) ++y.long_term_assistance;
  }
}

// A condition.set whose days meet [first, last].
bool ActivityIn(const OutcomeCaseState& c, int32_t first, int32_t last) {
  return std::any_of(c.conditions.begin(), c.conditions.end(),
                     [&](const OutcomeCondition& k) { return k.start <= last && k.end >= first; });
}

void AddStock(const Person& p, int32_t baseline, int32_t month, OutcomeGroup& g) {
  const bool at_baseline = Paid(*p.c, baseline), at_month = Paid(*p.c, month);
  g.stock->baseline_recipients += at_baseline;
  g.stock->recipients += at_month;
  g.stock->both += at_baseline && at_month;
  if (!at_month) return;
  const int32_t first = static_cast<int32_t>(DaysFromCivil(internal::FirstDayOfMonthNumber(month)));
  const int32_t last =
      static_cast<int32_t>(DaysFromCivil(internal::FirstDayOfMonthNumber(month + 1))) - 1;
  const int income = IncomeAt(*p.c, last);
  g.stock->supplementary += income >= 0 && income != kSocialAssistance;
  g.stock->passive += !ActivityIn(*p.c, first, last);
}

std::string AgeBand(uint8_t age) { return age <= 20 ? "18-20" : "21-24"; }

constexpr std::string_view kDimensions[] = {"sex", "age_band", "category", "municipality"};

// The cohort C(W) as the report date sees it, in subject order so that every sum is made in one
// order.
std::vector<Person> CohortPeople(const OutcomesProjection::State& state, const ReportTime& at,
                                 const OutcomesOptions& options,
                                 const OutcomesProjection::FollowUpEnds* follow_up_ends) {
  auto parsed_zone = ReportZone::Parse(at.zone);
  const ReportZone zone = parsed_zone.ok() ? *parsed_zone : ReportZone::Utc();
  const int32_t report_day = static_cast<int32_t>(DaysFromCivil(at.date));
  const std::optional<int32_t> from =
      options.intake_from ? std::optional<int32_t>(DaysFromCivil(*options.intake_from))
                          : std::nullopt;
  const std::optional<int32_t> to =
      options.intake_to ? std::optional<int32_t>(DaysFromCivil(*options.intake_to)) : std::nullopt;

  std::vector<Person> people;
  for (const auto& [subject, c] : state.cases) {
    if (!c.opened || c.age < 18 || c.age > 24) continue;
    if ((from && c.intake < *from) || (to && c.intake > *to)) continue;
    Person p;
    p.subject = subject;
    p.c = &c;
    p.t0 = c.intake;
    p.follow_up_end = report_day;
    if (follow_up_ends != nullptr) {
      auto end = follow_up_ends->find(subject);
      if (end != follow_up_ends->end()) {
        p.follow_up_end = static_cast<int32_t>(DaysFromCivil(end->second));
      }
    }
    if (c.shredded_at_us) {
      p.follow_up_end = std::min(
          p.follow_up_end, static_cast<int32_t>(DaysFromCivil(zone.DateAt(*c.shredded_at_us))));
    }
    p.groups["sex"] = std::string(internal::SexNameAt(c.sex));
    p.groups["age_band"] = AgeBand(c.age);
    p.groups["category"] = FirstCategory(c, p.follow_up_end);
    p.groups["municipality"] = c.municipality;
    people.push_back(std::move(p));
  }
  std::sort(people.begin(), people.end(),
            [](const Person& x, const Person& y) { return x.subject < y.subject; });
  return people;
}

}  // namespace

std::vector<PersonOutcome> OutcomesProjection::Persons(const ReportTime& at,
                                                       const OutcomesOptions& options,
                                                       const FollowUpEnds* follow_up_ends) const {
  std::vector<PersonOutcome> out;
  for (const Person& p : CohortPeople(*state_, at, options, follow_up_ends)) {
    PersonOutcome person;
    person.subject = std::string(p.subject);
    for (int months : options.horizons) {
      PersonHorizon h;
      h.months = months;
      if (std::optional<HorizonPoint> point = PointAt(p, months)) {
        h.followed = true;
        h.status = StatusName(point->status);
        h.paid = point->paid;
        h.main_income =
            point->income < 0
                ? std::string(kUnknown)
                : std::string(internal::IncomeSourceNameAt(static_cast<unsigned>(point->income)));
      }
      person.horizons.push_back(std::move(h));
    }
    out.push_back(std::move(person));
  }
  return out;
}

OutcomesReport OutcomesProjection::Report(const ReportTime& at, const LogPoint& log,
                                          const OutcomesOptions& options,
                                          const FollowUpEnds* follow_up_ends) const {
  OutcomesReport report;
  report.at = at;
  report.log = log;
  report.projection_version = kVersion;
  report.options = options;
  const std::vector<Person> people = CohortPeople(*state_, at, options, follow_up_ends);

  std::optional<int32_t> stock_baseline, stock_month;
  if (options.stock_baseline) {
    stock_baseline = MonthNumber(*options.stock_baseline);
    stock_month = MonthNumber(options.stock_month.value_or(at.date));
  }

  const std::string grouping(OutcomeGroupingName(options.grouping));
  std::map<std::string, GroupSums> groups;  // "" is the whole cohort
  auto fresh_group = [&](const std::string& dimension, const std::string& value) {
    GroupSums g;
    g.out.dimension = dimension;
    g.out.value = value;
    g.out.horizons.resize(options.horizons.size());
    for (size_t i = 0; i < options.horizons.size(); ++i) {
      HorizonOutcome& h = g.out.horizons[i];
      h.months = options.horizons[i];
      for (unsigned s = 0; s < internal::kObservedStatusCount; ++s) {
        h.status[std::string(internal::ObservedStatusNameAt(s))] = 0;
      }
      h.status[std::string(kUnknown)] = 0;
    }
    if (stock_baseline) {
      g.out.stock = StockOutcome{internal::FirstDayOfMonthNumber(*stock_baseline),
                                 internal::FirstDayOfMonthNumber(*stock_month)};
    }
    return g;
  };
  groups.emplace("", fresh_group("all", "all"));

  for (const Person& p : people) {
    for (std::string_view dim : kDimensions) {
      ++report.cohort_by[std::string(dim)][p.groups.at(std::string(dim))];
    }
    std::vector<GroupSums*> mine = {&groups.at("")};
    if (options.grouping != OutcomeGrouping::kNone) {
      const std::string& value = p.groups.at(grouping);
      auto it = groups.find(value);
      if (it == groups.end()) it = groups.emplace(value, fresh_group(grouping, value)).first;
      mine.push_back(&it->second);
    }
    for (GroupSums* g : mine) {
      ++g->out.cohort;
      AddHorizons(p, options.horizons, g->out);
      AddTimeToExit(p, *g);
      AddYears(p, *g);
      if (stock_baseline) AddStock(p, *stock_baseline, *stock_month, g->out);
    }
  }

  // Every group lists the years of the whole cohort, so that their tables line up.
  std::set<int> years;
  for (const auto& [year, y] : groups.at("").years) years.insert(year);
  for (auto& [key, g] : groups) {
    g.out.survival = internal::KaplanMeier(g.times);
    for (int year : years) {
      YearOutcome y = g.years.count(year) ? g.years.at(year) : YearOutcome{};
      y.year = year;
      g.out.years.push_back(y);
    }
    report.groups.push_back(std::move(g.out));
  }
  return report;
}

}  // namespace ledger::replay
