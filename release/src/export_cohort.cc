#include "export_cohort.h"

#include <optional>
#include <string_view>

#include "ledger/time_format.h"
#include "replay/event_view.h"

namespace ledger::release::internal {
namespace {

using replay::EventType;

// Who belongs to the cohort: intake in [from_day, to_day] and by the report date, age in
// [age_min, age_max], and what counts: events up to the end of the report date.
struct CohortWindow {
  int64_t from_day = 0;
  int64_t to_day = 0;
  int64_t as_of_day = 0;
  int age_min = 0;
  int age_max = 0;
  int64_t as_of_end_us = 0;
};

// The cohort member a case.opened makes, if it falls in the window.
std::optional<Candidate> CandidateOf(const replay::EventView& view, const CohortWindow& w) {
  if (view.occurred_at_us() > w.as_of_end_us) return std::nullopt;
  auto o = view.data().getCaseOpened();
  auto intake = ParseDate(std::string_view(o.getIntakeDate().cStr()));
  if (!intake.ok()) return std::nullopt;
  const int64_t day = DaysFromCivil(*intake);
  const int age = o.getAgeAtIntake();
  if (day < w.from_day || day > w.to_day || day > w.as_of_day || age < w.age_min ||
      age > w.age_max) {
    return std::nullopt;
  }
  Candidate c;
  c.subject = std::string(view.subject());
  c.qi.sex = o.getSex() == schema::Sex::FEMALE ? "female"
             : o.getSex() == schema::Sex::MALE ? "male"
                                               : "other";
  c.qi.age = age;
  c.qi.municipality = o.getMunicipality().cStr();
  c.qi.office = o.getOffice().cStr();
  c.qi.intake = *intake;
  return c;
}

// A status.observed or income.recorded of a cohort member, up to the end of the report date.
std::optional<Observation> ObservationOf(const replay::EventView& view, uint64_t seq,
                                         const replay::ReportZone& zone, int64_t as_of_end_us) {
  if (view.occurred_at_us() > as_of_end_us) return std::nullopt;
  const EventType type = view.type();
  if (type != EventType::STATUS_OBSERVED && type != EventType::INCOME_RECORDED) {
    return std::nullopt;
  }
  const bool status = type == EventType::STATUS_OBSERVED;
  auto as_of_text = status ? view.data().getStatusObserved().getAsOf()
                           : view.data().getIncomeRecorded().getAsOf();
  auto as_of = ParseDate(std::string_view(as_of_text.cStr()));
  if (!as_of.ok()) return std::nullopt;
  return Observation{status, DaysFromCivil(*as_of),
                     DaysFromCivil(zone.DateAt(view.occurred_at_us())),
                     status ? -static_cast<int64_t>(view.data().getStatusObserved().getStatus())
                            : view.occurred_at_us(),
                     seq};
}

}  // namespace

Result<Cohort> ReadCohort(Ledger& ledger, const ExportParams& params,
                          const replay::ReportZone& zone, int64_t as_of_end_us,
                          const std::function<void(uint64_t, uint64_t)>& progress) {
  const CohortWindow window{DaysFromCivil(params.intake_from),
                            DaysFromCivil(params.intake_to),
                            DaysFromCivil(params.as_of),
                            params.age_min,
                            params.age_max,
                            as_of_end_us};
  const uint64_t log_size = ledger.log().Size();
  Cohort cohort;
  replay::EventDecoder decoder;
  replay::EventView view;
  auto it = ledger.log().Scan(0, /*decode=*/false);
  for (; it->Valid(); it->Next()) {
    const Entry& e = it->entry();
    LEDGER_RETURN_IF_ERROR(decoder.DecodeEntryBytes(e.seq, e.bytes, &view));
    if (e.seq % 65536 == 0) progress(e.seq, log_size);
    if (view.subject().empty()) continue;
    if (view.type() == EventType::CASE_OPENED) {
      if (auto c = CandidateOf(view, window)) {
        std::string subject = c->subject;
        cohort.emplace(std::move(subject), std::move(*c));
      }
      continue;
    }
    auto found = cohort.find(std::string(view.subject()));
    if (found == cohort.end()) continue;
    Candidate& c = found->second;
    if (view.type() == EventType::SUBJECT_SHREDDED) {
      c.shredded = true;
    } else if (auto o = ObservationOf(view, e.seq, zone, as_of_end_us)) {
      c.observations.push_back(*o);
    }
  }
  LEDGER_RETURN_IF_ERROR(it->status());
  return cohort;
}

}  // namespace ledger::release::internal
