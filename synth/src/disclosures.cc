// disclosure.made: sharing case data with the committee, NAV, school, health services, child
// welfare, an employer or the evaluator, each under a consent that is in force and covers the
// recipient, the data categories and the purpose (basis "consent:<id>"). Two deliberate
// exceptions for the compliance checks: now and then (15 % of withdrawals) one disclosure after
// a consent was withdrawn (C2), and rarely (1 %) a disclosure under statute instead of consent.
#include <algorithm>
#include <string>
#include <vector>

#include "processes.h"

namespace ledger::synth {
namespace {

constexpr double kAfterWithdrawal = 0.15;
constexpr double kStatute = 0.01;

struct RecipientInfo {
  Recipient bit;
  const char* name;
  uint32_t typical;  // the categories usually shared with this recipient
};

constexpr RecipientInfo kRecipients[] = {
    {kNav, "nav", kIdentity | kEconomy | kEducation},
    {kSchool, "school", kIdentity | kEducation},
    {kHealth, "health", kIdentity | kHealthData},
    {kChildWelfare, "child_welfare", kIdentity | kEconomy | kCaseNotes},
    {kEmployer, "employer", kIdentity | kEducation},
    {kEvaluator, "evaluator:ramboll", kEconomy | kEducation},
};

Json Categories(uint32_t bits) {
  Json out = Json::array();
  if (bits & kIdentity) out.push_back("identity");
  if (bits & kEconomy) out.push_back("economy");
  if (bits & kHealthData) out.push_back("health");
  if (bits & kEducation) out.push_back("education");
  if (bits & kCaseNotes) out.push_back("case_notes");
  return out;
}

uint32_t LowestBit(uint32_t bits) { return bits & (~bits + 1); }

// A disclosure decided on, written once all are known so that ids follow time order.
struct Planned {
  Minute at;
  const char* recipient;
  uint32_t categories;
  std::string basis;
  const char* purpose;
  Basis legal;
};

class DisclosureWriter {
 public:
  DisclosureWriter(const Cohort& cohort, Participant& p, EventWriter& w)
      : cohort_(cohort),
        p_(p),
        w_(w),
        rng_(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kDisclosures))) {}

  void Run() {
    Committee();
    for (const Consent& c : p_.consents) {
      if (!c.refused) UnderConsent(c);
    }
    Statute();
    std::stable_sort(planned_.begin(), planned_.end(),
                     [](const Planned& a, const Planned& b) { return a.at < b.at; });
    int count = 0;
    for (const Planned& d : planned_) {
      const std::string id = "dis-" + std::to_string(++count);
      const std::string worker = p_.Worker(rng_, cohort_);
      w_.Emit(d.at, "disclosure.made", Actor{worker, "caseworker"}, d.legal, [&](Json& data) {
        data["disclosure_id"] = id;
        data["recipient"] = d.recipient;
        data["data_categories"] = Categories(d.categories);
        data["basis"] = d.basis;
        data["purpose"] = d.purpose;
      });
    }
  }

 private:
  // The committee meeting gets the case (before its recommendation, from 12:35).
  void Committee() {
    if (p_.hu_day == kNoDay || p_.consents.empty()) return;
    const Consent& c = p_.consents[0];
    const Minute at = AtTime(p_.hu_day, 12, rng_.Range(0, 20));
    if (!c.InForceAt(at)) return;
    planned_.push_back({at, "referral_committee", c.categories, "consent:" + c.id,
                        "referral_committee", Basis::kConsent});
  }

  // Sharing with partners during follow-up, while the consent is in force.
  void UnderConsent(const Consent& c) {
    const WorkCalendar& cal = cohort_.calendar;
    const Episode& e = p_.episodes[c.episode];
    if (e.follow_up == kNoDay) return;
    const Day from = std::max(DayOf(c.given_at) + 7, e.follow_up);
    const Day until = std::min(e.exit_day, cohort_.window_end);
    for (const RecipientInfo& r : kRecipients) {
      if ((c.recipients & r.bit) == 0) continue;
      const int count = r.bit == kNav         ? rng_.Range(1, 2)
                        : r.bit == kEvaluator ? 1
                                              : rng_.Range(0, 2);
      for (int k = 0; k < count; ++k) {
        if (from >= until) break;
        const Day day =
            cal.OnOrAfter(from + static_cast<Day>(rng_.Below(static_cast<uint64_t>(until - from))));
        const Minute at = OfficeTime(rng_, day);
        if (day >= until || !c.InForceAt(at)) continue;
        uint32_t categories = r.typical & c.categories;
        if (categories == 0) categories = LowestBit(c.categories);
        const char* purpose = r.bit == kEvaluator ? "evaluation" : "case_coordination";
        planned_.push_back({at, r.name, categories, "consent:" + c.id, purpose, Basis::kConsent});
      }
    }
    // The mistake C2 exists to catch: sharing after the person withdrew the consent.
    if (c.withdrawn_effective != kNever && rng_.Chance(kAfterWithdrawal)) {
      const Day day = cal.OnOrAfter(DayOf(c.withdrawn_effective) + rng_.Range(3, 40));
      const Minute at = OfficeTime(rng_, day);
      if (day < until && p_.IsActive(day)) {
        planned_.push_back({at, "nav", kIdentity | kEconomy, "consent:" + c.id, "case_coordination",
                            Basis::kConsent});
      }
    }
  }

  // Sharing with NAV under the Public Administration Act instead of consent.
  void Statute() {
    const bool shares = rng_.Chance(kStatute);
    const Episode& e = p_.episodes[0];
    if (!shares || e.follow_up == kNoDay) return;
    const Day day = cohort_.calendar.AddWorkingDays(e.follow_up + 1, rng_.Range(0, 30));
    const Minute at = OfficeTime(rng_, day);
    if (day >= e.exit_day) return;
    planned_.push_back({at, "nav", kIdentity | kEconomy, "NO:fvl§13b(1)(5)", "case_coordination",
                        Basis::kStatuteDisclosure});
  }

  const Cohort& cohort_;
  Participant& p_;
  EventWriter& w_;
  Rng rng_;
  std::vector<Planned> planned_;
};

}  // namespace

void EmitDisclosures(const Cohort& cohort, Participant& p, EventWriter& w) {
  DisclosureWriter(cohort, p, w).Run();
}

}  // namespace ledger::synth
