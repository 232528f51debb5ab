// The cohorts of the two project reports the generator is shaped after, with their published
// outcomes built in (docs/evaluator-guide.md, "The reports' own figures, replayed"):
//
//  - drammen: P1824 (Drammen, 2007-2010). 428 recipients aged 18-24 in 2007 (intakes 2007-01 ..
//    2007-11), about 50 of them still recipients in December 2009, and of the recipients in May
//    2010 just over half with assistance only as a supplement (main income not social
//    assistance).
//  - narvik: Aktiv Hverdag (Narvik, 2002-2004). 235 participants by May 2004 (intakes 2002-01 ..
//    2003-12), 140 of them off assistance in May 2004 and 20 on passive assistance only (paid,
//    with no activity condition in force).
//
// The figures are quotas, not chance: each participant gets an outcome role from a seeded draw
// of exactly the published number of people (early intakes more likely to have left), and the
// life plan keeps each role's exits, incomes and activity conditions to it. Everything else
// (dates, amounts, statuses, agreements, consents) is drawn as for the default cohort, so the
// same seed gives the same bytes and another seed another cohort with the same figures.
#ifndef LEDGER_SYNTH_SCENARIO_H_
#define LEDGER_SYNTH_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "synth/cohort_generator.h"

namespace ledger::synth {

// "drammen", "narvik"; nullopt for any other name ("none" included).
std::optional<Scenario> ParseScenario(std::string_view name);
// "drammen", "narvik", "none".
std::string_view ScenarioName(Scenario scenario);

// The scenario's cohort: participants, window, municipality (the kommunenummer of the time:
// Drammen 0602, Narvik 1805), programme, and `seed`. For kNone, the default options.
CohortOptions ScenarioOptions(Scenario scenario, uint64_t seed = 1);

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_SCENARIO_H_
