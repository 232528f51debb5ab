#include "enum_names.h"

#include <array>

#include "replay/event_view.h"

namespace ledger::replay {
namespace internal {
namespace {

// Each table follows the enumerant order of schema/event.capnp (which never changes).
constexpr std::array<std::string_view, kPurposeCount> kPurposes = {
    "case_coordination", "referral_committee", "evaluation", "statistics"};
constexpr std::array<std::string_view, 5> kDataCategories = {"identity", "economy", "health",
                                                             "education", "case_notes"};
constexpr std::array<std::string_view, kPhaseCount> kPhases = {"intake", "clarification",
                                                               "follow_up", "after_care"};
constexpr std::array<std::string_view, kObservedStatusCount> kStatuses = {
    "work_full", "work_part",      "education",  "qualification_programme",
    "measure",   "health_benefit", "unemployed", "other"};
constexpr std::array<std::string_view, kIncomeSourceCount> kIncomeSources = {
    "work",
    "social_assistance",
    "health_benefit",
    "unemployment_benefit",
    "qualification_benefit",
    "student_support",
    "family",
    "other"};
constexpr std::array<std::string_view, kActivityCount> kActivities = {
    "low_threshold", "qualifying", "work_oriented", "education", "course"};
constexpr std::array<std::string_view, kExemptionGroundCount> kGrounds = {
    "health", "care_duties", "already_active", "other"};
constexpr std::array<std::string_view, kCloseReasonCount> kCloseReasons = {
    "work", "education", "other_benefit", "moved", "no_contact", "other"};
constexpr std::array<std::string_view, kSexCount> kSexes = {"female", "male", "other"};

// Every member of the `data` union, in ordinal order.
constexpr std::array<std::string_view, 44> kEventTypes = {"case.opened",
                                                          "case.closed",
                                                          "case.reopened",
                                                          "assistance.decided",
                                                          "payment.made",
                                                          "condition.set",
                                                          "condition.exempted",
                                                          "condition.breached",
                                                          "breach.notified",
                                                          "breach.assessed",
                                                          "sanction.imposed",
                                                          "sanction.lifted",
                                                          "sanction.appealed",
                                                          "appeal.decided",
                                                          "phase.entered",
                                                          "course.enrolled",
                                                          "course.attended",
                                                          "course.ended",
                                                          "category.assigned",
                                                          "plan.recorded",
                                                          "agreement.signed",
                                                          "agreement.task_reviewed",
                                                          "agreement.problem_evaluated",
                                                          "agreement.closed",
                                                          "consent.given",
                                                          "consent.renewed",
                                                          "consent.withdrawn",
                                                          "consent.refused",
                                                          "consent.revoked",
                                                          "consent.invalidated",
                                                          "referral.made",
                                                          "disclosure.made",
                                                          "referral.recommended",
                                                          "status.observed",
                                                          "income.recorded",
                                                          "erasure.requested",
                                                          "erasure.decided",
                                                          "subject.shredded",
                                                          "processing.restricted",
                                                          "processing.unrestricted",
                                                          "release.approved",
                                                          "release.exported",
                                                          "key.registered",
                                                          "key.revoked"};

template <size_t N>
std::string_view At(const std::array<std::string_view, N>& table, unsigned i) {
  return i < N ? table[i] : std::string_view();
}

template <size_t N, typename E>
std::string_view Name(const std::array<std::string_view, N>& table, E v) {
  std::string_view s = At(table, static_cast<unsigned>(v));
  return s.empty() ? std::string_view("unknown") : s;
}

}  // namespace

std::string_view PurposeName(schema::Purpose v) { return Name(kPurposes, v); }
std::string_view DataCategoryName(schema::DataCategory v) { return Name(kDataCategories, v); }
std::string_view PhaseName(schema::Phase v) { return Name(kPhases, v); }
std::string_view ObservedStatusName(schema::ObservedStatus v) { return Name(kStatuses, v); }
std::string_view IncomeSourceName(schema::IncomeSource v) { return Name(kIncomeSources, v); }
std::string_view ActivityName(schema::Activity v) { return Name(kActivities, v); }
std::string_view ExemptionGroundName(schema::ExemptionGround v) { return Name(kGrounds, v); }
std::string_view CloseReasonName(schema::CloseReason v) { return Name(kCloseReasons, v); }

std::string_view PhaseNameAt(unsigned i) { return At(kPhases, i); }
std::string_view ObservedStatusNameAt(unsigned i) { return At(kStatuses, i); }
std::string_view IncomeSourceNameAt(unsigned i) { return At(kIncomeSources, i); }
std::string_view ActivityNameAt(unsigned i) { return At(kActivities, i); }
std::string_view ExemptionGroundNameAt(unsigned i) { return At(kGrounds, i); }
std::string_view PurposeNameAt(unsigned i) { return At(kPurposes, i); }
std::string_view CloseReasonNameAt(unsigned i) { return At(kCloseReasons, i); }
std::string_view SexNameAt(unsigned i) { return At(kSexes, i); }

}  // namespace internal

std::string_view EventTypeName(EventType type) {
  std::string_view s = internal::At(internal::kEventTypes, static_cast<unsigned>(type));
  return s.empty() ? std::string_view("unknown") : s;
}

}  // namespace ledger::replay
