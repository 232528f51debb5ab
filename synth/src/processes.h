// The processes of one participant's life course, run in this order by SimulateParticipant
// (each reads what the earlier ones decided, see participant.h):
//   case lifecycle -> programme -> consent -> assistance -> sanctions -> payments
//   -> agreements -> disclosures -> status.
// Each draws from its own random stream, writes its events through the writer, and records in
// the Participant what later processes need.
#ifndef LEDGER_SYNTH_PROCESSES_H_
#define LEDGER_SYNTH_PROCESSES_H_

#include "cohort.h"
#include "event_writer.h"
#include "identity_registry.h"
#include "participant.h"

namespace ledger::synth {

// The id of the consent given at intake; the programme's referral cites it.
inline constexpr const char* kIntakeConsentId = "con-1";

// case.opened (with the personal values), case.closed, case.reopened and the after-care phase.
void EmitCaseLifecycle(const Cohort& cohort, const IdentityRegistry& registry, Participant& p,
                       EventWriter& w);
// Phases, referral to the committee, the "Klart jeg kan" course, category and plan.
void EmitProgramme(const Cohort& cohort, Participant& p, EventWriter& w);
// consent.given / renewed / withdrawn / refused.
void EmitConsents(const Cohort& cohort, Participant& p, EventWriter& w);
// assistance.decided with condition.set or condition.exempted.
void EmitAssistance(const Cohort& cohort, Participant& p, EventWriter& w);
// Breaches of conditions, their notices and assessments, sanctions and appeals.
void EmitSanctions(const Cohort& cohort, Participant& p, EventWriter& w);
// payment.made per paid month.
void EmitPayments(const Cohort& cohort, Participant& p, EventWriter& w);
// Task-oriented cooperation agreements: signing, task reviews, evaluation, closing.
void EmitAgreements(const Cohort& cohort, Participant& p, EventWriter& w);
// disclosure.made under consent (and rarely under statute or after a withdrawal).
void EmitDisclosures(const Cohort& cohort, Participant& p, EventWriter& w);
// status.observed and income.recorded, also after the case is closed.
void EmitStatus(const Cohort& cohort, Participant& p, EventWriter& w);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_PROCESSES_H_
