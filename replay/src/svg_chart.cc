#include "svg_chart.h"

#include <algorithm>

namespace ledger::replay::internal {
namespace {

constexpr int kLabelWidth = 130;
constexpr int kBarArea = 520;
constexpr int kBarHeight = 20;
constexpr int kBarGap = 8;
constexpr const char* kText = "font-size=\"12\" fill=\"#222\"";

std::string N(int64_t v) { return std::to_string(v); }

// v / total of `span` pixels, rounded half up; 0 when total is 0.
int64_t Scale(uint64_t v, uint64_t total, int64_t span) {
  if (total == 0) return 0;
  __extension__ typedef unsigned __int128 U128;
  return static_cast<int64_t>((2 * U128{v} * static_cast<U128>(span) + total) / (2 * U128{total}));
}

std::string Open(int width, int height) {
  return "<svg width=\"" + N(width) + "\" height=\"" + N(height) + "\" viewBox=\"0 0 " + N(width) +
         " " + N(height) + "\" font-family=\"sans-serif\" role=\"img\">";
}

std::string Rect(int64_t x, int64_t y, int64_t w, int64_t h, const std::string& color,
                 const std::string& title) {
  return "<rect x=\"" + N(x) + "\" y=\"" + N(y) + "\" width=\"" + N(w) + "\" height=\"" + N(h) +
         "\" fill=\"" + color + "\"><title>" + HtmlEscape(title) + "</title></rect>";
}

std::string Text(int64_t x, int64_t y, std::string_view text, std::string_view anchor = "start") {
  return "<text x=\"" + N(x) + "\" y=\"" + N(y) + "\" " + kText + " text-anchor=\"" +
         std::string(anchor) + "\">" + HtmlEscape(text) + "</text>";
}

std::string Line(int64_t x1, int64_t y1, int64_t x2, int64_t y2, std::string_view style) {
  return "<line x1=\"" + N(x1) + "\" y1=\"" + N(y1) + "\" x2=\"" + N(x2) + "\" y2=\"" + N(y2) +
         "\" " + std::string(style) + "/>";
}

// A legend of coloured squares, three to a row, starting at y.
std::string Legend(const std::vector<Series>& series, int y) {
  std::string out;
  for (size_t i = 0; i < series.size(); ++i) {
    int64_t x = kLabelWidth + static_cast<int64_t>(i % 3) * 190;
    int64_t row = y + static_cast<int64_t>(i / 3) * 18;
    out += Rect(x, row, 12, 12, series[i].color, series[i].name);
    out += Text(x + 16, row + 11, series[i].name);
  }
  return out;
}

int LegendHeight(size_t n) { return static_cast<int>((n + 2) / 3) * 18 + 6; }

// "12.3%" of num / den, rounded half up; "-" when den is 0.
std::string Percent(uint64_t num, uint64_t den) {
  if (den == 0) return "-";
  int64_t permille = Scale(num, den, 1000);
  return N(permille / 10) + "." + N(permille % 10) + "%";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PaletteColor(size_t i) {
  static constexpr const char* kPalette[] = {"#1b6ca8", "#3a9d5d", "#8cc084", "#f2b134", "#e07b39",
                                             "#c8553d", "#7d5ba6", "#5c6b73", "#b8c4cc", "#2a9d8f"};
  return kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

std::string StackedBarsSvg(const std::vector<Series>& series, const std::vector<StackedBar>& bars) {
  const int top = 4;
  const int height =
      top + static_cast<int>(bars.size()) * (kBarHeight + kBarGap) + LegendHeight(series.size());
  std::string out = Open(kLabelWidth + kBarArea + 70, height);
  int y = top;
  for (const StackedBar& bar : bars) {
    uint64_t total = 0;
    for (uint64_t v : bar.values) total += v;
    out += Text(kLabelWidth - 8, y + 15, bar.label, "end");
    // Segment edges from the running sum, so that the segments always fill the bar exactly.
    uint64_t sum = 0;
    for (size_t i = 0; i < bar.values.size() && i < series.size(); ++i) {
      int64_t x0 = Scale(sum, total, kBarArea);
      sum += bar.values[i];
      int64_t x1 = Scale(sum, total, kBarArea);
      if (x1 > x0) {
        out += Rect(kLabelWidth + x0, y, x1 - x0, kBarHeight, series[i].color,
                    series[i].name + " " + Percent(bar.values[i], total));
      }
    }
    if (total == 0) out += Text(kLabelWidth + 4, y + 15, "nobody followed this long");
    out += Text(kLabelWidth + kBarArea + 6, y + 15, "n=" + N(static_cast<int64_t>(total)));
    y += kBarHeight + kBarGap;
  }
  out += Legend(series, y);
  return out + "</svg>";
}

std::string ShareBarsSvg(const std::vector<ShareBar>& bars) {
  const int label = 60;
  const int height = 4 + static_cast<int>(bars.size()) * (kBarHeight + kBarGap);
  std::string out = Open(label + kBarArea + 200, height);
  int y = 4;
  for (const ShareBar& bar : bars) {
    out += Text(label - 8, y + 15, bar.label, "end");
    // The share that passes in green over a background that is red when anything failed.
    out += Rect(label, y, kBarArea, kBarHeight, bar.alarm ? "#c8553d" : "#e8ecef", bar.label);
    int64_t w = Scale(bar.num, bar.den, kBarArea);
    if (bar.alarm && w == kBarArea) --w;  // an exception stays visible, however rare
    if (w > 0) {
      out += Rect(label, y, w, kBarHeight, "#3a9d5d", bar.label + " " + Percent(bar.num, bar.den));
    }
    out += Text(label + kBarArea + 6, y + 15, bar.note);
    y += kBarHeight + kBarGap;
  }
  return out + "</svg>";
}

std::string GroupedBarsSvg(const std::vector<Series>& series,
                           const std::vector<std::string>& categories,
                           const std::vector<std::vector<uint64_t>>& values) {
  const int left = 40, top = 10, plot = 180;
  const int band = std::max(40, static_cast<int>(600 / std::max<size_t>(1, categories.size())));
  const int width = left + band * static_cast<int>(categories.size()) + 20;
  uint64_t max = 1;
  for (const auto& row : values) {
    for (uint64_t v : row) max = std::max(max, v);
  }
  const int height = top + plot + 24 + LegendHeight(series.size());
  std::string out = Open(std::max(width, kLabelWidth + 600), height);
  out += Line(left, top + plot, left + band * static_cast<int64_t>(categories.size()), top + plot,
              "stroke=\"#444\"");
  out += Text(left - 6, top + 10, N(static_cast<int64_t>(max)), "end");
  out += Text(left - 6, top + plot, "0", "end");
  const int64_t bar =
      std::max<int64_t>(4, (band - 10) / std::max<int64_t>(1, static_cast<int64_t>(series.size())));
  for (size_t c = 0; c < categories.size(); ++c) {
    const int64_t x = left + static_cast<int64_t>(c) * band + 5;
    for (size_t s = 0; s < series.size() && s < values.size(); ++s) {
      uint64_t v = c < values[s].size() ? values[s][c] : 0;
      int64_t h = Scale(v, max, plot);
      out += Rect(x + static_cast<int64_t>(s) * bar, top + plot - h, bar - 1, h, series[s].color,
                  series[s].name + " " + categories[c] + ": " + N(static_cast<int64_t>(v)));
    }
    out += Text(x + (band - 10) / 2, top + plot + 16, categories[c], "middle");
  }
  out += Legend(series, top + plot + 24);
  return out + "</svg>";
}

std::string StepCurvesSvg(const std::vector<Series>& series,
                          const std::vector<std::vector<uint32_t>>& ppm, std::string_view x_label) {
  const int left = 50, top = 10, w = 560, h = 220;
  size_t max_x = 1;
  for (const auto& curve : ppm) max_x = std::max(max_x, curve.size());
  const int64_t span = static_cast<int64_t>(max_x);
  const int height = top + h + 40 + LegendHeight(series.size());
  std::string out = Open(left + w + 30, height);
  for (int q = 0; q <= 4; ++q) {
    int64_t y = top + h - Scale(static_cast<uint64_t>(q), 4, h);
    out += Line(left, y, left + w, y,
                q == 2 ? "stroke=\"#999\" stroke-dasharray=\"4 3\"" : "stroke=\"#e1e5e8\"");
    out += Text(left - 6, y + 4, q == 4 ? "1" : "0." + N(q * 25), "end");
  }
  out += Line(left, top + h, left + w, top + h, "stroke=\"#444\"");
  for (int64_t x = 0; x <= span; x += std::max<int64_t>(1, span / 10)) {
    int64_t px = left + Scale(static_cast<uint64_t>(x), static_cast<uint64_t>(span), w);
    out += Text(px, top + h + 16, N(x), "middle");
  }
  out += Text(left + w / 2, top + h + 32, x_label, "middle");
  for (size_t s = 0; s < series.size() && s < ppm.size(); ++s) {
    std::string points;
    int64_t prev_y = top;  // S(0-) = 1
    for (size_t x = 0; x < ppm[s].size(); ++x) {
      int64_t px = left + Scale(x, static_cast<uint64_t>(span), w);
      int64_t py = top + h - Scale(ppm[s][x], 1000000, h);
      points += N(px) + "," + N(prev_y) + " " + N(px) + "," + N(py) + " ";
      prev_y = py;
    }
    points += N(left + Scale(ppm[s].size(), static_cast<uint64_t>(span), w)) + "," + N(prev_y);
    out += "<polyline fill=\"none\" stroke=\"" + series[s].color +
           "\" stroke-width=\"2\" points=\"" + points + "\"><title>" + HtmlEscape(series[s].name) +
           "</title></polyline>";
  }
  out += Legend(series, top + h + 40);
  return out + "</svg>";
}

}  // namespace ledger::replay::internal
