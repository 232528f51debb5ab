#include "simulate.h"

#include "life_plan.h"
#include "processes.h"
#include "pseudonyms.h"

namespace ledger::synth {

void SimulateParticipant(const Cohort& cohort, const IdentityRegistry& registry, uint32_t index,
                         Participant* scratch, EventWriter* writer) {
  Participant& p = *scratch;
  p.Reset();
  p.index = index;
  if (!cohort.roles.empty()) p.role = cohort.roles[index];
  p.subject = SubjectRef(cohort.seed, index);
  DrawDemography(cohort, index, &p.demo);
  p.primary_id = NumberedId("cw", p.demo.caseworker, cohort.worker_id_width);
  p.reception_id = NumberedId("cw", p.demo.reception, cohort.worker_id_width);
  DrawLifePlan(cohort, &p);

  EventWriter& w = *writer;
  w.StartParticipant(index, p.subject);
  // The order matters: each process reads what the earlier ones recorded (processes.h).
  EmitCaseLifecycle(cohort, registry, p, w);
  EmitProgramme(cohort, p, w);
  EmitConsents(cohort, p, w);
  EmitAssistance(cohort, p, w);
  EmitSanctions(cohort, p, w);
  EmitPayments(cohort, p, w);
  EmitAgreements(cohort, p, w);
  EmitDisclosures(cohort, p, w);
  EmitStatus(cohort, p, w);
}

}  // namespace ledger::synth
