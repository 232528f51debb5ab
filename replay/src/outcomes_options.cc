// What an outcomes report may be asked: groupings, horizons, and their checks.
#include <string>

#include "ledger/time_format.h"
#include "replay/outcomes.h"

namespace ledger::replay {
namespace {

constexpr int kMaxHorizon = 240;
constexpr size_t kMaxHorizons = 12;

// "cohort_from" as `spelling` writes it.
std::string OptionName(std::string_view parameter, OptionSpelling spelling) {
  if (spelling == OptionSpelling::kParameter) return std::string(parameter);
  std::string flag = "--" + std::string(parameter);
  for (char& c : flag) {
    if (c == '_') c = '-';
  }
  return flag;
}

// "2008-03-15", or "2008-03" meaning its first (start) or last (end) day.
Result<CivilDate> WindowEnd(const std::string& text, bool end, const std::string& option) {
  if (text.size() == 7) {
    auto month = ParseMonth(text);
    if (!month.ok()) return month.status().WithContext(option);
    CivilDate d = *month;
    if (end) d.day = DaysInMonth(d.year, d.month);
    return d;
  }
  auto date = ParseDate(text);
  if (!date.ok()) return date.status().WithContext(option);
  return *date;
}

Result<CivilDate> Month(const std::string& text, const std::string& option) {
  auto month = ParseMonth(text);
  if (!month.ok()) return month.status().WithContext(option);
  return *month;
}

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
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
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

Result<OutcomesOptions> ParseOutcomesOptions(const OutcomesOptionsText& text,
                                             OptionSpelling spelling) {
  OutcomesOptions options;
  if (!text.cohort_from.empty()) {
    LEDGER_ASSIGN_OR_RETURN(options.intake_from, WindowEnd(text.cohort_from, false,
                                                           OptionName("cohort_from", spelling)));
  }
  if (!text.cohort_to.empty()) {
    LEDGER_ASSIGN_OR_RETURN(options.intake_to,
                            WindowEnd(text.cohort_to, true, OptionName("cohort_to", spelling)));
  }
  auto horizons = ParseHorizons(text.horizons);
  if (!horizons.ok()) return horizons.status().WithContext(OptionName("horizons", spelling));
  options.horizons = *horizons;
  auto grouping = ParseOutcomeGrouping(text.by);
  if (!grouping.ok()) return grouping.status().WithContext(OptionName("by", spelling));
  options.grouping = *grouping;
  if (!text.baseline_month.empty()) {
    LEDGER_ASSIGN_OR_RETURN(options.stock_baseline,
                            Month(text.baseline_month, OptionName("baseline_month", spelling)));
  }
  if (!text.stock_month.empty()) {
    LEDGER_ASSIGN_OR_RETURN(options.stock_month,
                            Month(text.stock_month, OptionName("stock_month", spelling)));
  }
  LEDGER_RETURN_IF_ERROR(ValidateOutcomesOptions(options));
  return options;
}

}  // namespace ledger::replay
