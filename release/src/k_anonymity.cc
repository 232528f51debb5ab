#include "k_anonymity.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "timeline.h"

namespace ledger::release {
namespace {

constexpr int kAgeLevels = 2, kMunicipalityLevels = 3, kIntakeLevels = 4;

std::string ClassKey(const GeneralisedPerson& p) {
  return p.sex + "|" + p.age_band + "|" + p.municipality + "|" + p.intake_period;
}

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

GeneralisedPerson Generalise(const QuasiIdentifiers& q, const Generalisation& g) {
  GeneralisedPerson p;
  p.sex = q.sex;
  p.age_band = g.age == 0 ? (q.age <= 20 ? "18-20" : "21-24") : "18-24";
  p.municipality = g.municipality == 0   ? q.municipality
                   : g.municipality == 1 ? q.municipality.substr(0, 2) + "xx"
                                         : "*";
  const int y = q.intake.year, m = q.intake.month;
  int first_month = m;
  switch (g.intake) {
    case 0:
      p.intake_period = fmt::format("{:04d}-{:02d}", y, m);
      break;
    case 1:
      first_month = (m - 1) / 3 * 3 + 1;
      p.intake_period = fmt::format("{:04d}-Q{}", y, (m - 1) / 3 + 1);
      break;
    case 2:
      first_month = m <= 6 ? 1 : 7;
      p.intake_period = fmt::format("{:04d}-H{}", y, m <= 6 ? 1 : 2);
      break;
    default:
      first_month = 1;
      p.intake_period = fmt::format("{:04d}", y);
      break;
  }
  p.anchor_month = MonthNumberOf(CivilDate{y, first_month, 1});
  return p;
}

Result<Anonymisation> Anonymise(const std::vector<QuasiIdentifiers>& people, int k,
                                int max_suppressed_permille) {
  const uint64_t limit = people.size() * static_cast<uint64_t>(max_suppressed_permille) / 1000;
  std::optional<Trial> best;
  auto better = [](const Trial& a, const Trial& b) {
    return std::make_tuple(a.level.steps(), a.suppressed, a.level.intake, a.level.municipality,
                           a.level.age) < std::make_tuple(b.level.steps(), b.suppressed,
                                                          b.level.intake, b.level.municipality,
                                                          b.level.age);
  };
  for (int age = 0; age < kAgeLevels; ++age) {
    for (int mun = 0; mun < kMunicipalityLevels; ++mun) {
      for (int intake = 0; intake < kIntakeLevels; ++intake) {
        Trial t = Try(people, Generalisation{age, mun, intake}, k);
        if (t.suppressed > limit) continue;
        if (!best || better(t, *best)) best = std::move(t);
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
