#include "release_format.h"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <charconv>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

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

Result<int> ParseInt(std::string_view text, std::string_view what) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) {
    return Status::Corruption(std::string(kPersonsFile) + ": " + std::string(what) +
                              " is not a whole number: \"" + std::string(text.substr(0, 32)) +
                              "\"");
  }
  return v;
}

// Rewrites the released values of `data` back into catalogue values (see CatalogueEvent).
Status RestoreValues(nlohmann::json& value, const std::string& path,
                     const std::map<std::string, std::string>& formats, int64_t intake_day,
                     int32_t anchor_month) {
  if (value.is_object()) {
    for (auto& [key, member] : value.items()) {
      RETURN_IF_ERROR(RestoreValues(member, path.empty() ? key : path + "." + key, formats,
                                    intake_day, anchor_month));
    }
    return Status::Ok();
  }
  if (value.is_array()) {
    for (auto& element : value) {
      RETURN_IF_ERROR(RestoreValues(element, path, formats, intake_day, anchor_month));
    }
    return Status::Ok();
  }
  auto format = formats.find(path);
  if (format == formats.end()) return Status::Ok();
  const std::string& f = format->second;
  if (f != "date" && f != "instant" && f != "month") return Status::Ok();
  if (!value.is_number_integer()) {
    return Status::InvalidArgument("data." + path + ": a released " + f +
                                   " is a whole number of " + (f == "month" ? "months" : "days"));
  }
  const int64_t n = value.get<int64_t>();
  if (n < -36'500 || n > 36'500) {
    return Status::InvalidArgument("data." + path + ": out of range");
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
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<std::map<std::string, std::string>>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(type);
  if (it == cache.end()) {
    ASSIGN_OR_RETURN(auto formats, DataFieldFormats(type));
    it = cache.emplace(type, std::make_unique<std::map<std::string, std::string>>(
                                 std::move(formats)))
             .first;
  }
  return it->second.get();
}

}  // namespace

bool IsReleasedType(std::string_view type) {
  static constexpr std::array<std::string_view, 12> kPrefixes = {
      "case.",   "assistance.", "payment.", "condition.", "breach.",   "sanction.",
      "appeal.", "phase.",      "course.",  "category.",  "plan.",     "agreement."};
  if (type == "status.observed" || type == "income.recorded") return true;
  for (std::string_view p : kPrefixes) {
    if (type.starts_with(p)) return true;
  }
  return false;
}

std::string SignedText(std::string_view release_id, std::string_view manifest_sha256_hex) {
  return fmt::format("ledger-release {}\nmanifest-sha256 {}\n", release_id, manifest_sha256_hex);
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
                                p.municipality, p.intake_period,
                                FormatMonthNumber(p.anchor_month), p.followed_months, p.end_month);
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

Result<std::vector<ReleasePerson>> ParsePersons(std::string_view csv) {
  std::vector<ReleasePerson> out;
  size_t line_no = 0;
  for (size_t start = 0; start < csv.size();) {
    size_t end = csv.find('\n', start);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(start, end - start);
    start = end + 1;
    if (line_no++ == 0) {
      if (!line.starts_with("person,sex,age_band,municipality,intake_period,anchor_month,")) {
        return Status::Corruption(std::string(kPersonsFile) + ": not a release's persons table");
      }
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cells = SplitCsv(line);
    if (cells.size() < 8) {
      return Status::Corruption(fmt::format("{} line {}: {} columns, expected at least 8",
                                            kPersonsFile, line_no, cells.size()));
    }
    ReleasePerson p;
    p.person = cells[0];
    p.sex = cells[1];
    p.age_band = cells[2];
    p.municipality = cells[3];
    p.intake_period = cells[4];
    auto anchor = ParseMonth(cells[5]);
    if (!anchor.ok()) {
      return Status::Corruption(fmt::format("{} line {}: anchor_month: {}", kPersonsFile, line_no,
                                            anchor.status().message()));
    }
    p.anchor_month = MonthNumberOf(*anchor);
    ASSIGN_OR_RETURN(p.followed_months, ParseInt(cells[6], "followed_months"));
    ASSIGN_OR_RETURN(p.end_month, ParseInt(cells[7], "end_month"));
    if (p.end_month != p.followed_months && p.end_month != p.followed_months + 1) {
      return Status::Corruption(fmt::format(
          "{} line {}: end_month must be followed_months or one more", kPersonsFile, line_no));
    }
    out.push_back(std::move(p));
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
  if (!line.is_object() || !line.contains("type") || !line.at("type").is_string() ||
      !line.contains("day") || !line.at("day").is_number_integer() || !line.contains("data")) {
    return Status::InvalidArgument("not a released event (type, day and data are required)");
  }
  const std::string type = line.at("type");
  if (!IsReleasedType(type)) {
    return Status::InvalidArgument("type " + type + " is not carried by releases");
  }
  ASSIGN_OR_RETURN(const auto* formats, FormatsOf(type));
  const int64_t intake_day = DaysFromCivil(SyntheticIntake(person.anchor_month));
  nlohmann::json data = line.at("data");
  RETURN_IF_ERROR(RestoreValues(data, "", *formats, intake_day, person.anchor_month));
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
  event["occurred_at"] =
      FormatInstantMicros((intake_day + line.at("day").get<int64_t>()) * kMicrosPerDay +
                          kNoonMicros);
  event["subject"] = person.person;
  event["actor"] = line.value("actor", nlohmann::json::object());
  event["legal_basis"] = line.value("legal_basis", nlohmann::json::array());
  event["data"] = std::move(data);
  return event;
}

std::string LowerHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return hex;
}

Result<std::pair<std::string, uint64_t>> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + " is missing");
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> block(1 << 20);
  uint64_t size = 0;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(block.data()), got);
    size += got;
  }
  if (in.bad()) return Status::IOError("cannot read " + path);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return std::make_pair(LowerHex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest)),
                        size);
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return LowerHex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace ledger::release::internal
