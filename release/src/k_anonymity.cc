#include "k_anonymity.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "timeline.h"

namespace ledger::release {
namespace {

constexpr int kAgeLevels = 2, kMunicipalityLevels = 3, kOfficeLevels = 2, kIntakeLevels = 4;

struct Trial {
  Generalisation level;
  std::map<std::string, uint64_t> sizes;
  uint64_t suppressed = 0;
};

Trial Try(const std::vector<QuasiIdentifiers>& people, const Generalisation& g, int k) {
  Trial t{g, {}, 0};
  for (const QuasiIdentifiers& q : people) ++t.sizes[ClassKey(Generalise(q, g))];
  for (const auto& [key, n] : t.sizes) {
    if (n < static_cast<uint64_t>(k)) t.suppressed += n;
  }
  return t;
}

}  // namespace

std::string ClassKey(const GeneralisedPerson& p) {
  return p.sex + "|" + p.age_band + "|" + p.municipality + "|" + p.office + "|" + p.intake_period;
}

GeneralisedPerson Generalise(const QuasiIdentifiers& q, const Generalisation& g) {
  GeneralisedPerson p;
  p.sex = q.sex;
  p.age_band = g.age == 0 ? (q.age <= 20 ? "18-20" : "21-24") : "18-24";
  p.municipality = g.municipality == 0   ? q.municipality
                   : g.municipality == 1 ? q.municipality.substr(0, 2) + "xx"
                                         : "*";
  p.office = g.office == 0 ? q.office : "";
  const int y = q.intake.year, m = q.intake.month;
  int first_month = m, last_month = m;
  switch (g.intake) {
    case 0:
      p.intake_period = fmt::format("{:04d}-{:02d}", y, m);
      break;
    case 1:
      first_month = (m - 1) / 3 * 3 + 1;
      last_month = first_month + 2;
      p.intake_period = fmt::format("{:04d}-Q{}", y, (m - 1) / 3 + 1);
      break;
    case 2:
      first_month = m <= 6 ? 1 : 7;
      last_month = first_month + 5;
      p.intake_period = fmt::format("{:04d}-H{}", y, m <= 6 ? 1 : 2);
      break;
    default:
      first_month = 1;
      last_month = 12;
      p.intake_period = fmt::format("{:04d}", y);
      break;
  }
  p.anchor_month = MonthNumberOf(CivilDate{y, first_month, 1});
  p.last_month = MonthNumberOf(CivilDate{y, last_month, 1});
  return p;
}

ReidentificationRisk MeasureRisk(const std::vector<std::string>& released,
                                 const std::vector<std::string>& population, double threshold) {
  ReidentificationRisk r;
  r.threshold = threshold;
  r.records = released.size();
  if (released.empty()) return r;
  std::map<std::string_view, uint64_t> sample, whole;
  for (const std::string& key : released) ++sample[key];
  for (const std::string& key : population) ++whole[key];
  double population_records = 0, share_sum = 0;
  uint64_t smallest_population = 0, uniques = 0, at_risk = 0, journalist_at_risk = 0;
  for (const auto& [key, f] : sample) {
    auto it = whole.find(key);
    const uint64_t big_f = std::max(f, it == whole.end() ? 0 : it->second);
    ++r.classes;
    if (r.smallest_class == 0 || f < r.smallest_class) r.smallest_class = f;
    if (smallest_population == 0 || big_f < smallest_population) smallest_population = big_f;
    population_records += static_cast<double>(big_f);
    share_sum += static_cast<double>(f) / static_cast<double>(big_f);
    if (f == 1) uniques += 1;
    if (1.0 / static_cast<double>(f) > threshold) at_risk += f;
    if (1.0 / static_cast<double>(big_f) > threshold) journalist_at_risk += f;
  }
  const auto n = static_cast<double>(r.records);
  const auto classes = static_cast<double>(r.classes);
  r.prosecutor_max = 1.0 / static_cast<double>(r.smallest_class);
  r.prosecutor_mean = classes / n;
  r.journalist_max = 1.0 / static_cast<double>(smallest_population);
  r.journalist_mean = std::max(classes / population_records, share_sum / n);
  r.marketer = share_sum / n;
  r.sample_uniques = static_cast<double>(uniques) / n;
  r.records_at_risk = static_cast<double>(at_risk) / n;
  r.journalist_records_at_risk = static_cast<double>(journalist_at_risk) / n;
  return r;
}

Result<Anonymisation> Anonymise(const std::vector<QuasiIdentifiers>& people, int k,
                                int max_suppressed_permille) {
  const uint64_t limit = people.size() * static_cast<uint64_t>(max_suppressed_permille) / 1000;
  std::optional<Trial> best;
  auto better = [](const Trial& a, const Trial& b) {
    return std::make_tuple(a.level.steps(), a.suppressed, a.level.intake, a.level.municipality,
                           a.level.office, a.level.age) <
           std::make_tuple(b.level.steps(), b.suppressed, b.level.intake, b.level.municipality,
                           b.level.office, b.level.age);
  };
  for (int age = 0; age < kAgeLevels; ++age) {
    for (int mun = 0; mun < kMunicipalityLevels; ++mun) {
      for (int office = 0; office < kOfficeLevels; ++office) {
        for (int intake = 0; intake < kIntakeLevels; ++intake) {
          Trial t = Try(people, Generalisation{age, mun, office, intake}, k);
          if (t.suppressed > limit) continue;
          if (!best || better(t, *best)) best = std::move(t);
        }
      }
    }
  }
  if (!best) {
    return Status::FailedPrecondition(fmt::format(
        "no generalisation of the quasi-identifiers gives classes of at least k = {} people "
        "without suppressing more than {} of {} people (--max-suppressed {}‰): the cohort is too "
        "small for k",
        k, limit, people.size(), max_suppressed_permille));
  }
  Anonymisation out;
  out.level = best->level;
  out.suppressed.resize(people.size());
  uint64_t released = 0;
  for (size_t i = 0; i < people.size(); ++i) {
    const uint64_t n = best->sizes.at(ClassKey(Generalise(people[i], best->level)));
    out.suppressed[i] = n < static_cast<uint64_t>(k);
    out.suppressed_count += out.suppressed[i];
    if (out.suppressed[i]) continue;
    ++released;
    if (1.0 / static_cast<double>(n) > out.risk.risk_threshold) out.risk.share_at_risk += 1;
  }
  for (const auto& [key, n] : best->sizes) {
    if (n < static_cast<uint64_t>(k)) continue;
    ++out.risk.classes;
    if (out.risk.smallest_class == 0 || n < out.risk.smallest_class) out.risk.smallest_class = n;
  }
  if (released > 0) {
    out.risk.share_at_risk /= static_cast<double>(released);
    out.risk.mean_risk = static_cast<double>(out.risk.classes) / static_cast<double>(released);
    out.risk.max_risk = 1.0 / static_cast<double>(out.risk.smallest_class);
  }
  return out;
}

}  // namespace ledger::release
