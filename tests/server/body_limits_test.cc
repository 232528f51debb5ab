// The per-route body limit table (server/src/api.h, RouteBodyLimits): what a request may carry,
// decided from its header and the caller's role before the body is read (issue 14).
#include <gtest/gtest.h>

#include "api.h"

namespace ledger::server::internal {
namespace {

TEST(BodyLimitsTest, SmallBodiesAreSmallAppendsGetTheConfiguredMaximum) {
  ServerLimits limits;
  limits.max_body_bytes = 8 << 20;
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/groups/billing/ack", "subscriber", limits), 4096u);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/groups/billing/ack", "caseworker", limits), 4096u);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/admin/backup", "admin", limits), 4096u);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/releases/ev1/export", "dpo", limits), 4096u);
  for (const char* role : {"caseworker", "service", "admin", "dpo"}) {
    SCOPED_TRACE(role);
    EXPECT_EQ(MaxBodyBytes("POST", "/v1/events", role, limits), limits.max_body_bytes);
    EXPECT_EQ(MaxBodyBytes("POST", "/v1/events/batch", role, limits), limits.max_body_bytes);
  }
  // Never above the configured maximum.
  limits.max_body_bytes = 1000;
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/groups/billing/ack", "caseworker", limits), 1000u);
}

TEST(BodyLimitsTest, RolesThatMayNotAppendGetASmallBodyOnTheAppendRoutes) {
  ServerLimits limits;
  for (const char* role : {"subscriber", "evaluator", "auditor", ""}) {
    SCOPED_TRACE(role);
    EXPECT_EQ(MaxBodyBytes("POST", "/v1/events", role, limits), kSmallBodyBytes);
    EXPECT_EQ(MaxBodyBytes("POST", "/v1/events/batch", role, limits), kSmallBodyBytes);
    EXPECT_EQ(RouteBodyLimits("POST", "/v1/events/batch", role, limits).max_json_elements,
              kSmallJsonElements);
  }
}

TEST(BodyLimitsTest, GetTakesNoBodyOtherMethodsASmallOne) {
  ServerLimits limits;
  EXPECT_EQ(MaxBodyBytes("GET", "/v1/head", "caseworker", limits), 0u);
  EXPECT_EQ(MaxBodyBytes("GET", "/v1/events", "caseworker", limits), 0u);
  EXPECT_EQ(MaxBodyBytes("HEAD", "/v1/head", "caseworker", limits), 0u);
  EXPECT_EQ(MaxBodyBytes("GET", "/v1/health", "", limits), 0u);
  EXPECT_EQ(MaxBodyBytes("POST", "/v1/head", "caseworker", limits), kSmallBodyBytes);
  EXPECT_EQ(MaxBodyBytes("PUT", "/v1/events", "caseworker", limits), kSmallBodyBytes);
}

TEST(BodyLimitsTest, ElementLimitsFollowWhatTheRouteCanHold) {
  ServerLimits limits;
  limits.max_batch_events = 10000;
  EXPECT_EQ(RouteBodyLimits("POST", "/v1/events", "caseworker", limits).max_json_elements,
            kMaxEventJsonElements);
  EXPECT_EQ(RouteBodyLimits("POST", "/v1/events/batch", "caseworker", limits).max_json_elements,
            10000 * kJsonElementsPerEvent);
  limits.max_batch_events = 3;  // a single event's allowance at least
  EXPECT_EQ(RouteBodyLimits("POST", "/v1/events/batch", "caseworker", limits).max_json_elements,
            kMaxEventJsonElements);
  EXPECT_EQ(RouteBodyLimits("POST", "/v1/groups/g/ack", "caseworker", limits).max_json_elements,
            kSmallJsonElements);
}

TEST(BodyLimitsTest, ChargeCountsTheBytesTwiceAndTheElementsTheParseMayBuild) {
  BodyLimits route{16 << 20, 1000};
  // Element-bound: 1000 elements at most.
  EXPECT_EQ(BodyCharge(1 << 20, route), 2u * (1 << 20) + 1000 * kJsonBytesPerElement);
  // Text-bound: 100 bytes hold at most 51 elements.
  EXPECT_EQ(BodyCharge(100, route), 200 + 51 * kJsonBytesPerElement);
}

}  // namespace
}  // namespace ledger::server::internal
