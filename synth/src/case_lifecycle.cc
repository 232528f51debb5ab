// case.opened, case.closed, case.reopened and phase.entered after_care: the episode skeleton
// drawn by the life plan, written as events.
#include <string>

#include "processes.h"
#include "pseudonyms.h"

namespace ledger::synth {

void EmitCaseLifecycle(const Cohort& cohort, const IdentityRegistry& registry, Participant& p,
                       EventWriter& w) {
  Rng rng(StreamKey(cohort.seed, p.index, static_cast<uint64_t>(StreamTag::kLifecycle)));
  const Demography& d = p.demo;
  // Only the kept case.opened needs the number (computing it draws nothing).
  const std::string national_id = w.Keeps(d.open_at) ? registry.NationalId(p.index) : "";
  const Personal personal{d.name, national_id, registry.BirthDate(p.index)};
  const std::string office = NumberedId("office", d.office + 1, 2);
  w.Emit(
      d.open_at, "case.opened", Actor{p.reception_id, "caseworker"}, Basis::kAssistance,
      [&](Json& data) {
        data["municipality"] = cohort.municipality;
        data["office"] = office;
        data["programme"] = cohort.programme;
        data["intake_date"] = FormatDate(d.intake);
        data["age_at_intake"] = d.age;
        data["sex"] = d.male ? "male" : "female";
        data["referral_source"] = d.referral_source;
      },
      &personal);

  for (size_t i = 0; i < p.episodes.size(); ++i) {
    const Episode& e = p.episodes[i];
    if (i > 0) {
      w.Emit(e.open_at, "case.reopened", Actor{p.primary_id, "caseworker"}, Basis::kAssistance,
             [&](Json& data) { data["reason"] = "reapplication"; });
    }
    if (e.exit_day == kNoDay) continue;
    if (e.after_care) {
      w.Emit(AtTime(e.exit_day, 11, rng.Range(0, 30)), "phase.entered",
             Actor{p.primary_id, "caseworker"}, Basis::kAdvice,
             [&](Json& data) { data["phase"] = "after_care"; });
    }
    w.Emit(e.close_at, "case.closed", Actor{p.primary_id, "caseworker"}, Basis::kAssistance,
           [&](Json& data) { data["reason"] = ExitReasonName(e.reason); });
  }
}

}  // namespace ledger::synth
