// What an outcomes report may be asked: groupings, horizons, and their checks.
#include <string>

#include "replay/outcomes.h"

namespace ledger::replay {
namespace {

constexpr int kMaxHorizon = 240;
constexpr size_t kMaxHorizons = 12;

}  // namespace

Result<OutcomeGrouping> ParseOutcomeGrouping(std::string_view name) {
  if (name == "none") return OutcomeGrouping::kNone;
  if (name == "sex") return OutcomeGrouping::kSex;
  if (name == "age_band") return OutcomeGrouping::kAgeBand;
  if (name == "category") return OutcomeGrouping::kCategory;
  if (name == "municipality") return OutcomeGrouping::kMunicipality;
  return Status::InvalidArgument("unknown grouping \"" + std::string(name) +
                                 "\": expected sex, age_band, category, municipality or none");
}

std::string_view OutcomeGroupingName(OutcomeGrouping grouping) {
  switch (grouping) {
    case OutcomeGrouping::kNone:
      return "none";
    case OutcomeGrouping::kSex:
      return "sex";
    case OutcomeGrouping::kAgeBand:
      return "age_band";
    case OutcomeGrouping::kCategory:
      return "category";
    case OutcomeGrouping::kMunicipality:
      return "municipality";
  }
  return "none";
}

Result<std::vector<int>> ParseHorizons(std::string_view text) {
  std::vector<int> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    bool digits = !item.empty() && item.size() <= 3 &&
                  item.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits) {
      return Status::InvalidArgument("horizon \"" + std::string(item) +
                                     "\" is not a whole number of months (e.g. 6,12,24)");
    }
    out.push_back(std::stoi(std::string(item)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Status ValidateOutcomesOptions(const OutcomesOptions& options) {
  if (options.horizons.empty() || options.horizons.size() > kMaxHorizons) {
    return Status::InvalidArgument("horizons: give 1 to " + std::to_string(kMaxHorizons) +
                                   " of them");
  }
  for (size_t i = 0; i < options.horizons.size(); ++i) {
    int h = options.horizons[i];
    if (h < 1 || h > kMaxHorizon) {
      return Status::InvalidArgument("horizon " + std::to_string(h) + ": must be 1 to " +
                                     std::to_string(kMaxHorizon) + " months");
    }
    if (i > 0 && h <= options.horizons[i - 1]) {
      return Status::InvalidArgument("horizons must be ascending without repeats, " +
                                     std::to_string(h) + " follows " +
                                     std::to_string(options.horizons[i - 1]));
    }
  }
  if (options.intake_from && options.intake_to && *options.intake_to < *options.intake_from) {
    return Status::InvalidArgument("cohort window: intake_to " + FormatDate(*options.intake_to) +
                                   " is before intake_from " + FormatDate(*options.intake_from));
  }
  if (options.stock_month && !options.stock_baseline) {
    return Status::InvalidArgument("stock month given without a baseline month");
  }
  return Status::Ok();
}

}  // namespace ledger::replay
