#include "report_format.h"

#include <algorithm>

#include "digest.h"
#include "ledger/time_format.h"

namespace ledger::replay::internal {
namespace {

bool IsInteger(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
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
      if (!IsInteger(cell(row, i))) numeric[i] = false;
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
