// A ReplayTestLog holding a small synthetic cohort (synth/), each event signed by the key of its
// actor's role and appended in order: a realistic log for tests whose figures are not known by
// hand.
#ifndef LEDGER_TESTS_REPLAY_SYNTH_TEST_LOG_H_
#define LEDGER_TESTS_REPLAY_SYNTH_TEST_LOG_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/event_codec.h"
#include "replay_test_log.h"
#include "synth/cohort_generator.h"

namespace ledger::testing {

inline std::unique_ptr<ReplayTestLog> SyntheticLog(int participants, uint64_t seed) {
  auto log = std::make_unique<ReplayTestLog>();
  synth::CohortOptions options;
  options.participants = participants;
  options.seed = seed;
  std::vector<SignedEvent> batch;
  std::string error = synth::GenerateCohort(options, [&](std::string_view line) {
    auto j = nlohmann::json::parse(line);
    auto e = SignEventJson(line, log->Key(j["actor"]["role"].get<std::string>()));
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    if (e.ok()) batch.push_back(std::move(e).value());
  });
  EXPECT_TRUE(error.empty()) << error;
  for (size_t i = 0; i < batch.size(); i += 1000) {
    std::vector<SignedEvent> part(
        batch.begin() + static_cast<ptrdiff_t>(i),
        batch.begin() + static_cast<ptrdiff_t>(std::min(batch.size(), i + 1000)));
    auto r = log->ledger().log().AppendAtomic(part);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
  return log;
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_REPLAY_SYNTH_TEST_LOG_H_
