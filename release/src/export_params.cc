// The parameters of an export as people write them, parsed and validated (release/release.h),
// and what a release id may be. Apart from export.cc because the evaluator's reader checks a
// manifest's parameters with the same rules (manifest.cc) and needs no store.
#include "release/release.h"
#include "release_format.h"
#include "replay/report_time.h"
#include "timeline.h"

namespace ledger::release {

bool ValidReleaseId(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '.') return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<ExportParams> ParseExportParams(const ExportParamsText& t) {
  ExportParams p;
  p.release_id = t.release_id;
  const size_t dots = t.cohort.find("..");
  auto from = ParseMonth(dots == std::string::npos ? "" : t.cohort.substr(0, dots));
  auto to = ParseMonth(dots == std::string::npos ? "" : t.cohort.substr(dots + 2));
  if (!from.ok() || !to.ok()) {
    return Status::InvalidArgument("--cohort: intake months FROM..TO, e.g. 2008-01..2008-12");
  }
  p.intake_from = CivilDate{from->year, from->month, 1};
  p.intake_to = CivilDate{to->year, to->month, DaysInMonth(to->year, to->month)};
  auto as_of = ParseMonth(t.as_of);
  if (!as_of.ok()) return Status::InvalidArgument("--as-of: a month, e.g. 2010-12");
  p.as_of = CivilDate{as_of->year, as_of->month, DaysInMonth(as_of->year, as_of->month)};
  auto horizons = replay::ParseHorizons(t.horizons);
  if (!horizons.ok()) return horizons.status().WithContext("--horizons");
  p.horizons = *horizons;
  p.k = t.k;
  p.small_cell_threshold = t.small_cells;
  p.time_unit_days = t.time_unit;
  p.max_suppressed_permille = t.max_suppressed;
  p.lkc_l = t.lkc_l;
  p.lkc_k = t.lkc_k;
  p.lkc_bucket_days = t.lkc_bucket;
  p.age_min = t.age_min;
  p.age_max = t.age_max;
  p.key_of_release = t.link_to;
  LEDGER_RETURN_IF_ERROR(ValidateExportParams(p));
  return p;
}

Status ValidateExportParams(const ExportParams& p) {
  if (!ValidReleaseId(p.release_id)) {
    return Status::InvalidArgument(
        "--release: a release id is 1-64 characters of [A-Za-z0-9._-], not starting with '.'");
  }
  if (p.intake_from.day != 1) {
    return Status::InvalidArgument("--cohort: the window starts on the first day of a month");
  }
  if (p.intake_to.day != DaysInMonth(p.intake_to.year, p.intake_to.month)) {
    return Status::InvalidArgument("--cohort: the window ends on the last day of a month");
  }
  if (DaysFromCivil(p.intake_from) > DaysFromCivil(p.intake_to)) {
    return Status::InvalidArgument("--cohort: the window's start is after its end");
  }
  if (p.as_of.day != DaysInMonth(p.as_of.year, p.as_of.month)) {
    return Status::InvalidArgument("--as-of: a release is made as of the end of a month");
  }
  if (p.age_min < 15 || p.age_max > 99 || p.age_min > p.age_max) {
    return Status::InvalidArgument("--ages: need 15 <= min <= max <= 99");
  }
  if (p.horizons.empty() || p.horizons.size() > 8) {
    return Status::InvalidArgument("--horizons: between 1 and 8 horizons");
  }
  for (size_t i = 0; i < p.horizons.size(); ++i) {
    if (p.horizons[i] < 3 || p.horizons[i] > 240) {
      return Status::InvalidArgument("--horizons: each horizon is 3 to 240 months");
    }
    if (i > 0 && p.horizons[i] < p.horizons[i - 1] + 3) {
      return Status::InvalidArgument(
          "--horizons: ascending and at least 3 months apart (their look-back windows must not "
          "overlap)");
    }
  }
  if (p.k < 2 || p.k > 1000) return Status::InvalidArgument("--k: 2 to 1000");
  if (p.small_cell_threshold < 1 || p.small_cell_threshold > 1000) {
    return Status::InvalidArgument("--small-cells: 1 to 1000");
  }
  if (p.time_unit_days < 1 || p.time_unit_days > 366) {
    return Status::InvalidArgument("--time-unit: 1 to 366 days");
  }
  if (p.max_suppressed_permille < 0 || p.max_suppressed_permille > 1000) {
    return Status::InvalidArgument("--max-suppressed: 0 to 1000 (thousandths of the cohort)");
  }
  if (p.lkc_l < 0 || p.lkc_l > 3) {
    return Status::InvalidArgument("--lkc-l: 0 to 3 items (0: measure only)");
  }
  if (p.lkc_k < 2 || p.lkc_k > 1000) return Status::InvalidArgument("--lkc-k: 2 to 1000");
  if (p.lkc_bucket_days < 7 || p.lkc_bucket_days > 366) {
    return Status::InvalidArgument("--lkc-bucket: 7 to 366 days");
  }
  return Status::Ok();
}

}  // namespace ledger::release
