// The state of one case stream that the case rules are checked against, kept by the writer
// beside the stream's head (storage.capnp CaseState) so that an append never replays its
// stream. Derived state: it is a pure function of the stream's events, and the verifier
// rebuilds it from the log.
#ifndef LEDGER_SRC_CASE_STATE_H_
#define LEDGER_SRC_CASE_STATE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/consent.h"

namespace ledger::internal {

struct BreachState {
  bool notified = false;
  bool assessed = false;
  bool operator==(const BreachState&) const = default;
};

struct SanctionState {
  bool lifted = false;
  bool appealed = false;
  bool appeal_decided = false;
  bool operator==(const SanctionState&) const = default;
};

struct AgreementState {
  bool closed = false;
  std::set<std::string> problems;
  std::set<std::string> tasks;
  bool operator==(const AgreementState&) const = default;
};

struct ErasureState {
  bool decided = false;
  bool granted = false;
  bool operator==(const ErasureState&) const = default;
};

struct CaseState {
  bool closed = false;
  int64_t closed_at_us = 0;                          // occurred_at of the latest case.closed
  std::string municipality, programme, intake_date;  // from case.opened
  std::map<std::string, bool> decisions;             // decision id -> outcome granted or partly
  std::set<std::string> conditions;
  std::set<std::string> exemptions;
  std::map<std::string, BreachState> breaches;
  std::map<std::string, SanctionState> sanctions;
  std::map<std::string, bool> courses;  // course id -> ended
  std::map<std::string, AgreementState> agreements;
  std::vector<ConsentFacts> consents;  // in the order first named
  std::set<std::string> referrals;
  std::set<std::string> disclosures;
  std::set<std::string> plans;
  std::map<std::string, ErasureState> erasures;
  std::vector<RestrictionPeriod> restrictions;  // in the order recorded
  bool operator==(const CaseState&) const = default;

  const ConsentFacts* FindConsent(std::string_view id) const;
  ConsentFacts* FindConsent(std::string_view id);
  // The purpose's restriction not yet lifted, if any.
  RestrictionPeriod* OpenRestriction(std::string_view purpose);
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_CASE_STATE_H_
