#include "report_format.h"

#include <algorithm>

#include "base/sha256.h"
#include "ledger/time_format.h"

namespace ledger::replay::internal {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "12", "-3", "0.25", "42.3%", or "-" alone (a figure that does not exist).
bool IsNumber(std::string_view s) {
  if (s == "-" || s == kSuppressedMark) return true;
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return IsDigits(s);
  return IsDigits(s.substr(0, dot)) && IsDigits(s.substr(dot + 1));
}

}  // namespace

std::string TextTable::Render() const {
  size_t columns = header_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> width(columns, 0);
  std::vector<bool> numeric(columns, !rows_.empty());
  auto cell = [](const std::vector<std::string>& row, size_t i) -> std::string_view {
    return i < row.size() ? std::string_view(row[i]) : std::string_view();
  };
  for (size_t i = 0; i < columns; ++i) {
    width[i] = cell(header_, i).size();
    for (const auto& row : rows_) {
      width[i] = std::max(width[i], cell(row, i).size());
      if (!IsNumber(cell(row, i))) numeric[i] = false;
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (size_t i = 0; i < columns; ++i) {
      std::string_view c = cell(row, i);
      std::string pad(width[i] - c.size(), ' ');
      if (i > 0) text += "  ";
      // Numbers and their headers align right.
      if (numeric[i]) {
        text += pad;
        text += c;
      } else {
        text += c;
        if (i + 1 < columns) text += pad;
      }
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  line(header_);
  std::vector<std::string> dashes;
  for (size_t w : width) dashes.push_back(std::string(w, '-'));
  line(dashes);
  for (const auto& row : rows_) line(row);
  return out;
}

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  out += '\n';
  return out;
}

std::string CanonicalJson(const nlohmann::json& value) {
  // nlohmann::json keeps object members in a std::map: ascending bytewise key order.
  return value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

std::string SealedReportJson(const nlohmann::json& body) {
  nlohmann::json sealed = nlohmann::json::object();
  sealed["report"] = body;
  sealed["sha256"] = Sha256Hex(CanonicalJson(body));
  return CanonicalJson(sealed) + "\n";
}

__extension__ typedef __int128 Int128;

std::optional<int64_t> ScaledRatio(int64_t num, uint64_t den, int64_t scale) {
  if (den == 0) return std::nullopt;
  // |num| * scale fits in 128 bits for any count this library reports.
  Int128 n = static_cast<Int128>(num) * scale;
  Int128 d = static_cast<Int128>(den);
  Int128 a = n < 0 ? -n : n;
  Int128 q = (2 * a + d) / (2 * d);
  return static_cast<int64_t>(n < 0 ? -q : q);
}

int64_t Num(uint64_t count) {
  return count == kSuppressedCount ? kSuppressedNum : static_cast<int64_t>(count);
}
std::string CountText(uint64_t count) {
  return count == kSuppressedCount ? std::string(kSuppressedMark) : std::to_string(count);
}
nlohmann::json CountJson(uint64_t count) {
  return count == kSuppressedCount ? nlohmann::json(nullptr) : nlohmann::json(count);
}

nlohmann::json RatioJson(int64_t num, uint64_t den) {
  if (num == kSuppressedNum || den == kSuppressedCount) {
    return {{"num", nullptr},
            {"den", den == kSuppressedCount ? nlohmann::json(nullptr) : nlohmann::json(den)},
            {"milli", nullptr},
            {"suppressed", true}};
  }
  auto milli = ScaledRatio(num, den, 1000);
  return {{"num", num}, {"den", den}, {"milli", milli ? nlohmann::json(*milli) : nullptr}};
}

std::string DecimalText(int64_t num, uint64_t den, int places) {
  if (num == kSuppressedNum || den == kSuppressedCount) return std::string(kSuppressedMark);
  int64_t scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  auto v = ScaledRatio(num, den, scale);
  if (!v) return "";
  int64_t a = *v < 0 ? -*v : *v;
  std::string out = (*v < 0 ? "-" : "") + std::to_string(a / scale);
  if (places > 0) {
    std::string frac = std::to_string(a % scale);
    out += "." + std::string(static_cast<size_t>(places) - frac.size(), '0') + frac;
  }
  return out;
}

std::string PercentText(int64_t num, uint64_t den) {
  if (num == kSuppressedNum || den == kSuppressedCount) return std::string(kSuppressedMark);
  if (den == 0) return "-";
  return DecimalText(num * 100, den, 1) + "%";
}

std::string DayText(int64_t days) { return FormatDate(CivilFromDays(days)); }

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace ledger::replay::internal
