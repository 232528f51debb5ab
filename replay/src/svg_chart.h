// Small charts as inline SVG for the HTML report: no script, no font, no external reference,
// and integer coordinates computed from the counts, so that the same report gives the same
// bytes. Text in the charts is escaped (HtmlEscape).
#ifndef REPLAY_SRC_SVG_CHART_H_
#define REPLAY_SRC_SVG_CHART_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::replay::internal {

// &, <, >, " and ' as entities.
std::string HtmlEscape(std::string_view text);

struct Series {
  std::string name;
  std::string color;  // "#1b6ca8"
};

// One bar of a stacked chart: a label and a value per series.
struct StackedBar {
  std::string label;
  std::vector<uint64_t> values;
};

// Horizontal bars, each split into the series' shares of the bar's total, with a legend.
std::string StackedBarsSvg(const std::vector<Series>& series, const std::vector<StackedBar>& bars);

// One bar of a share chart: num / den of the full width in green, with `note` written after it;
// the rest is red when `alarm` (something failed), grey otherwise.
struct ShareBar {
  std::string label;
  uint64_t num = 0;
  uint64_t den = 0;
  std::string note;
  bool alarm = false;
};
std::string ShareBarsSvg(const std::vector<ShareBar>& bars);

// Vertical bars grouped by category: for each category label, one bar per series.
std::string GroupedBarsSvg(const std::vector<Series>& series,
                           const std::vector<std::string>& categories,
                           const std::vector<std::vector<uint64_t>>& values);  // [series][category]

// Step curves y(x) for x = 0, 1, ...: values in millionths of the full height (S(t) in ppm).
std::string StepCurvesSvg(const std::vector<Series>& series,
                          const std::vector<std::vector<uint32_t>>& ppm,  // [series][x]
                          std::string_view x_label);

// A palette of distinguishable colours, cycled.
std::string PaletteColor(size_t i);

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_SVG_CHART_H_
