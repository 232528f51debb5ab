// The per-route body limit table (server/src/api.h, MaxBodyBytes), for the connection layer to
// check a declared Content-Length against before reading the body (issue 14).
#include <gtest/gtest.h>

#include "api.h"

namespace ledger::server::internal {
namespace {

TEST(BodyLimitsTest, SmallBodiesAreSmallAppendsGetTheConfiguredMaximum) {
  ServerLimits limits;
  limits.max_body_bytes = 8 << 20;
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/groups/billing/ack", limits), 4096u);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/admin/backup", limits), 4096u);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/releases/ev1/export", limits), 4096u);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/events", limits), limits.max_body_bytes);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/events/batch", limits), limits.max_body_bytes);
  EXPECT_EQ(MaxBodyBytes("GET", "/v1/groups/billing", limits), limits.max_body_bytes);
  // Never above the configured maximum.
  limits.max_body_bytes = 1000;
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/groups/billing/ack", limits), 1000u);
}

}  // namespace
}  // namespace ledger::server::internal
