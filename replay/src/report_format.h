// Shared pieces of report output: aligned text tables, CSV quoting, and canonical JSON sealed
// with its SHA-256 (docs/projections.md, "Report output").
#ifndef REPLAY_SRC_REPORT_FORMAT_H_
#define REPLAY_SRC_REPORT_FORMAT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "replay/small_cells.h"

namespace ledger::replay::internal {

// Columns padded to their widest cell, separated by two spaces, a dashed line under the
// header. Columns whose every body cell is a number ("12", "-3", "0.25", "42.3%", or "-" for
// none) are right-aligned.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (quotes doubled).
std::string CsvField(std::string_view field);
// Fields joined by commas, ending in "\n".
std::string CsvRow(const std::vector<std::string>& fields);

// The canonical text of a JSON value: object keys in ascending bytewise order, no whitespace,
// integers only (callers put no floating-point numbers in reports), strings as UTF-8 with the
// escapes JSON requires (invalid UTF-8 replaced by U+FFFD).
std::string CanonicalJson(const nlohmann::json& value);
// {"report":<body>,"sha256":"<hex SHA-256 of CanonicalJson(body)>"} and a newline.
std::string SealedReportJson(const nlohmann::json& body);

// Ratios of counts, printed without floating point: num / den * scale rounded half away from
// zero; nullopt when den is 0.
std::optional<int64_t> ScaledRatio(int64_t num, uint64_t den, int64_t scale);
// {"num": num, "den": den, "milli": ScaledRatio(num, den, 1000) or null}.
// Small-cell suppression (SuppressSmallCells): a suppressed count is kSuppressedCount; as a
// signed numerator kSuppressedNum. Renderings print kSuppressedMark in text, null in JSON and
// an empty field in CSV. Num converts a count into a numerator keeping the mark.
inline constexpr int64_t kSuppressedNum = INT64_MIN;
inline constexpr std::string_view kSuppressedMark = "*";
int64_t Num(uint64_t count);
std::string CountText(uint64_t count);
nlohmann::json CountJson(uint64_t count);
nlohmann::json RatioJson(int64_t num, uint64_t den);
// The ratio as a decimal with `places` (0..9) places ("0.4231", "-0.5000"); "" when den is 0.
std::string DecimalText(int64_t num, uint64_t den, int places);
// The ratio as a percentage with one decimal ("42.3%"); "-" when den is 0.
std::string PercentText(int64_t num, uint64_t den);

// "2008-01-31" from days since 1970-01-01.
std::string DayText(int64_t days);
// Items joined by `sep`.
std::string Join(const std::vector<std::string>& items, std::string_view sep);

}  // namespace ledger::replay::internal

#endif  // REPLAY_SRC_REPORT_FORMAT_H_
