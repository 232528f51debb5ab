// Shared fixtures for ledger tests: keys, a ledger with a caseworker key registered, and valid
// event JSON that tests then alter one field at a time.
#ifndef LEDGER_TESTS_LEDGER_TEST_EVENTS_H_
#define LEDGER_TESTS_LEDGER_TEST_EVENTS_H_

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"

namespace ledger::testing {

inline SigningKey MakeKey(const std::string& name) { return SigningKey::Generate(name).value(); }

// A valid case.opened for `subject`, with plain personal values (append input form).
inline nlohmann::json CaseOpened(const std::string& subject) {
  return {
      {"id", NewEventId()},
      {"stream", "case/" + subject},
      {"type", "case.opened"},
      {"occurred_at", "2008-01-15T09:30:00+01:00"},
      {"subject", subject},
      {"actor", {{"id", "cw-001"}, {"role", "caseworker"}}},
      {"legal_basis", {"NO:sotjl§18"}},
      {"data",
       {{"municipality", "3005"},
        {"office", "drammen-ung"},
        {"programme", "P1824"},
        {"intake_date", "2008-01-15"},
        {"age_at_intake", 19},
        {"sex", "female"},
        {"referral_source", "nav"}}},
      {"personal",
       {{"name", "Kari Nordmann"}, {"national_id", "15818912345"}, {"birth_date", "1989-01-15"}}},
  };
}

inline nlohmann::json PhaseEntered(const std::string& subject, const std::string& phase) {
  return {
      {"id", NewEventId()},
      {"stream", "case/" + subject},
      {"type", "phase.entered"},
      {"occurred_at", "2008-01-16T10:00:00+01:00"},
      {"subject", subject},
      {"actor", {{"id", "cw-001"}, {"role", "caseworker"}}},
      {"legal_basis", {"NO:sotjl§17"}},
      {"data", {{"phase", phase}}},
  };
}

// Any case event: `type` with `data`, at `occurred_at`, by an actor of `role`.
inline nlohmann::json CaseEvent(const std::string& subject, const std::string& type,
                                nlohmann::json data,
                                const std::string& occurred_at = "2008-02-01T10:00:00+01:00",
                                const std::string& role = "caseworker") {
  return {
      {"id", NewEventId()},
      {"stream", "case/" + subject},
      {"type", type},
      {"occurred_at", occurred_at},
      {"subject", subject},
      {"actor", {{"id", role == "dpo" ? "dpo-001" : "cw-001"}, {"role", role}}},
      {"legal_basis", {"NO:sotjl§18"}},
      {"data", std::move(data)},
  };
}

inline SignedEvent Sign(const nlohmann::json& j, const SigningKey& key) {
  auto e = SignEventJson(j.dump(), key);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return std::move(e).value();
}

// Options with a fresh master key unless `options` has one.
inline LedgerOptions WithMasterKey(LedgerOptions options) {
  if (!options.master_key) options.master_key = MasterKey::Generate();
  return options;
}

// An in-memory ledger (with a master key) with an admin and a registered caseworker key.
struct TestLedger {
  SigningKey ledger_key = MakeKey("test.example/ledger");
  SigningKey admin = MakeKey("admin");
  SigningKey caseworker = MakeKey("caseworker");
  std::unique_ptr<Ledger> ledger;

  explicit TestLedger(const LedgerOptions& options = {}) {
    ledger = CreateInMemoryLedgerWithAdmin(ledger_key, admin, WithMasterKey(options)).value();
    auto r = RegisterKey(*ledger, admin, caseworker.verifier(), "caseworker", {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_LEDGER_TEST_EVENTS_H_
