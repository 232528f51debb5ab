// End-to-end over loopback: the caseload, outcomes and compliance reports through the HTTP API on
// a synthetic cohort, each the same report (same SHA-256) that the replay library makes for the
// same question, in every format, with role refusals and 422 for bad parameters; and the
// release of that cohort handed to an evaluator.
#include <fstream>
#include <nlohmann/json.hpp>

#include "../test_files.h"
#include "ledger/event_codec.h"
#include "release/release.h"
#include "replay/compliance.h"
#include "replay/outcomes.h"
#include "server/access_log.h"
#include "server_fixture.h"
#include "synth/cohort_generator.h"

namespace ledger::server::testing {
namespace {

class ReportsTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    // A small synthetic cohort, each event signed by the fixture's key for its actor's role.
    synth::CohortOptions options;
    options.participants = 25;
    options.seed = 3;
    std::vector<SignedEvent> batch;
    std::string error = synth::GenerateCohort(options, [&](std::string_view line) {
      auto j = nlohmann::json::parse(line);
      const std::string role = j["actor"]["role"];
      const SigningKey& key = role == "dpo"       ? dpo_.key
                              : role == "service" ? service_.key
                                                  : caseworker_.key;
      auto e = SignEventJson(line, key);
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      batch.push_back(std::move(e).value());
    });
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_GT(batch.size(), 100u);
    auto appended = server_->ledger().log().AppendAtomic(batch);
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  }

  // GET `target` as `r`: 200 and a sealed JSON report, whose sha256 is returned.
  std::string SealedSha(const Role& r, const std::string& target) {
    auto res = ClientFor(r)->Get(target);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    if (!res.ok()) return "";
    EXPECT_EQ(res->status, 200u) << target << ": " << res->body;
    auto j = Json(*res);
    EXPECT_TRUE(j.is_object() && j.contains("report")) << res->body.substr(0, 300);
    return j.is_object() ? j.value("sha256", "") : "";
  }
};

TEST_F(ReportsTest, OutcomesAreTheReplayLibrarysReport) {
  const std::string target =
      "/v1/reports/outcomes?as_of=2010-12-31&zone=Europe/Oslo&horizons=6,12&by=sex"
      "&cohort_from=2008-01&cohort_to=2008-12&baseline_month=2008-12&stock_month=2009-12";
  const std::string sha = SealedSha(auditor_, target);
  ASSERT_EQ(sha.size(), 64u);

  replay::OutcomesQuery query;
  query.as_of = ParseDate("2010-12-31").value();
  replay::OutcomesOptionsText text;
  text.horizons = "6,12";
  text.by = "sex";
  text.cohort_from = "2008-01";
  text.cohort_to = "2008-12";
  text.baseline_month = "2008-12";
  text.stock_month = "2009-12";
  query.options = replay::ParseOutcomesOptions(text, replay::OptionSpelling::kParameter).value();
  auto run = replay::RunOutcomes(server_->ledger(), query);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const auto expected = nlohmann::json::parse(replay::OutcomesJson(run->report));
  EXPECT_EQ(sha, expected["sha256"]);
  EXPECT_GT(run->report.groups.front().cohort, 0u);

  // The DPO and the admin may read it too; the same question gives the same report.
  EXPECT_EQ(SealedSha(dpo_, target), sha);
  EXPECT_EQ(SealedSha(admin_, target), sha);
  // A different question, a different report.
  EXPECT_NE(SealedSha(auditor_, "/v1/reports/outcomes?as_of=2010-12-31"), sha);
}

TEST_F(ReportsTest, OutcomesAtAPositionAndInEveryFormat) {
  const uint64_t size = server_->ledger().log().Size();
  const std::string target = "/v1/reports/outcomes?at_seq=" + std::to_string(size - 10);
  const std::string sha = SealedSha(auditor_, target);
  replay::OutcomesQuery query;
  query.at_seq = size - 10;
  auto run = replay::RunOutcomes(server_->ledger(), query);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(sha, nlohmann::json::parse(replay::OutcomesJson(run->report))["sha256"]);

  auto a = ClientFor(auditor_);
  auto csv = a->Get(target + "&format=csv").value();
  ASSERT_EQ(csv.status, 200u) << csv.body;
  EXPECT_EQ(csv.body, replay::OutcomesCsv(run->report));
  auto text = a->Get(target + "&format=text").value();
  ASSERT_EQ(text.status, 200u) << text.body;
  EXPECT_EQ(text.body, replay::OutcomesText(run->report));
}

TEST_F(ReportsTest, ComplianceIsTheReplayLibrarysReport) {
  const std::string sha = SealedSha(auditor_, "/v1/reports/compliance?as_of=2010-12-31");
  ASSERT_EQ(sha.size(), 64u);
  replay::ReportMoment moment;
  moment.as_of = ParseDate("2010-12-31").value();
  auto run = replay::RunCompliance(server_->ledger(), moment);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(sha, nlohmann::json::parse(replay::ComplianceJson(run->report))["sha256"]);
  EXPECT_EQ(SealedSha(dpo_, "/v1/reports/compliance?as_of=2010-12-31&zone=Europe/Oslo"), sha);

  auto a = ClientFor(auditor_);
  auto csv = a->Get("/v1/reports/compliance?as_of=2010-12-31&format=csv").value();
  ASSERT_EQ(csv.status, 200u);
  EXPECT_EQ(csv.body, replay::ComplianceCsv(run->report));
  auto summary = a->Get("/v1/reports/compliance?as_of=2010-12-31&format=summary_csv").value();
  ASSERT_EQ(summary.status, 200u);
  EXPECT_EQ(summary.body, replay::ComplianceSummaryCsv(run->report));
  auto text = a->Get("/v1/reports/compliance?as_of=2010-12-31&format=text").value();
  ASSERT_EQ(text.status, 200u);
  EXPECT_EQ(text.body, replay::ComplianceText(run->report));
}

TEST_F(ReportsTest, OnlyAuditorsTheDpoAndAdminsReadOutcomesAndCompliance) {
  for (const auto* path : {"/v1/reports/outcomes", "/v1/reports/compliance"}) {
    for (const Role* r : {&caseworker_, &service_, &subscriber_, &evaluator_}) {
      auto res = ClientFor(*r)->Get(path).value();
      EXPECT_EQ(res.status, 403u) << path << " " << res.body;
      EXPECT_EQ(ErrorCode(res), "permission_denied");
    }
    auto post = ClientFor(auditor_)->Post(path, "{}").value();
    EXPECT_EQ(post.status, 405u);
  }
  // The caseload keeps its rule: an unscoped caseworker may read it.
  EXPECT_EQ(ClientFor(caseworker_)->Get("/v1/reports/caseload").value().status, 200u);
}

TEST_F(ReportsTest, BadParametersAre422NamingTheParameter) {
  auto a = ClientFor(auditor_);
  auto expect_422 = [&](const std::string& target, const std::string& names) {
    auto res = a->Get(target).value();
    EXPECT_EQ(res.status, 422u) << target << ": " << res.body;
    EXPECT_EQ(ErrorCode(res), "invalid_argument") << target;
    EXPECT_NE(res.body.find(names), std::string::npos) << target << ": " << res.body;
  };
  expect_422("/v1/reports/outcomes?by=gender", "by: ");
  expect_422("/v1/reports/outcomes?horizons=6,x", "horizons: ");
  expect_422("/v1/reports/outcomes?horizons=12,6", "ascending");
  expect_422("/v1/reports/outcomes?cohort_from=2008-13", "cohort_from: ");
  expect_422("/v1/reports/outcomes?cohort_from=2009-01&cohort_to=2008-01", "cohort window");
  expect_422("/v1/reports/outcomes?baseline_month=2008", "baseline_month: ");
  expect_422("/v1/reports/outcomes?stock_month=2009-01", "baseline");
  expect_422("/v1/reports/outcomes?intake_from=2008-01", "unknown parameter \\\"intake_from\\\"");
  expect_422("/v1/reports/outcomes?format=summary_csv", "format must be json, csv or text");
  expect_422("/v1/reports/outcomes?as_of=2009-02-30", "as_of: ");
  expect_422("/v1/reports/compliance?at_seq=-1", "at_seq: ");
  expect_422("/v1/reports/compliance?zone=Mars/Olympus", "zone: ");
  expect_422("/v1/reports/compliance?by=sex", "unknown parameter");
  expect_422("/v1/reports/compliance?at_seq=99999999", "at_seq");
  expect_422("/v1/reports/caseload?format=xml", "format must be json, csv, summary_csv or text");
}

// The dpo approves, exports through the server (POST /v1/releases/<id>/export) and records the
// export; only then does the evaluator receive it.
TEST_F(ReportsTest, EvaluatorsReceiveRecordedReleasesOnly) {
  auto event = [&](const std::string& type, const nlohmann::json& data) {
    return nlohmann::json::parse(
        release::ReleaseEventJson("dpo", type, "GDPR:6(1)(e)", data.dump()));
  };
  auto dpo = ClientFor(dpo_);
  const std::string body =
      R"({"cohort":"2008-01..2008-12","as_of":"2010-12","horizons":[6,12],"k":2,)"
      R"("max_suppressed":1000})";
  // Without an approval: 404, nothing written.
  auto unapproved = dpo->Post("/v1/releases/ev1/export", body);
  ASSERT_TRUE(unapproved.ok());
  EXPECT_EQ(unapproved->status, 404u) << unapproved->body;
  EXPECT_FALSE(std::filesystem::exists(data_ + "/releases/ev1"));

  ASSERT_EQ(AppendJson(*dpo,
                       event("release.approved", {{"release_id", "ev1"},
                                                  {"recipient_org", "nova"},
                                                  {"purpose", "evaluation"},
                                                  {"basis", "GDPR:6(1)(e)"},
                                                  {"expires_at", "2099-01-01T00:00:00Z"}}),
                       dpo_)
                .status,
            201u);
  // Only the dpo exports; parameters are checked, by name.
  auto by_evaluator = ClientFor(evaluator_)->Post("/v1/releases/ev1/export", body);
  ASSERT_TRUE(by_evaluator.ok());
  EXPECT_EQ(by_evaluator->status, 403u) << by_evaluator->body;
  for (const char* bad : {R"({"as_of":"2010-12"})", R"({"cohort":"2008-01..2008-12","as_of":"x"})",
                          R"({"cohort":"2008-01..2008-12","as_of":"2010-12","colour":1})",
                          R"({"cohort":"2008-01..2008-12","as_of":"2010-12","k":"five"})", "[]"}) {
    auto res = dpo->Post("/v1/releases/ev1/export", bad);
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->status, 422u) << bad << ": " << res->body;
  }
  EXPECT_NE(dpo->Post("/v1/releases/ev1/export", R"({"as_of":"2010-12"})")->body.find("--cohort"),
            std::string::npos);

  auto exported = dpo->Post("/v1/releases/ev1/export", body);
  ASSERT_TRUE(exported.ok());
  ASSERT_EQ(exported->status, 201u) << exported->body;
  const auto summary = Json(*exported);
  EXPECT_GT(summary["persons"].get<uint64_t>(), 0u);
  EXPECT_TRUE(summary["agreement"]["disagreements"].empty()) << exported->body;
  const std::string out = data_ + "/releases/ev1";
  EXPECT_EQ(summary["dir"], out);
  // A second export of the same release does not overwrite the first.
  auto again = dpo->Post("/v1/releases/ev1/export", body);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 409u) << again->body;

  auto evaluator = ClientFor(evaluator_);
  // Published but not yet recorded: not handed out.
  auto listed = evaluator->Get("/v1/releases");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->status, 200u) << listed->body;
  EXPECT_TRUE(Json(*listed)["releases"].empty()) << listed->body;
  auto refused = evaluator->Get("/v1/releases/ev1/files/events.jsonl");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 409u) << refused->body;

  ASSERT_EQ(
      AppendJson(*dpo, event("release.exported", summary["exported_event_data"]), dpo_).status,
      201u);
  listed = evaluator->Get("/v1/releases");
  ASSERT_TRUE(listed.ok());
  auto j = Json(*listed);
  ASSERT_EQ(j["releases"].size(), 1u) << listed->body;
  EXPECT_EQ(j["releases"][0]["release_id"], "ev1");
  EXPECT_EQ(j["releases"][0]["recipient_org"], "nova");
  EXPECT_EQ(j["releases"][0]["manifest_sha256"], summary["manifest_sha256"]);
  ASSERT_EQ(j["releases"][0]["files"].size(), 4u);

  const uint64_t logged_before = VerifyAccessLog(AccessLogPath(data_)).value().records;
  for (const auto& f : j["releases"][0]["files"]) {
    auto res = evaluator->Get(f["href"].get<std::string>());
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    ASSERT_EQ(res->status, 200u) << f["href"] << ": " << res->body.substr(0, 200);
    const std::string on_disk =
        ledger::testing::ReadWholeFile(out + "/" + f["name"].get<std::string>());
    EXPECT_EQ(res->body, on_disk) << f["name"];
    EXPECT_EQ(res->body.size(), f["bytes"].get<uint64_t>());
    if (f.contains("sha256")) {
      EXPECT_EQ(res->headers["x-content-sha256"], f["sha256"]);
    }
  }
  // Every download is in the access log.
  EXPECT_EQ(VerifyAccessLog(AccessLogPath(data_)).value().records, logged_before + 4);

  // The dpo may fetch it too; no one else, and nothing outside the release.
  auto by_dpo = dpo->Get("/v1/releases/ev1");
  ASSERT_TRUE(by_dpo.ok());
  EXPECT_EQ(by_dpo->status, 200u) << by_dpo->body;
  for (const Role* r : {&auditor_, &caseworker_, &admin_}) {
    auto res = ClientFor(*r)->Get("/v1/releases/ev1/files/persons.csv");
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->status, 403u) << res->body;
  }
  for (const char* target :
       {"/v1/releases/ev1/files/nope.txt", "/v1/releases/ev1/files/../../server/tokens.json",
        "/v1/releases/nope", "/v1/releases/ev1/other"}) {
    auto res = evaluator->Get(target);
    ASSERT_TRUE(res.ok());
    EXPECT_EQ(res->status, 404u) << target << ": " << res->body;
  }
  auto post = evaluator->Post("/v1/releases/ev1", "");
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 405u);
}

}  // namespace
}  // namespace ledger::server::testing
