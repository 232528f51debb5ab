// Status, Result and the LEDGER_ macros: codes and messages survive, errors propagate, values
// move out.
#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace ledger {
namespace {

Status FailIf(bool fail) { return fail ? Status::Conflict("taken") : Status::Ok(); }

Status Chain(bool fail, int* reached) {
  LEDGER_RETURN_IF_ERROR(FailIf(fail));
  ++*reached;
  return Status::Ok();
}

Result<std::unique_ptr<int>> MakeInt(bool fail, int v) {
  if (fail) return Status::NotFound("no int");
  return std::make_unique<int>(v);
}

Result<int> Doubled(bool fail) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<int> p, MakeInt(fail, 21));
  return *p * 2;
}

TEST(StatusTest, OkHasNoMessageAndPrintsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, EveryCodeKeepsItsNameAndMessage) {
  const std::pair<Status, std::string> cases[] = {
      {Status::NotFound("m"), "NotFound: m"},
      {Status::InvalidArgument("m"), "InvalidArgument: m"},
      {Status::Conflict("m"), "Conflict: m"},
      {Status::Corruption("m"), "Corruption: m"},
      {Status::IOError("m"), "IOError: m"},
      {Status::PermissionDenied("m"), "PermissionDenied: m"},
      {Status::FailedPrecondition("m"), "FailedPrecondition: m"},
      {Status::Unavailable("m"), "Unavailable: m"},
  };
  for (const auto& [status, text] : cases) {
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(status.message(), "m");
    EXPECT_EQ(status.ToString(), text);
  }
}

TEST(StatusTest, WithContextKeepsTheCodeAndPrefixesTheMessage) {
  Status s = Status::Corruption("crc mismatch").WithContext("entry 7");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "entry 7: crc mismatch");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(StatusTest, ReturnIfErrorStopsAtTheFirstError) {
  int reached = 0;
  Status s = Chain(true, &reached);
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  EXPECT_EQ(s.message(), "taken");
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(Chain(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

TEST(StatusTest, AssignOrReturnMovesTheValueOrPassesTheError) {
  Result<int> ok = Doubled(false);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  Result<int> bad = Doubled(true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(bad.status().message(), "no int");
}

}  // namespace
}  // namespace ledger
