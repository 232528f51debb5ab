#include "export_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ledger/time_format.h"
#include "replay/event_view.h"
#include "replay/report_run.h"

namespace ledger::release::internal {
namespace {

using replay::EventType;

// Figure-by-figure comparison of the O1-O9 figures at each horizon of the "all" groups.
void CompareHorizons(const replay::OutcomeGroup& a, const replay::OutcomeGroup& b,
                     std::vector<std::string>* out) {
  auto check = [&](const std::string& what, uint64_t x, uint64_t y) {
    if (x != y) out->push_back(fmt::format("{}: ledger {} release {}", what, x, y));
  };
  check("O1 cohort", a.cohort, b.cohort);
  for (size_t i = 0; i < a.horizons.size() && i < b.horizons.size(); ++i) {
    const auto& x = a.horizons[i];
    const auto& y = b.horizons[i];
    const std::string h = std::to_string(x.months);
    check("followed at " + h, x.followed, y.followed);
    for (const auto& [status, n] : x.status) {
      auto it = y.status.find(status);
      check("O2 " + status + " at " + h, n, it == y.status.end() ? 0 : it->second);
    }
    check("O3 at " + h, x.work_or_education, y.work_or_education);
    check("O4 at " + h, x.any_activity, y.any_activity);
    check("O5 at " + h, x.off_assistance, y.off_assistance);
    check("O6 at " + h, x.assistance_main_income, y.assistance_main_income);
    check("O7 at " + h, x.supplementary_only, y.supplementary_only);
  }
  check("O8 exits", a.survival.exits, b.survival.exits);
  check("O8 censored", a.survival.censored, b.survival.censored);
  if (a.survival.rows != b.survival.rows) {
    out->push_back("O8 survival table differs");
  }
  check("O9 exited", a.exited, b.exited);
  check("O9 re-entered", a.reentered, b.reentered);
}

// O10-O11 by calendar year.
void CompareYears(const replay::OutcomeGroup& a, const replay::OutcomeGroup& b,
                  std::vector<std::string>* out) {
  auto check = [&](const std::string& what, uint64_t x, uint64_t y) {
    if (x != y) out->push_back(fmt::format("{}: ledger {} release {}", what, x, y));
  };
  if (a.years.size() != b.years.size()) {
    out->push_back("O10-O12: different years");
    return;
  }
  for (size_t i = 0; i < a.years.size(); ++i) {
    const auto& x = a.years[i];
    const auto& y = b.years[i];
    const std::string year = std::to_string(x.year);
    check("O10 recipients " + year, x.recipients, y.recipients);
    check("O10 paid months " + year, x.paid_months, y.paid_months);
    check("O11 grant " + year, x.grant_nok, y.grant_nok);
    check("O11 loan " + year, x.loan_nok, y.loan_nok);
  }
}

// Figure-by-figure comparison of the "all" groups; `calendar` adds O10-O11. O12 is never
// compared: it asks which income observation was the last of a calendar year, and a release
// does not give the calendar day of an observation (only its coarse day since intake).
void Compare(const replay::OutcomesReport& ours, const replay::OutcomesReport& theirs,
             bool calendar, std::vector<std::string>* out) {
  CompareHorizons(ours.groups.front(), theirs.groups.front(), out);
  if (calendar) CompareYears(ours.groups.front(), theirs.groups.front(), out);
}

Moved MeasureMoved(const replay::OutcomesReport& ledger, const replay::OutcomesReport& release,
                   bool calendar) {
  Moved out;
  Compare(ledger, release, calendar, &out.figures);
  const replay::OutcomeGroup& a = ledger.groups.front();
  const replay::OutcomeGroup& b = release.groups.front();
  auto share = [](uint64_t n, uint64_t d) {
    return d == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(d);
  };
  for (size_t i = 0; i < a.horizons.size() && i < b.horizons.size(); ++i) {
    const auto& x = a.horizons[i];
    const auto& y = b.horizons[i];
    if (x.followed > y.followed) out.followed_lost += x.followed - y.followed;
    auto move = [&](uint64_t nx, uint64_t ny) {
      out.max_share_points =
          std::max(out.max_share_points, std::abs(share(nx, x.followed) - share(ny, y.followed)));
    };
    for (const auto& [status, n] : x.status) {
      auto it = y.status.find(status);
      move(n, it == y.status.end() ? 0 : it->second);
    }
    move(x.work_or_education, y.work_or_education);
    move(x.any_activity, y.any_activity);
    move(x.off_assistance, y.off_assistance);
    move(x.assistance_main_income, y.assistance_main_income);
    move(x.supplementary_only, y.supplementary_only);
  }
  return out;
}

// A projection that sees only the events of the given subjects.
class SubjectFilter final : public replay::Projection {
 public:
  SubjectFilter(replay::Projection* inner, const std::set<std::string, std::less<>>* subjects)
      : inner_(inner), subjects_(subjects) {}
  std::string_view name() const override { return inner_->name(); }
  uint32_t version() const override { return inner_->version(); }
  void Apply(const replay::EventView& event) override {
    if (subjects_->count(event.subject()) != 0) inner_->Apply(event);
  }
  void Reset() override { inner_->Reset(); }
  std::string Serialize() const override { return inner_->Serialize(); }
  Status Restore(std::string_view bytes) override { return inner_->Restore(bytes); }

 private:
  replay::Projection* inner_;
  const std::set<std::string, std::less<>>* subjects_;
};

// A projection of the ledger's events as a release gives them: only released subjects, nothing
// after each one's released follow-up end, no payment for a later month, no event the
// trajectory step suppressed.
class AsReleasedFilter final : public replay::Projection {
 public:
  AsReleasedFilter(replay::Projection* inner,
                   const std::map<std::string, ReleasedEnd, std::less<>>* people,
                   const std::set<uint64_t>* suppressed, const replay::ReportZone* zone)
      : inner_(inner), people_(people), suppressed_(suppressed), zone_(zone) {}
  // Its own name: the replayer takes each name once, and this one runs beside the full one.
  std::string_view name() const override { return "outcomes_as_released"; }
  uint32_t version() const override { return inner_->version(); }
  void Apply(const replay::EventView& event) override {
    auto p = people_->find(event.subject());
    if (p == people_->end() || suppressed_->count(event.seq()) != 0) return;
    if (DaysFromCivil(zone_->DateAt(event.occurred_at_us())) > p->second.end_day) return;
    if (event.type() == EventType::PAYMENT_MADE) {
      auto month = ParseMonth(std::string_view(event.data().getPaymentMade().getMonth().cStr()));
      if (month.ok() && MonthNumberOf(*month) > p->second.end_month) return;
    }
    inner_->Apply(event);
  }
  void Reset() override { inner_->Reset(); }
  std::string Serialize() const override { return inner_->Serialize(); }
  Status Restore(std::string_view bytes) override { return inner_->Restore(bytes); }

 private:
  replay::Projection* inner_;
  const std::map<std::string, ReleasedEnd, std::less<>>* people_;
  const std::set<uint64_t>* suppressed_;
  const replay::ReportZone* zone_;
};

}  // namespace

Result<LedgerComparison> CompareWithLedger(
    Ledger& ledger, const ReleasePlan& plan, const std::set<uint64_t>& suppressed_seqs,
    const replay::ReportZone& zone, const ExportParams& params,
    const replay::OutcomesReport& release, bool calendar,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  replay::OutcomesOptions options;
  options.horizons = params.horizons;
  replay::OutcomesProjection from_ledger, as_released_ledger;
  SubjectFilter filtered(&from_ledger, &plan.released_subjects);
  AsReleasedFilter as_released_filter(&as_released_ledger, &plan.ends, &suppressed_seqs, &zone);
  replay::ReportMoment moment;
  moment.as_of = params.as_of;
  moment.zone = zone;
  moment.progress = [&](const replay::ReplayProgress& p) { progress(p.position, p.end); };
  LEDGER_ASSIGN_OR_RETURN(
      auto run, replay::ReplayForReport(ledger, moment, {&filtered, &as_released_filter}));
  LedgerComparison out;
  out.ledger_outcomes = from_ledger.Report(run.at, run.log, options);
  replay::OutcomesReport ledger_as_released =
      as_released_ledger.Report(run.at, run.log, options, &plan.ledger_ends);
  Compare(ledger_as_released, release, calendar, &out.disagreements);
  out.moved = MeasureMoved(out.ledger_outcomes, release, calendar);
  out.agreement_scope =
      calendar ? "O1-O11 of the whole release, figure by figure (O12 needs calendar days)"
               : "O1-O9 of the whole release, figure by figure (O10-O12 not compared: the "
                 "intake period was generalised beyond the month, so calendar years move)";
  return out;
}

}  // namespace ledger::release::internal
