// SuppressSmallCells (small_cells.h).
#include "replay/small_cells.h"

#include <algorithm>
#include <vector>

#include "replay/outcomes.h"

namespace ledger::replay {
namespace {

class Suppressor {
 public:
  explicit Suppressor(uint64_t threshold) : t_(threshold) {}

  bool Small(uint64_t c) const { return c != kSuppressedCount && c > 0 && c < t_; }
  void Cell(uint64_t& c) const {
    if (Small(c)) c = kSuppressedCount;
  }
  // A count and its complement against a shown total: both go if either is small.
  void Pair(uint64_t& part, uint64_t total) const {
    if (part == kSuppressedCount) return;
    if (total == kSuppressedCount || Small(part) || Small(total - part)) part = kSuppressedCount;
  }
  // Counts that sum to a shown total: small ones go, and if exactly one went, the next smallest
  // shown non-zero one goes too, so that it cannot be recovered by subtraction.
  void Distribution(std::vector<uint64_t*> cells) const {
    size_t hidden = 0;
    for (uint64_t* c : cells) {
      Cell(*c);
      hidden += *c == kSuppressedCount;
    }
    if (hidden != 1) return;
    uint64_t* next = nullptr;
    for (uint64_t* c : cells) {
      if (*c == kSuppressedCount || *c == 0) continue;
      if (next == nullptr || *c < *next) next = c;
    }
    if (next != nullptr) *next = kSuppressedCount;
  }
  void Hide(uint64_t& c) const { c = kSuppressedCount; }

 private:
  uint64_t t_;
};

bool AnyHidden(std::initializer_list<uint64_t> cells) {
  return std::any_of(cells.begin(), cells.end(), [](uint64_t c) { return c == kSuppressedCount; });
}

void SuppressGroup(const Suppressor& s, uint64_t threshold, OutcomeGroup& g) {
  const bool whole = g.cohort != kSuppressedCount && g.cohort < threshold && g.cohort > 0;
  for (HorizonOutcome& h : g.horizons) {
    if (whole || s.Small(h.followed)) {
      s.Hide(h.followed);
      for (auto& [name, n] : h.status) s.Hide(n);
      for (uint64_t* c : {&h.work_or_education, &h.any_activity, &h.off_assistance,
                          &h.assistance_main_income, &h.supplementary_only}) {
        s.Hide(*c);
      }
      continue;
    }
    std::vector<uint64_t*> statuses;
    for (auto& [name, n] : h.status) statuses.push_back(&n);
    s.Distribution(statuses);
    // O3 and O4 are sums of statuses: shown only when their parts are.
    const auto& st = h.status;
    auto at = [&](const char* k) { return st.count(k) ? st.at(k) : 0; };
    if (AnyHidden({at("work_full"), at("work_part"), at("education")})) {
      s.Hide(h.work_or_education);
    }
    if (AnyHidden({at("work_full"), at("work_part"), at("education"), at("qualification_programme"),
                   at("measure")})) {
      s.Hide(h.any_activity);
    }
    s.Pair(h.work_or_education, h.followed);
    s.Pair(h.any_activity, h.followed);
    s.Pair(h.off_assistance, h.followed);
    s.Pair(h.assistance_main_income, h.followed);
    s.Pair(h.supplementary_only, h.followed);
  }
  // Kaplan-Meier: rows end where fewer than `threshold` remain at risk.
  auto& rows = g.survival.rows;
  auto first_small = std::find_if(rows.begin(), rows.end(),
                                  [&](const SurvivalRow& r) { return r.at_risk < threshold; });
  if (whole) first_small = rows.begin();
  rows.erase(first_small, rows.end());
  for (SurvivalRow& r : rows) {
    s.Cell(r.exits);
    s.Cell(r.censored);
    if (r.exits == kSuppressedCount) r.s_ppm = kSuppressedPpm;
  }
  if (whole) {
    s.Hide(g.survival.exits);
    s.Hide(g.survival.censored);
    g.survival.median_months.reset();
    s.Hide(g.exited);
    s.Hide(g.reentered);
  } else {
    s.Cell(g.survival.exits);
    s.Cell(g.survival.censored);
    s.Cell(g.exited);
    s.Pair(g.reentered, g.exited);
  }
  for (YearOutcome& y : g.years) {
    if (whole || s.Small(y.recipients)) {
      for (uint64_t* c : {&y.recipients, &y.paid_months, &y.grant_nok, &y.loan_nok, &y.payments,
                          &y.long_term_assistance}) {
        s.Hide(*c);
      }
      continue;
    }
    s.Pair(y.long_term_assistance, y.recipients);
  }
  if (g.stock) {
    StockOutcome& st = *g.stock;
    for (uint64_t* c : {&st.baseline_recipients, &st.recipients, &st.both}) {
      if (whole) s.Hide(*c);
      s.Cell(*c);
    }
    // Parts of the recipients of D: each goes with its complement, and with a hidden total.
    for (uint64_t* c : {&st.supplementary, &st.passive}) {
      if (whole) s.Hide(*c);
      s.Pair(*c, st.recipients);
    }
  }
  if (whole) s.Hide(g.cohort);
}

}  // namespace

void SuppressSmallCells(OutcomesReport* report, uint64_t threshold) {
  if (threshold <= 1) return;
  const Suppressor s(threshold);
  for (auto& [dim, values] : report->cohort_by) {
    std::vector<uint64_t*> cells;
    for (auto& [value, n] : values) cells.push_back(&n);
    s.Distribution(cells);
  }
  for (OutcomeGroup& g : report->groups) SuppressGroup(s, threshold, g);
}

}  // namespace ledger::replay
