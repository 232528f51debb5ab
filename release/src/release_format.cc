#include "release_format.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "base/hex.h"
#include "base/mutex.h"
#include "base/sha256.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "timeline.h"

namespace ledger::release::internal {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400'000'000};
constexpr int64_t kNoonMicros = int64_t{12} * 3'600'000'000;

std::string FormatMonthNumber(int32_t m) {
  const CivilDate d = FirstDayOfMonthNumber(m);
  return fmt::format("{:04d}-{:02d}", d.year, d.month);
}

std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.emplace_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// Whether every character of `text` is one of `allowed` (letters and digits always are).
bool OnlyOf(std::string_view text, std::string_view allowed) {
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && allowed.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "18-20": two ages, the first no higher than the second.
bool IsAgeBand(std::string_view band) {
  if (band.size() != 5 || band[2] != '-') return false;
  const std::string_view lo = band.substr(0, 2), hi = band.substr(3);
  return AllDigits(lo) && AllDigits(hi) && lo <= hi;
}

// "3005" (kommune), "30xx" (county) or "*" (suppressed).
bool IsReleasedMunicipality(std::string_view m) {
  return m == "*" || (m.size() == 4 && AllDigits(m.substr(0, 2)) &&
                      (AllDigits(m.substr(2)) || m.substr(2) == "xx"));
}

// A persons.csv refusal: "persons.csv line L: column: what".
Status PersonsError(size_t line_no, std::string_view column, std::string_view what) {
  return Status::Corruption(fmt::format("{} line {}: {}{}{}", kPersonsFile, line_no, column,
                                        column.empty() ? "" : ": ", what));
}

// A whole number from `low` to `high`.
Result<int> ParseInt(std::string_view text, size_t line_no, std::string_view column, int low,
                     int high) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) {
    return PersonsError(line_no, column, "not a whole number: \"" + Shown(text, 32) + "\"");
  }
  if (v < low || v > high) {
    return PersonsError(line_no, column, fmt::format("{} is not from {} to {}", v, low, high));
  }
  return v;
}

// Rewrites the released values of `data` back into catalogue values (see CatalogueEvent).
Status RestoreValues(nlohmann::json& value, const std::string& path,
                     const std::map<std::string, std::string>& formats, int64_t intake_day,
                     int32_t anchor_month) {
  if (value.is_object()) {
    for (auto& [key, member] : value.items()) {
      LEDGER_RETURN_IF_ERROR(RestoreValues(member, path.empty() ? key : path + "." + key, formats,
                                           intake_day, anchor_month));
    }
    return Status::Ok();
  }
  if (value.is_array()) {
    for (auto& element : value) {
      LEDGER_RETURN_IF_ERROR(RestoreValues(element, path, formats, intake_day, anchor_month));
    }
    return Status::Ok();
  }
  auto format = formats.find(path);
  if (format == formats.end()) return Status::Ok();
  const std::string& f = format->second;
  if (f != "date" && f != "instant" && f != "month") return Status::Ok();
  // A value beyond int64 is number_unsigned; get<int64_t> would wrap it.
  if (!value.is_number_integer() ||
      (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t{36'500})) {
    return Status::InvalidArgument("data." + path + ": a released " + f + " is a whole number of " +
                                   (f == "month" ? "months" : "days") + " from -36500 to 36500");
  }
  const int64_t n = value.get<int64_t>();
  if (n < -36'500 || n > 36'500) {
    return Status::InvalidArgument("data." + path + ": out of range (-36500 to 36500)");
  }
  if (f == "date") {
    value = FormatDate(CivilFromDays(intake_day + n));
  } else if (f == "instant") {
    value = FormatInstantMicros((intake_day + n) * kMicrosPerDay + kNoonMicros);
  } else {
    value = FormatMonthNumber(anchor_month + static_cast<int32_t>(n));
  }
  return Status::Ok();
}

// DataFieldFormats of each type, computed once per process: a replay asks for every event.
Result<const std::map<std::string, std::string>*> FormatsOf(const std::string& type) {
  static Mutex mutex;
  static std::map<std::string, std::unique_ptr<std::map<std::string, std::string>>> cache
      LEDGER_GUARDED_BY(mutex);
  MutexLock lock(mutex);
  auto it = cache.find(type);
  if (it == cache.end()) {
    LEDGER_ASSIGN_OR_RETURN(auto formats, DataFieldFormats(type));
    it =
        cache
            .emplace(type, std::make_unique<std::map<std::string, std::string>>(std::move(formats)))
            .first;
  }
  return it->second.get();
}

}  // namespace

std::string Shown(std::string_view text, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < max_bytes; ++i) {
    const char c = text[i];
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (text.size() > max_bytes) out += "...";
  return out;
}

bool IsReleasedType(std::string_view type) {
  static constexpr std::array<std::string_view, 12> kPrefixes = {
      "case.",   "assistance.", "payment.", "condition.", "breach.", "sanction.",
      "appeal.", "phase.",      "course.",  "category.",  "plan.",   "agreement."};
  if (type == "status.observed" || type == "income.recorded") return true;
  for (std::string_view p : kPrefixes) {
    if (type.starts_with(p)) return true;
  }
  return false;
}

std::string SignedText(std::string_view release_id, std::string_view manifest_sha256_hex) {
  return fmt::format("ledger-release {}\nmanifest-sha256 {}\n", release_id, manifest_sha256_hex);
}

Result<SignedManifest> ParseSignedText(std::string_view text) {
  constexpr std::string_view kFirst = "ledger-release ", kSecond = "manifest-sha256 ";
  auto refuse = [] {
    return Status::Corruption(std::string(kSignatureFile) +
                              ": the signed text is not \"ledger-release <release id>\\n"
                              "manifest-sha256 <64 hex digits>\\n\"");
  };
  const size_t newline = text.find('\n');
  if (!text.starts_with(kFirst) || newline == std::string_view::npos) return refuse();
  SignedManifest out;
  out.release_id = std::string(text.substr(kFirst.size(), newline - kFirst.size()));
  const std::string_view rest = text.substr(newline + 1);
  if (!ValidReleaseId(out.release_id) || !rest.starts_with(kSecond) ||
      rest.size() != kSecond.size() + 64 + 1 || rest.back() != '\n') {
    return refuse();
  }
  out.manifest_sha256 = std::string(rest.substr(kSecond.size(), 64));
  if (!IsLowerHex(out.manifest_sha256)) {
    return refuse();
  }
  return out;
}

std::string PersonsHeader(const std::vector<int>& horizons) {
  std::string out =
      "person,sex,age_band,municipality,intake_period,anchor_month,followed_months,end_month";
  for (int h : horizons) {
    out += fmt::format(",status_{0},paid_{0},main_income_{0}", h);
  }
  return out + "\n";
}

std::string PersonsRow(const ReleasePerson& p, const replay::PersonOutcome* outcome) {
  std::string out = fmt::format("{},{},{},{},{},{},{},{}", p.person, p.sex, p.age_band,
                                p.municipality, p.intake_period, FormatMonthNumber(p.anchor_month),
                                p.followed_months, p.end_month);
  if (outcome != nullptr) {
    for (const replay::PersonHorizon& h : outcome->horizons) {
      if (!h.followed) {
        out += ",not_followed,,";
      } else {
        out += fmt::format(",{},{},{}", h.status, h.paid ? 1 : 0, h.main_income);
      }
    }
  }
  return out + "\n";
}

Result<std::vector<ReleasePerson>> ParsePersons(std::string_view csv,
                                                const std::vector<int>& horizons) {
  if (csv.size() > kMaxPersonsBytes) {
    return Status::Corruption(
        fmt::format("{}: larger than {} bytes", kPersonsFile, kMaxPersonsBytes));
  }
  std::string header = PersonsHeader(horizons);
  header.pop_back();  // its '\n'
  const std::vector<std::string> columns = SplitCsv(header);
  std::vector<ReleasePerson> out;
  std::set<std::string_view> seen;
  size_t line_no = 0;
  for (size_t start = 0; start < csv.size();) {
    size_t end = csv.find('\n', start);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.size() > kMaxPersonsLineBytes) {
      return PersonsError(line_no, "", fmt::format("longer than {} bytes", kMaxPersonsLineBytes));
    }
    if (line_no == 1) {
      if (line != header) {
        return PersonsError(line_no, "",
                            "not the header of a release's persons table for horizons " +
                                fmt::format("{}", fmt::join(horizons, ",")) + " (\"" +
                                Shown(line, 120) + "\")");
      }
      continue;
    }
    if (line.empty() && start >= csv.size()) break;  // the end of the file
    std::vector<std::string> cells = SplitCsv(line);
    if (cells.size() != columns.size()) {
      return PersonsError(line_no, "",
                          fmt::format("{} columns, expected {}", cells.size(), columns.size()));
    }
    ReleasePerson p;
    p.person = cells[0];
    if (p.person.empty() || p.person.size() > 64 || !OnlyOf(p.person, "_-")) {
      return PersonsError(line_no, "person", "1-64 characters of [A-Za-z0-9_-]");
    }
    p.sex = cells[1];
    if (p.sex.empty() || p.sex.size() > 32 || !OnlyOf(p.sex, "_")) {
      return PersonsError(line_no, "sex", "1-32 characters of [A-Za-z0-9_]");
    }
    p.age_band = cells[2];
    if (!IsAgeBand(p.age_band)) return PersonsError(line_no, "age_band", "not an age band (18-20)");
    p.municipality = cells[3];
    if (!IsReleasedMunicipality(p.municipality)) {
      return PersonsError(line_no, "municipality", "not a code (3005), a county (30xx) or *");
    }
    p.intake_period = cells[4];
    if (p.intake_period.empty() || p.intake_period.size() > 16 || !OnlyOf(p.intake_period, "-")) {
      return PersonsError(line_no, "intake_period", "1-16 characters of [A-Za-z0-9-]");
    }
    auto anchor = ParseMonth(cells[5]);
    if (!anchor.ok() || !OnlyOf(cells[5], "-")) {
      return PersonsError(line_no, "anchor_month", "not a month (YYYY-MM)");
    }
    if (anchor->year < 1900 || anchor->year > 2199) {
      return PersonsError(line_no, "anchor_month", "not from 1900-01 to 2199-12");
    }
    p.anchor_month = MonthNumberOf(*anchor);
    LEDGER_ASSIGN_OR_RETURN(p.followed_months,
                            ParseInt(cells[6], line_no, "followed_months", 0, 1200));
    LEDGER_ASSIGN_OR_RETURN(p.end_month, ParseInt(cells[7], line_no, "end_month", 0, 1201));
    if (p.end_month != p.followed_months && p.end_month != p.followed_months + 1) {
      return PersonsError(line_no, "end_month", "must be followed_months or one more");
    }
    // The outcome columns are for people, not for the replay: only their form is checked.
    for (size_t i = 8; i < cells.size(); ++i) {
      if (cells[i].size() > 32 || !OnlyOf(cells[i], "_")) {
        return PersonsError(line_no, columns[i], "at most 32 characters of [A-Za-z0-9_]");
      }
    }
    out.push_back(std::move(p));
  }
  if (line_no == 0) return PersonsError(1, "", "no header");
  for (const ReleasePerson& p : out) {
    if (!seen.insert(p.person).second) {
      return Status::Corruption(
          fmt::format("{}: person {} is listed twice", kPersonsFile, p.person));
    }
  }
  return out;
}

std::string ReplayMunicipality(std::string_view released) {
  if (released.size() == 4 && released.substr(2) == "xx") {
    return std::string(released.substr(0, 2)) + "00";
  }
  if (released == "*") return "0000";
  return std::string(released);
}

int ReplayAge(std::string_view age_band) { return age_band == "21-24" ? 21 : 18; }

Result<nlohmann::json> CatalogueEvent(const nlohmann::json& line, const ReleasePerson& person,
                                      uint64_t ordinal) {
  if (!line.is_object()) return Status::InvalidArgument("not a JSON object");
  for (const auto& [key, value] : line.items()) {
    if (key != "person" && key != "day" && key != "type" && key != "actor" &&
        key != "legal_basis" && key != "data") {
      return Status::InvalidArgument(Shown(key, 64) +
                                     ": not a field of a released event (person, day, type, "
                                     "actor, legal_basis, data)");
    }
  }
  auto type_it = line.find("type");
  if (type_it == line.end() || !type_it->is_string()) {
    return Status::InvalidArgument("type: required, a string");
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  if (!IsReleasedType(type)) {
    return Status::InvalidArgument("type: " + Shown(type, 64) + " is not carried by releases");
  }
  auto day_it = line.find("day");
  // A released day is counted from the person's intake, within a century either way.
  if (day_it == line.end() || !day_it->is_number_integer() ||
      (day_it->is_number_unsigned() && day_it->get<uint64_t>() > uint64_t{36'500}) ||
      day_it->get<int64_t>() < -36'500 || day_it->get<int64_t>() > 36'500) {
    return Status::InvalidArgument("day: required, a whole number from -36500 to 36500");
  }
  const int64_t day = day_it->get<int64_t>();
  auto data_it = line.find("data");
  if (data_it == line.end() || !data_it->is_object()) {
    return Status::InvalidArgument("data: required, an object");
  }
  auto actor_it = line.find("actor");
  if (actor_it != line.end() && !actor_it->is_object()) {
    return Status::InvalidArgument("actor: an object");
  }
  auto basis_it = line.find("legal_basis");
  if (basis_it != line.end() && !basis_it->is_array()) {
    return Status::InvalidArgument("legal_basis: an array");
  }
  LEDGER_ASSIGN_OR_RETURN(const auto* formats, FormatsOf(type));
  const int64_t intake_day = DaysFromCivil(SyntheticIntake(person.anchor_month));
  nlohmann::json data = *data_it;
  LEDGER_RETURN_IF_ERROR(RestoreValues(data, "", *formats, intake_day, person.anchor_month));
  if (type == "case.opened") {
    data["municipality"] = ReplayMunicipality(person.municipality);
    data["age_at_intake"] = ReplayAge(person.age_band);
    data["sex"] = person.sex;
    data["intake_date"] = FormatDate(SyntheticIntake(person.anchor_month));
  }
  nlohmann::json event;
  event["id"] = fmt::format("00000000-0000-4000-8000-{:012x}", ordinal);
  event["stream"] = "case/" + person.person;
  event["type"] = type;
  event["occurred_at"] = FormatInstantMicros((intake_day + day) * kMicrosPerDay + kNoonMicros);
  event["subject"] = person.person;
  event["actor"] = actor_it != line.end() ? *actor_it : nlohmann::json::object();
  event["legal_basis"] = basis_it != line.end() ? *basis_it : nlohmann::json::array();
  event["data"] = std::move(data);
  return event;
}

Result<std::pair<std::string, uint64_t>> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + " is missing");
  Sha256Hasher hasher;
  std::vector<char> block(1 << 20);
  uint64_t size = 0;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    hasher.Update(std::string_view(block.data(), got));
    size += got;
  }
  if (in.bad()) return Status::IOError("cannot read " + path);
  return std::make_pair(HexEncode(hasher.Finish()), size);
}

}  // namespace ledger::release::internal
