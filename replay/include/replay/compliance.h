// Compliance (indicators.md, "Compliance", checks P1, P3, P6, C1-C3; docs/projections.md,
// "Compliance"): what auditors check, as shares of the events judged, with every exception
// listed with the events that cause it (seq, event id, stream), so that an auditor can read
// them with `ledger read`.
//
// The projection keeps, per case stream, the facts the checks read (decisions, conditions and
// exemptions, breaches and sanctions, agreements, consents, referrals and disclosures); every
// check is judged by Report() at the report's moment, so late entries count wherever they are
// in the log: a breach notice recorded after the sanction but dated before it satisfies P3, and
// a withdrawal recorded late but effective before a disclosure makes it an exception of C2.
#ifndef REPLAY_COMPLIANCE_H_
#define REPLAY_COMPLIANCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "replay/projection.h"
#include "replay/replayer.h"
#include "replay/report_run.h"
#include "replay/report_time.h"
#include "replay/state_store.h"

namespace ledger::replay {

// One event of the log, as an exception names it.
struct ComplianceEvent {
  uint64_t seq = 0;
  std::string event_id;
  std::string type;  // "assistance.decided"
  int64_t occurred_at_us = 0;
};

struct ComplianceException {
  std::string stream;
  std::string ref_id;  // the decision, sanction, agreement, referral or disclosure id
  // Why, as codes (docs/projections.md lists them): "no_condition_or_exemption",
  // "consent_withdrawn", "recipient_not_covered", ...
  std::vector<std::string> reasons;
  // The event judged first, then the events that make it an exception (the withdrawal a
  // disclosure came after, the closure without evaluation, the basis decision without warning).
  std::vector<ComplianceEvent> events;
};

struct ComplianceCheck {
  std::string id;        // "P1", "P3", "P6", "C1", "C2"
  std::string title;     // what is checked, in a few words
  std::string target;    // "100%" (every judged event passes) or "0" (no exception)
  uint64_t checked = 0;  // events judged
  uint64_t passed = 0;
  std::vector<ComplianceException> exceptions;  // by the seq of the judged event
};

// C3: consent dynamics at the report's instant T, over the consents of every case stream.
struct ConsentDynamics {
  uint64_t asked = 0;      // consent ids given or refused
  uint64_t refused = 0;    // refusal rate = refused / asked
  uint64_t given = 0;      // given and not refused
  uint64_t withdrawn = 0;  // given, with a withdrawal effective at or before T (rate: / given)
  // Validity: days from the consent.given to the first instant it was no longer in force
  // (expiry in effect, withdrawal, revocation, invalidation, replacement), for the given
  // consents whose validity ended by T. Median: the ceil(n/2)-th smallest.
  uint64_t ended = 0;
  std::optional<int64_t> median_validity_days;
  // Renewal: of the given consents whose first expiry was reached by T (without being stopped
  // before it) or which were renewed before it, those renewed before it.
  uint64_t renewal_decided = 0;
  uint64_t renewed_before_expiry = 0;
};

struct ComplianceReport {
  ReportTime at;
  LogPoint log;
  uint32_t projection_version = 0;
  std::vector<ComplianceCheck> checks;  // P1, P3, P6, C1, C2
  ConsentDynamics consent;              // C3
  uint64_t statute_disclosures = 0;     // disclosures on a statute, not a consent (not judged)
};

class ComplianceProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "compliance";
  // 1: first version.
  static constexpr uint32_t kVersion = 1;

  ComplianceProjection();
  ~ComplianceProjection() override;
  ComplianceProjection(const ComplianceProjection&) = delete;
  ComplianceProjection& operator=(const ComplianceProjection&) = delete;

  std::string_view name() const override { return kName; }
  uint32_t version() const override { return kVersion; }
  void Apply(const EventView& event) override;
  void Reset() override;
  std::string Serialize() const override;
  Status Restore(std::string_view bytes) override;

  // The checks at `at`, for a state that stands at `log`.
  ComplianceReport Report(const ReportTime& at, const LogPoint& log) const;

  size_t case_count() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

struct ComplianceRun {
  ComplianceReport report;
  ResumeInfo resume;
  RunStats stats;
};

// Replays what `moment` needs (report_run.h) and reports.
Result<ComplianceRun> RunCompliance(Ledger& ledger, const ReportMoment& moment,
                                    StateStore* store = nullptr);

// Renderings, deterministic functions of the report.
// The checks at a glance, the exceptions with their events (at most `max_exceptions_per_check`
// of each check, with a count of the others), consent dynamics.
std::string ComplianceText(const ComplianceReport& report,
                           size_t max_exceptions_per_check = SIZE_MAX);
// Canonical JSON, {"report": {...}, "sha256": hex} and a newline (docs/projections.md).
std::string ComplianceJson(const ComplianceReport& report);
// One row per exception: check,stream,ref_id,reasons,seq,event_id,event_type,occurred_at,
// related_seqs (the other events, ';'-joined).
std::string ComplianceCsv(const ComplianceReport& report);
// One row per check: check,checked,passed,exceptions,share; then the C3 figures.
std::string ComplianceSummaryCsv(const ComplianceReport& report);

}  // namespace ledger::replay

#endif  // REPLAY_COMPLIANCE_H_
