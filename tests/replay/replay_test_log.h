// Fixtures for replay tests: an in-memory ledger with keys for every role that writes case
// events, and a builder that appends hand-written case events in the order a test lists them
// (so a test can make late entries: events whose occurred_at is earlier than what precedes).
#ifndef LEDGER_TESTS_REPLAY_REPLAY_TEST_LOG_H_
#define LEDGER_TESTS_REPLAY_REPLAY_TEST_LOG_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "../temp_dir.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"
#include "ledger/time_format.h"

namespace ledger::testing {

class ReplayTestLog {
 public:
  // With `check_case_rules` false the ledger appends what its case rules would refuse: a log
  // such as another ledger's, created with a higher limit on an agreement's problems
  // (max_agreement_problems, 1..16, which the in-memory ledger does not take).
  explicit ReplayTestLog(bool check_case_rules = true) {
    LedgerOptions options = Options();
    options.check_case_rules = check_case_rules;
    Init(CreateInMemoryLedgerWithAdmin(ledger_key_, admin_, options));
  }

  Ledger& ledger() { return *ledger_; }
  const MasterKey& master_key() const { return master_key_; }
  const SigningKey& ledger_key() const { return ledger_key_; }

  // Appends one event of `subject`'s case stream and returns its seq.
  uint64_t Add(const std::string& subject, const std::string& type, const std::string& occurred_at,
               nlohmann::json data, const std::string& role = "caseworker") {
    nlohmann::json j = {{"id", NewEventId()},
                        {"stream", "case/" + subject},
                        {"type", type},
                        {"occurred_at", occurred_at},
                        {"subject", subject},
                        {"actor", {{"id", role == "dpo" ? "dpo-1" : "cw-001"}, {"role", role}}},
                        {"legal_basis", {"NO:sotjl§18"}},
                        {"data", std::move(data)}};
    auto signed_event = SignEventJson(j.dump(), Key(role));
    EXPECT_TRUE(signed_event.ok()) << signed_event.status().ToString() << "\n" << j.dump();
    if (!signed_event.ok()) return ~uint64_t{0};
    auto r = ledger_->log().Append(*signed_event);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << j.dump();
    return r.ok() ? r->seq : ~uint64_t{0};
  }

  // case.opened with intake on the date of `occurred_at`.
  uint64_t Open(const std::string& subject, const std::string& office,
                const std::string& occurred_at) {
    return Add(subject, "case.opened", occurred_at,
               {{"municipality", "3005"},
                {"office", office},
                {"programme", "P1824"},
                {"intake_date", occurred_at.substr(0, 10)},
                {"age_at_intake", 19},
                {"sex", "female"},
                {"referral_source", "nav"}});
  }

  const SigningKey& Key(const std::string& role) {
    if (role == "service") return service_;
    if (role == "dpo") return dpo_;
    return caseworker_;
  }

 private:
  LedgerOptions Options() const {
    LedgerOptions options;
    options.master_key = master_key_;
    // A ledger clock that moves 1 ms per reading from the real time at creation: recorded_at
    // is distinct per entry, and key events (stamped with the real time) are not in its future.
    auto clock = std::make_shared<std::atomic<int64_t>>(NowMicros());
    options.clock = [clock] { return clock->fetch_add(1000) + 1000; };
    return options;
  }

  void Init(Result<std::unique_ptr<Ledger>> created) {
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ledger_ = std::move(*created);
    for (const auto* role : {"caseworker", "service", "dpo"}) {
      auto r = RegisterKey(*ledger_, admin_, Key(role).verifier(), role, {});
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  static SigningKey MakeKey(const std::string& name) { return SigningKey::Generate(name).value(); }
  SigningKey ledger_key_ = MakeKey("replay.test/ledger");
  SigningKey admin_ = MakeKey("admin");
  SigningKey caseworker_ = MakeKey("caseworker");
  SigningKey service_ = MakeKey("service");
  SigningKey dpo_ = MakeKey("dpo");
  MasterKey master_key_ = MasterKey::Generate();
  std::unique_ptr<Ledger> ledger_;
};

// Microseconds of an RFC 3339 instant (the test's own literals: must parse).
inline int64_t Us(const std::string& instant) {
  auto r = ParseInstantMicros(instant);
  EXPECT_TRUE(r.ok()) << instant;
  return r.ok() ? *r : 0;
}

inline CivilDate Date(const std::string& text) {
  auto r = ParseDate(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : CivilDate{};
}

// A fresh directory, removed with everything in it when the object goes.
class ScratchDir : public TempDir {
 public:
  ScratchDir() : TempDir("", Where::kTmp, Create::kYes) {}
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_REPLAY_REPLAY_TEST_LOG_H_
