// The skeleton of a life course, drawn before any event is written: the latent follow-up
// category, exemption, the first application's fate, and the episodes on assistance with their
// exits, after-care, closings and re-entries.
//
// Shape (after the P1824 report): 428 recipients in 2007 fell to about 50 by the end of 2009, so
// exits to work and education are common; categories 1 and 3 (willing) leave faster than 2 and 4;
// some come back after an exit. Monthly exit hazards per category are below; the first two months
// (reception and course) have low ones. A participant with a scenario role (scenario_plan.h)
// draws the first exit from the same hazards but inside the role's range, and comes back only
// when that spell too ends inside it.
#ifndef LEDGER_SYNTH_LIFE_PLAN_H_
#define LEDGER_SYNTH_LIFE_PLAN_H_

#include "cohort.h"
#include "participant.h"

namespace ledger::synth {

// Activity kinds of condition.set, in the catalogue's order.
enum Activity { kLowThreshold = 0, kQualifying, kWorkOriented, kEducationActivity, kCourse };
const char* ActivityName(int activity);

// REQUIRES: p->demo is drawn. Fills the latent traits and p->episodes.
void DrawLifePlan(const Cohort& cohort, Participant* p);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_LIFE_PLAN_H_
