#include "manifest.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/hex.h"
#include "exclusion.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "release_format.h"

namespace ledger::release::internal {
namespace {

using Json = nlohmann::json;

Status Refuse(std::string_view field, std::string_view what) {
  return Status::Corruption(fmt::format("{}: {}: {}", kManifestFile, field, what));
}

// Reads the members of one JSON object, each named by its path from the manifest's root
// ("privacy.k") in any refusal. REQUIRES: `object` outlives the reader.
class Members {
 public:
  Members(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

  std::string PathOf(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool Has(std::string_view key) const { return object_.contains(key); }

  Result<const Json*> Any(std::string_view key) const {
    auto it = object_.find(key);
    if (it == object_.end()) return Refuse(PathOf(key), "missing");
    return &*it;
  }

  Result<Members> Object(std::string_view key) const {
    LEDGER_ASSIGN_OR_RETURN(const Json* v, Any(key));
    if (!v->is_object()) return Refuse(PathOf(key), "not an object");
    return Members(*v, PathOf(key));
  }

  // A string of 1 to `max_bytes` bytes without control characters (it may be printed).
  Result<std::string> String(std::string_view key, size_t max_bytes = 256) const {
    LEDGER_ASSIGN_OR_RETURN(const Json* v, Any(key));
    if (!v->is_string()) return Refuse(PathOf(key), "not a string");
    const std::string& s = v->get_ref<const std::string&>();
    if (s.empty() || s.size() > max_bytes) {
      return Refuse(PathOf(key), fmt::format("not 1 to {} bytes long", max_bytes));
    }
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      // C0 controls, DEL, and C1 controls (U+0080-U+009F, 0xC2 0x80-0x9F in UTF-8).
      const bool c1 = c == 0xC2 && i + 1 < s.size() &&
                      static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                      static_cast<unsigned char>(s[i + 1]) <= 0x9F;
      if (c < 0x20 || c == 0x7F || c1) return Refuse(PathOf(key), "holds a control character");
    }
    return s;
  }

  // An integer from `low` to `high`.
  Result<int64_t> Integer(std::string_view key, int64_t low, int64_t high) const {
    LEDGER_ASSIGN_OR_RETURN(const Json* v, Any(key));
    return IntegerValue(*v, PathOf(key), low, high);
  }

  Result<uint64_t> Count(std::string_view key) const {
    LEDGER_ASSIGN_OR_RETURN(int64_t n, Integer(key, 0, static_cast<int64_t>(kMaxManifestCount)));
    return static_cast<uint64_t>(n);
  }

  // A number (integer or not) from 0 to `high`.
  Result<double> Fraction(std::string_view key, double high) const {
    LEDGER_ASSIGN_OR_RETURN(const Json* v, Any(key));
    if (!v->is_number()) return Refuse(PathOf(key), "not a number");
    const double d = v->get<double>();
    if (!std::isfinite(d) || d < 0 || d > high) {
      return Refuse(PathOf(key), fmt::format("not from 0 to {}", high));
    }
    return d;
  }

  // 64 lowercase hex digits.
  Result<std::string> Sha256(std::string_view key) const {
    LEDGER_ASSIGN_OR_RETURN(std::string s, String(key, 64));
    if (s.size() != 64 || !IsLowerHex(s)) {
      return Refuse(PathOf(key), "not a SHA-256 (64 lowercase hex digits)");
    }
    return s;
  }

  // "2008-01": the month's first day.
  Result<CivilDate> Month(std::string_view key) const {
    LEDGER_ASSIGN_OR_RETURN(std::string s, String(key, 16));
    auto m = ParseMonth(s);
    if (!m.ok()) return Refuse(PathOf(key), m.status().message());
    return *m;
  }

  static Result<int64_t> IntegerValue(const Json& v, const std::string& path, int64_t low,
                                      int64_t high) {
    if (!v.is_number_integer()) return Refuse(path, "not a whole number");
    // An unsigned beyond int64 would wrap in get<int64_t>.
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(high)) {
      return Refuse(path, fmt::format("{} is not from {} to {}", v.get<uint64_t>(), low, high));
    }
    const int64_t n = v.get<int64_t>();
    if (n < low || n > high)
      return Refuse(path, fmt::format("{} is not from {} to {}", n, low, high));
    return n;
  }

  const Json& json() const { return object_; }

 private:
  const Json& object_;
  std::string path_;
};

// Whether `name` may be a file of a release: a plain name in its directory.
bool ValidFileName(std::string_view name) {
  return ValidReleaseId(name) && name != kManifestFile && name != kSignatureFile;
}

// ValidateExportParams names the flag at fault ("--k: 2 to 1000"); a manifest's reader names the
// member and its value, and keeps the flag's rule.
Status ParamRefusal(const Status& s, const ExportParams& p) {
  const std::string horizons = fmt::format("[{}]", fmt::join(p.horizons, ","));
  const std::array<std::array<std::string, 3>, 12> kFields = {{
      {"--release", "release_id", p.release_id},
      {"--cohort", "cohort.intake_from_month..intake_to_month",
       fmt::format("{:04d}-{:02d}..{:04d}-{:02d}", p.intake_from.year, p.intake_from.month,
                   p.intake_to.year, p.intake_to.month)},
      {"--as-of", "cohort.as_of_month", fmt::format("{:04d}-{:02d}", p.as_of.year, p.as_of.month)},
      {"--ages", "cohort.age_min..age_max", fmt::format("{}..{}", p.age_min, p.age_max)},
      {"--horizons", "horizons", horizons},
      {"--k", "privacy.k", std::to_string(p.k)},
      {"--small-cells", "privacy.small_cell_threshold", std::to_string(p.small_cell_threshold)},
      {"--time-unit", "privacy.time_unit_days", std::to_string(p.time_unit_days)},
      {"--max-suppressed", "privacy.max_suppressed_permille",
       std::to_string(p.max_suppressed_permille)},
      {"--lkc-l", "privacy.lkc.l", std::to_string(p.lkc_l)},
      {"--lkc-k", "privacy.lkc.k", std::to_string(p.lkc_k)},
      {"--lkc-bucket", "privacy.lkc.bucket_days", std::to_string(p.lkc_bucket_days)},
  }};
  for (const auto& [flag, field, value] : kFields) {
    if (s.message().starts_with(flag + ":")) {
      return Refuse(field, value + " is not what an export accepts (" + s.message() + ")");
    }
  }
  return Status::Corruption(std::string(kManifestFile) + ": parameters an export refuses (" +
                            s.message() + ")");
}

constexpr int64_t kIntMin = INT_MIN, kIntMax = INT_MAX;

}  // namespace

Result<Manifest> ParseManifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) {
    return Status::Corruption(
        fmt::format("{}: larger than {} bytes", kManifestFile, kMaxManifestBytes));
  }
  auto parsed = ParseEventJson(text);
  if (!parsed.ok()) {
    return Status::Corruption(std::string(kManifestFile) + ": " + parsed.status().message());
  }
  if (!parsed->is_object())
    return Status::Corruption(std::string(kManifestFile) + ": not an object");
  const Members root(*parsed, "");
  LEDGER_ASSIGN_OR_RETURN(std::string format, root.String("format", 64));
  if (format != kFormat) {
    return Refuse("format", Shown(format, 64) + " is not " + std::string(kFormat));
  }
  Manifest m;
  ExportParams& p = m.params;
  LEDGER_ASSIGN_OR_RETURN(m.release_id, root.String("release_id", 64));
  if (!ValidReleaseId(m.release_id)) {
    return Refuse("release_id", "not 1-64 characters of [A-Za-z0-9._-] not starting with '.'");
  }
  p.release_id = m.release_id;
  LEDGER_ASSIGN_OR_RETURN(m.recipient_org, root.String("recipient_org"));
  LEDGER_ASSIGN_OR_RETURN(m.purpose, root.String("purpose"));
  LEDGER_ASSIGN_OR_RETURN(m.basis, root.String("basis"));

  LEDGER_ASSIGN_OR_RETURN(Members cohort, root.Object("cohort"));
  LEDGER_ASSIGN_OR_RETURN(p.intake_from, cohort.Month("intake_from_month"));
  LEDGER_ASSIGN_OR_RETURN(CivilDate to, cohort.Month("intake_to_month"));
  p.intake_to = CivilDate{to.year, to.month, DaysInMonth(to.year, to.month)};
  LEDGER_ASSIGN_OR_RETURN(CivilDate as_of, cohort.Month("as_of_month"));
  p.as_of = CivilDate{as_of.year, as_of.month, DaysInMonth(as_of.year, as_of.month)};
  LEDGER_ASSIGN_OR_RETURN(int64_t age_min, cohort.Integer("age_min", kIntMin, kIntMax));
  LEDGER_ASSIGN_OR_RETURN(int64_t age_max, cohort.Integer("age_max", kIntMin, kIntMax));
  p.age_min = static_cast<int>(age_min);
  p.age_max = static_cast<int>(age_max);

  LEDGER_ASSIGN_OR_RETURN(const Json* horizons, root.Any("horizons"));
  if (!horizons->is_array() || horizons->empty() || horizons->size() > 64) {
    return Refuse("horizons", "not an array of 1 to 64 whole numbers");
  }
  p.horizons.clear();
  for (size_t i = 0; i < horizons->size(); ++i) {
    LEDGER_ASSIGN_OR_RETURN(
        int64_t h,
        Members::IntegerValue((*horizons)[i], fmt::format("horizons[{}]", i), kIntMin, kIntMax));
    p.horizons.push_back(static_cast<int>(h));
  }

  LEDGER_ASSIGN_OR_RETURN(Members privacy, root.Object("privacy"));
  LEDGER_ASSIGN_OR_RETURN(int64_t k, privacy.Integer("k", kIntMin, kIntMax));
  LEDGER_ASSIGN_OR_RETURN(int64_t small, privacy.Integer("small_cell_threshold", kIntMin, kIntMax));
  LEDGER_ASSIGN_OR_RETURN(int64_t unit, privacy.Integer("time_unit_days", kIntMin, kIntMax));
  LEDGER_ASSIGN_OR_RETURN(int64_t most,
                          privacy.Integer("max_suppressed_permille", kIntMin, kIntMax));
  p.k = static_cast<int>(k);
  p.small_cell_threshold = static_cast<int>(small);
  p.time_unit_days = static_cast<int>(unit);
  p.max_suppressed_permille = static_cast<int>(most);
  LEDGER_ASSIGN_OR_RETURN(std::string fingerprint, privacy.String("pseudonym_key_fingerprint", 64));
  // LKC-privacy of trajectories: in every release exported since it was introduced; a release
  // without it was made before and is read with the defaults, which pass.
  if (privacy.Has("lkc")) {
    LEDGER_ASSIGN_OR_RETURN(Members lkc, privacy.Object("lkc"));
    LEDGER_ASSIGN_OR_RETURN(int64_t l, lkc.Integer("l", kIntMin, kIntMax));
    LEDGER_ASSIGN_OR_RETURN(int64_t lkc_k, lkc.Integer("k", kIntMin, kIntMax));
    LEDGER_ASSIGN_OR_RETURN(int64_t bucket, lkc.Integer("bucket_days", kIntMin, kIntMax));
    p.lkc_l = static_cast<int>(l);
    p.lkc_k = static_cast<int>(lkc_k);
    p.lkc_bucket_days = static_cast<int>(bucket);
  }
  if (Status s = ValidateExportParams(p); !s.ok()) return ParamRefusal(s, p);

  LEDGER_ASSIGN_OR_RETURN(Members generalisation, root.Object("generalisation"));
  for (std::string_view q : {"sex", "age", "municipality", "intake_period"}) {
    LEDGER_ASSIGN_OR_RETURN(std::string level, generalisation.String(q, 32));
  }
  // The risk figures describe the release; a reader only checks their form. Each is optional so
  // that an exporter may report more or fewer of them.
  LEDGER_ASSIGN_OR_RETURN(Members risk, root.Object("risk"));
  for (std::string_view count : {"classes", "smallest_class"}) {
    if (risk.Has(count)) LEDGER_RETURN_IF_ERROR(risk.Count(count).status());
  }
  for (std::string_view share : {"max_risk", "mean_risk", "risk_threshold", "share_at_risk"}) {
    if (risk.Has(share)) LEDGER_RETURN_IF_ERROR(risk.Fraction(share, 1.0).status());
  }

  LEDGER_ASSIGN_OR_RETURN(Members counts, root.Object("counts"));
  LEDGER_ASSIGN_OR_RETURN(m.cohort, counts.Count("cohort"));
  LEDGER_ASSIGN_OR_RETURN(Members excluded, counts.Object("excluded"));
  for (ExclusionReason reason : kExclusionReasons) {
    LEDGER_ASSIGN_OR_RETURN(CountOf(m.excluded, reason), excluded.Count(ExclusionName(reason)));
  }
  LEDGER_ASSIGN_OR_RETURN(m.suppressed, counts.Count("suppressed"));
  LEDGER_ASSIGN_OR_RETURN(m.persons, counts.Count("persons"));
  LEDGER_ASSIGN_OR_RETURN(m.events, counts.Count("events"));
  LEDGER_ASSIGN_OR_RETURN(uint64_t merged, counts.Count("observations_merged"));
  if (m.persons == 0) return Refuse("counts.persons", "0: an export never releases nobody");
  // Each of these is at most 2^40: the sum cannot overflow.
  const uint64_t accounted = m.persons + m.suppressed + m.excluded.no_consent +
                             m.excluded.objected + m.excluded.restricted + m.excluded.erased;
  if (m.cohort != accounted) {
    return Refuse("counts.cohort", fmt::format("{} is not persons + suppressed + excluded ({})",
                                               m.cohort, accounted));
  }
  (void)merged;

  LEDGER_ASSIGN_OR_RETURN(Members projection, root.Object("projection"));
  LEDGER_ASSIGN_OR_RETURN(std::string projection_name, projection.String("name", 64));
  if (projection_name != replay::OutcomesProjection::kName) {
    return Refuse("projection.name", Shown(projection_name, 64) + " is not " +
                                         std::string(replay::OutcomesProjection::kName));
  }
  LEDGER_ASSIGN_OR_RETURN(int64_t version, projection.Integer("version", 1, UINT32_MAX));
  (void)version;

  LEDGER_ASSIGN_OR_RETURN(Members log, root.Object("release_log"));
  LEDGER_ASSIGN_OR_RETURN(uint64_t log_size, log.Count("size"));
  if (log_size != m.events) {
    return Refuse("release_log.size",
                  fmt::format("{} is not counts.events ({})", log_size, m.events));
  }
  LEDGER_ASSIGN_OR_RETURN(m.release_root_sha256, log.Sha256("root_sha256"));
  LEDGER_ASSIGN_OR_RETURN(m.report_sha256, root.Sha256("outcomes_report_sha256"));

  LEDGER_ASSIGN_OR_RETURN(Members files, root.Object("files"));
  if (files.json().empty() || files.json().size() > kMaxManifestFiles) {
    return Refuse("files", fmt::format("not 1 to {} files", kMaxManifestFiles));
  }
  for (const auto& [name, about] : files.json().items()) {
    if (!ValidFileName(name)) {
      return Refuse("files", "\"" + Shown(name, 64) +
                                 "\" is not a file name a release may list (1-64 characters of "
                                 "[A-Za-z0-9._-], not starting with '.', not the manifest or "
                                 "its signature)");
    }
    LEDGER_ASSIGN_OR_RETURN(Members file, files.Object(name));
    ManifestFile f;
    f.name = name;
    LEDGER_ASSIGN_OR_RETURN(f.sha256, file.Sha256("sha256"));
    LEDGER_ASSIGN_OR_RETURN(f.bytes, file.Count("bytes"));
    m.files.push_back(std::move(f));
  }
  for (std::string_view required : {kEventsFile, kPersonsFile}) {
    if (!files.Has(required)) {
      return Refuse("files", std::string(required) + " is not listed");
    }
  }
  return m;
}

}  // namespace ledger::release::internal
