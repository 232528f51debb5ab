// What the release tests share: exporting a test log's cohort and publishing it.
#ifndef LEDGER_TESTS_RELEASE_EXPORT_AND_PUBLISH_H_
#define LEDGER_TESTS_RELEASE_EXPORT_AND_PUBLISH_H_

#include <gtest/gtest.h>

#include <filesystem>

#include "../replay/replay_test_log.h"
#include "ledger/time_format.h"
#include "release/release.h"

namespace ledger::release_testing {

// Exports `params` from `log`'s ledger into `dir` and publishes it there, as `ledger release
// export` does. A failure of either fails the test; the summary is then empty.
inline release::ExportSummary ExportAndPublish(testing::ReplayTestLog& log,
                                               const release::ExportParams& params,
                                               const std::filesystem::path& dir) {
  auto s = release::Export(log.ledger(), log.master_key(), log.ledger_key(), params, dir.string(),
                           NowMicros());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return {};
  const Status published = release::Publish(*s, dir.string());
  EXPECT_TRUE(published.ok()) << published.ToString();
  return *s;
}

}  // namespace ledger::release_testing

#endif  // LEDGER_TESTS_RELEASE_EXPORT_AND_PUBLISH_H_
