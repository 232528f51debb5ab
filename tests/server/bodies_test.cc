// Hostile request bodies (issue 14): every route that takes a JSON body parses it strictly and
// answers 400 malformed_json naming what is wrong, and nothing is appended, acked or written.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

class BodiesTest : public ServerFixture {
 protected:
  void SetUp() override {
    backups_dir_ = ScratchDir("backups");
    backups_ = backups_dir_->path();
    ServerOptions o = DefaultOptions();
    o.backup_dir = backups_;
    StartServer(std::move(o));
  }
  void TearDown() override {
    ServerFixture::TearDown();
    backups_dir_.reset();
  }

  uint64_t Size() {
    auto r = ClientFor(auditor_)->Get("/v1/head").value();
    return Json(r)["size"].get<uint64_t>();
  }

  // `body` posted to `path` as `who`: 400 malformed_json whose message holds `what`.
  void ExpectMalformed(const Role& who, const std::string& path, const std::string& body,
                       const std::string& what) {
    auto r = ClientFor(who)->Post(path, body);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 400u) << path << ": " << r->body;
    EXPECT_EQ(ErrorCode(*r), "malformed_json") << path << ": " << r->body;
    const std::string message = Json(*r)["error"].value("message", "");
    EXPECT_NE(message.find(what), std::string::npos)
        << path << ": the message should name \"" << what << "\": " << message;
    EXPECT_NE(message.find("column "), std::string::npos) << path << ": " << message;
  }

  std::unique_ptr<ledger::testing::TempDir> backups_dir_;
  std::string backups_;
};

std::string Nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// A valid body with its first key repeated in front.
std::string WithDuplicateKey(const std::string& body) {
  const auto j = nlohmann::json::parse(body);
  const std::string key = j.items().begin().key();
  return "{\"" + key + "\":" + j[key].dump() + "," + body.substr(1);
}

TEST_F(BodiesTest, EveryBodyTakingRouteRefusesMalformedDuplicateAndDeepJson) {
  // A few entries, and a group acknowledged at 1.
  auto cw = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*cw, CaseOpened("b-001"), caseworker_).status, 201u);
  ASSERT_EQ(AppendJson(*cw, PhaseEntered("b-001", "intake"), caseworker_).status, 201u);
  ASSERT_EQ(cw->Post("/v1/groups/g/ack", R"({"position":1})")->status, 200u);
  const uint64_t size = Size();

  auto signed_body = SignedEventBody(PhaseEntered("b-001", "intake").dump(), caseworker_.key);
  ASSERT_TRUE(signed_body.ok()) << signed_body.status().ToString();
  const std::string one = *signed_body;
  const std::string batch = "{\"events\":[" + one + "],\"atomic\":true}";
  struct Route {
    const Role* who;
    std::string path;
    std::string valid;  // a body that would be accepted (duplicated key made from it)
  };
  const std::vector<Route> routes = {
      {&caseworker_, "/v1/events", one},
      {&caseworker_, "/v1/events/batch", batch},
      {&caseworker_, "/v1/groups/g/ack", R"({"position":2})"},
      {&admin_, "/v1/admin/backup", R"({"name":"nightly"})"},
      {&dpo_, "/v1/releases/ev1/export", R"({"cohort":"2008-01..2008-12","as_of":"2010-12"})"},
  };
  for (const Route& r : routes) {
    SCOPED_TRACE(r.path);
    ExpectMalformed(*r.who, r.path, "{not json", "column 2");
    ExpectMalformed(*r.who, r.path, r.valid.substr(0, r.valid.size() - 1), "column");
    ExpectMalformed(*r.who, r.path, WithDuplicateKey(r.valid), "duplicate key");
    ExpectMalformed(*r.who, r.path, Nested(1000), "nest");
    ExpectMalformed(*r.who, r.path, r.valid + "x", "column");
    ExpectMalformed(*r.who, r.path, std::string("{\"a\":1}\0", 8), "column");
  }
  // Nothing appended, acked or backed up.
  EXPECT_EQ(Size(), size);
  EXPECT_EQ(Json(cw->Get("/v1/groups/g").value())["position"], 1);
  EXPECT_TRUE(std::filesystem::is_empty(backups_));
  // The same bodies well formed are accepted (the refusals were the JSON's, not the route's).
  EXPECT_EQ(cw->Post("/v1/events", one)->status, 201u);
  EXPECT_EQ(cw->Post("/v1/groups/g/ack", R"({"position":2})")->status, 200u);
}

}  // namespace
}  // namespace ledger::server::testing
