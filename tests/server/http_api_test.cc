// End-to-end over loopback: appends and reads through the HTTP/JSON API, and every refusal of
// the core with its HTTP status and error code.
#include <nlohmann/json.hpp>

#include "ledger/event_codec.h"
#include "server/access_log.h"
#include "server_fixture.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/tiles.h"

namespace ledger::server::testing {
namespace {

using HttpApiTest = ServerFixture;

TEST_F(HttpApiTest, AppendThenReadBackBySeqIdAndStream) {
  auto c = ClientFor(caseworker_);
  auto opened = CaseOpened("p-001");
  auto res = AppendJson(*c, opened, caseworker_);
  ASSERT_EQ(res.status, 201u) << res.body;
  auto j = Json(res);
  const uint64_t seq = j["seq"];
  EXPECT_EQ(j["version"], 0);
  EXPECT_FALSE(j["duplicate"].get<bool>());

  auto by_seq = c->Get("/v1/entries/" + std::to_string(seq)).value();
  ASSERT_EQ(by_seq.status, 200u) << by_seq.body;
  auto entry = Json(by_seq);
  EXPECT_EQ(entry["seq"], seq);
  EXPECT_EQ(entry["event"]["id"], opened["id"]);
  EXPECT_EQ(entry["key_id"], caseworker_.key.key_id_hex());
  // Personal values never appear: only digests.
  EXPECT_EQ(by_seq.body.find("Kari"), std::string::npos);

  auto by_id = c->Get("/v1/events/" + opened["id"].get<std::string>()).value();
  ASSERT_EQ(by_id.status, 200u);
  EXPECT_EQ(Json(by_id)["seq"], seq);

  ASSERT_EQ(AppendJson(*c, PhaseEntered("p-001", "intake"), caseworker_).status, 201u);
  auto stream = c->Get("/v1/streams/case/p-001").value();
  ASSERT_EQ(stream.status, 200u) << stream.body;
  auto s = Json(stream);
  ASSERT_EQ(s["entries"].size(), 2u);
  EXPECT_EQ(s["entries"][1]["event"]["type"], "phase.entered");
  EXPECT_EQ(s["next_version"], 2);
  auto encoded = c->Get("/v1/streams/case%2Fp-001?from=1").value();
  EXPECT_EQ(Json(encoded)["entries"].size(), 1u);

  auto list = c->Get("/v1/entries?from=0&limit=1000").value();
  EXPECT_EQ(Json(list)["next"], seq + 2);
  auto head = c->Get("/v1/head").value();
  EXPECT_EQ(Json(head)["size"], seq + 2);
}

TEST_F(HttpApiTest, RetryIsADuplicateWithTheFirstPosition) {
  auto c = ClientFor(caseworker_);
  auto opened = CaseOpened("p-002");
  auto signed_event = SignEventJson(opened.dump(), caseworker_.key).value();
  auto body = SignedEventBody(signed_event).value();
  auto first = c->Post("/v1/events", body).value();
  auto second = c->Post("/v1/events", body).value();
  EXPECT_EQ(first.status, 201u);
  EXPECT_EQ(second.status, 200u);
  EXPECT_EQ(Json(first)["seq"], Json(second)["seq"]);
  EXPECT_TRUE(Json(second)["duplicate"].get<bool>());
}

TEST_F(HttpApiTest, EveryRefusalOfTheCoreHasItsStatus) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("p-003"), caseworker_).status, 201u);

  // Altered after signing: the signature no longer matches.
  {
    auto e = SignEventJson(PhaseEntered("p-003", "intake").dump(), caseworker_.key).value();
    auto j = nlohmann::json::parse(SignedEventBody(e).value());
    j["event"]["data"]["phase"] = "follow_up";
    auto r = c->Post("/v1/events", j.dump()).value();
    EXPECT_EQ(r.status, 403u) << r.body;
    EXPECT_EQ(ErrorCode(r), "permission_denied");
  }
  // Unknown type, malformed date: invalid, named.
  {
    auto e = SignEventJson(PhaseEntered("p-003", "intake").dump(), caseworker_.key).value();
    auto j = nlohmann::json::parse(SignedEventBody(e).value());
    j["event"]["type"] = "phase.teleported";
    auto r = c->Post("/v1/events", j.dump()).value();
    EXPECT_EQ(r.status, 422u) << r.body;
    EXPECT_EQ(ErrorCode(r), "invalid_argument");
  }
  {
    auto j = CaseOpened("p-004");
    j["data"]["intake_date"] = "2009-02-29";
    auto body = SignedEventBody(j.dump(), caseworker_.key);
    ASSERT_FALSE(body.ok());  // the client library refuses to sign it...
    // ...and the server refuses the same JSON signed over whatever bytes.
    auto good = SignEventJson(CaseOpened("p-004").dump(), caseworker_.key).value();
    auto sent = nlohmann::json::parse(SignedEventBody(good).value());
    sent["event"]["data"]["intake_date"] = "2009-02-29";
    auto r = c->Post("/v1/events", sent.dump()).value();
    EXPECT_EQ(r.status, 422u) << r.body;
    EXPECT_EQ(ErrorCode(r), "invalid_argument");
    EXPECT_NE(r.body.find("intake_date"), std::string::npos) << r.body;
  }
  // An id reused with other content: conflict.
  {
    auto first = PhaseEntered("p-003", "intake");
    ASSERT_EQ(AppendJson(*c, first, caseworker_).status, 201u);
    auto other = PhaseEntered("p-003", "clarification");
    other["id"] = first["id"];
    auto r = AppendJson(*c, other, caseworker_);
    EXPECT_EQ(r.status, 409u) << r.body;
    EXPECT_EQ(ErrorCode(r), "conflict");
  }
  // Expected version that is not the stream's.
  {
    auto j = PhaseEntered("p-003", "follow_up");
    j["expected_version"] = 0;
    auto r = AppendJson(*c, j, caseworker_);
    EXPECT_EQ(r.status, 409u) << r.body;
  }
  // A case stream must start with case.opened.
  {
    auto r = AppendJson(*c, PhaseEntered("p-never-opened", "intake"), caseworker_);
    EXPECT_EQ(r.status, 409u) << r.body;
    EXPECT_EQ(ErrorCode(r), "failed_precondition");
  }
  // A key acting beyond its role: the service key signing a caseworker's event (actor role
  // caseworker), sent with the service's token.
  {
    auto s = ClientFor(service_);
    auto r = AppendJson(*s, PhaseEntered("p-003", "intake"), service_);
    EXPECT_EQ(r.status, 403u) << r.body;
  }
  // A token appending what another key signed.
  {
    auto s = ClientFor(service_);
    auto r = AppendJson(*s, PhaseEntered("p-003", "intake"), caseworker_);
    EXPECT_EQ(r.status, 403u) << r.body;
    EXPECT_NE(r.body.find("token acts for key"), std::string::npos);
  }
  // Roles that append nothing.
  {
    auto a = ClientFor(auditor_);
    auto r = AppendJson(*a, PhaseEntered("p-003", "intake"), auditor_);
    EXPECT_EQ(r.status, 403u) << r.body;
  }
  // Not JSON, not a signed event.
  {
    auto r = c->Post("/v1/events", "{not json").value();
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(ErrorCode(r), "malformed_json");
    r = c->Post("/v1/events", R"({"event":{},"key_id":"zz"})").value();
    EXPECT_EQ(r.status, 422u);
  }
  // Not found, wrong method, unknown endpoint.
  EXPECT_EQ(c->Get("/v1/entries/999999").value().status, 404u);
  EXPECT_EQ(c->Get("/v1/events").value().status, 405u);
  EXPECT_EQ(c->Get("/v1/nothing").value().status, 404u);
}

// docs/api.md, "Tokens and roles": an evaluator gets the releases stream and release exports
// only; not the log's head, not consumer groups (over HTTP, SSE or WebSocket).
TEST_F(HttpApiTest, EvaluatorMayNotReadTheHeadOrUseGroups) {
  auto ev = ClientFor(evaluator_);
  auto expect_denied = [](const Result<HttpResponse>& r, const std::string& what) {
    ASSERT_TRUE(r.ok()) << what << ": " << r.status().ToString();
    EXPECT_EQ(r->status, 403u) << what << ": " << r->body;
    EXPECT_EQ(ErrorCode(*r), "permission_denied") << what << ": " << r->body;
    EXPECT_NE(r->body.find("evaluators"), std::string::npos) << what << ": " << r->body;
  };
  expect_denied(ev->Get("/v1/head"), "head");
  expect_denied(ev->Get("/v1/groups/g"), "group position");
  expect_denied(ev->Post("/v1/groups/g/ack", R"({"position":0})"), "ack");
  expect_denied(ev->Get("/v1/subscribe?group=g&from=0"), "SSE with a group");
  expect_denied(ev->Get("/v1/ws?group=g&from=0"), "WebSocket with a group");
  // Other roles keep them.
  EXPECT_EQ(ClientFor(subscriber_)->Get("/v1/head")->status, 200u);
  EXPECT_EQ(ClientFor(subscriber_)->Post("/v1/groups/g/ack", R"({"position":0})")->status, 200u);
  // What the table gives an evaluator is not refused.
  EXPECT_NE(ev->Get("/v1/releases")->status, 403u);
  EXPECT_NE(ev->Get("/v1/streams/releases")->status, 403u);
}

TEST_F(HttpApiTest, TokensAreCheckedOnEveryRequest) {
  ClientOptions o = As(caseworker_);
  o.token = "";
  auto none = Client::Connect(o).value()->Get("/v1/head").value();
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(ErrorCode(none), "unauthenticated");
  o.token = "ldgr_0000000000000000_" + std::string(64, '0');
  EXPECT_EQ(Client::Connect(o).value()->Get("/v1/head").value().status, 401u);
  o.token = caseworker_.token;
  o.token.back() = o.token.back() == '0' ? '1' : '0';
  EXPECT_EQ(Client::Connect(o).value()->Get("/v1/head").value().status, 401u);
  // Health needs no token.
  o.token = "";
  EXPECT_EQ(Client::Connect(o).value()->Get("/v1/health").value().status, 200u);
  // A revoked token stops working within about a second.
  ASSERT_TRUE(
      TokenStore::Revoke(TokensPath(data_), TokenStore::Load(TokensPath(data_))->tokens()[0].id)
          .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(ClientFor(caseworker_)->Get("/v1/head").value().status, 401u);
}

TEST_F(HttpApiTest, BatchesAtomicAndPerEvent) {
  auto c = ClientFor(caseworker_);
  std::vector<SignedEvent> events;
  events.push_back(SignEventJson(CaseOpened("p-010").dump(), caseworker_.key).value());
  events.push_back(SignEventJson(PhaseEntered("p-010", "intake").dump(), caseworker_.key).value());
  events.push_back(
      SignEventJson(PhaseEntered("p-never", "intake").dump(), caseworker_.key).value());
  // Atomic: the third is refused, so nothing is appended; the error names it.
  const uint64_t before = Json(c->Get("/v1/head").value())["size"];
  auto atomic = c->Post("/v1/events/batch", BatchBody(events, true).value()).value();
  EXPECT_EQ(atomic.status, 409u) << atomic.body;
  EXPECT_EQ(Json(c->Get("/v1/head").value())["size"], before);
  // Per event: two appended, one refused.
  auto each = c->Post("/v1/events/batch", BatchBody(events, false).value()).value();
  ASSERT_EQ(each.status, 200u) << each.body;
  auto j = Json(each);
  EXPECT_EQ(j["appended"], 2);
  EXPECT_EQ(j["refused"], 1);
  EXPECT_TRUE(j["results"][0]["ok"].get<bool>());
  EXPECT_FALSE(j["results"][2]["ok"].get<bool>());
  EXPECT_EQ(j["results"][2]["error"]["code"], "failed_precondition");
  // Too many events.
  std::vector<SignedEvent> many(501, events[0]);
  auto big = c->Post("/v1/events/batch", BatchBody(many, false).value()).value();
  EXPECT_EQ(big.status, 413u);
  EXPECT_EQ(ErrorCode(big), "batch_too_large");
}

TEST_F(HttpApiTest, AuditorsGetCheckpointsTilesAndProofs) {
  auto c = ClientFor(caseworker_);
  for (int i = 0; i < 300; ++i) {
    // Entries 0..n: enough for one full entry bundle and a partial one.
    ASSERT_EQ(AppendJson(*c, CaseOpened("t-" + std::to_string(i)), caseworker_).status, 201u);
  }
  ASSERT_TRUE(server_->ledger().audit().SignCheckpoint().ok());
  auto a = ClientFor(auditor_);
  auto cp = a->Get("/checkpoint").value();
  ASSERT_EQ(cp.status, 200u) << cp.body;
  auto vkey = tlog::MakeVerifier(ledger_key_.name(), tlog::kAlgEd25519, ledger_key_.public_key());
  auto opened = tlog::OpenCheckpoint(cp.body, *vkey, nullptr);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  const uint64_t n = opened->size;
  ASSERT_GE(n, 300u);

  // Entry bundle 0 is full: 256 entries, each the exact leaf bytes.
  auto bundle = a->Get("/tile/entries/000").value();
  ASSERT_EQ(bundle.status, 200u) << bundle.body;
  auto entries = tlog::DecodeEntryBundle(bundle.body).value();
  ASSERT_EQ(entries.size(), 256u);
  EXPECT_EQ(entries[5], server_->ledger().log().ReadSeq(5)->bytes);
  // The partial bundle and hash tile of the tree.
  const uint32_t w = static_cast<uint32_t>(n % 256);
  auto partial = a->Get("/" + tlog::EntryBundlePath(1, w)).value();
  ASSERT_EQ(partial.status, 200u);
  EXPECT_EQ(tlog::DecodeEntryBundle(partial.body)->size(), w);
  auto tile = a->Get("/tile/0/000").value();
  ASSERT_EQ(tile.status, 200u);
  auto hashes = tlog::DecodeHashTile(tile.body).value();
  EXPECT_EQ(hashes[7], server_->ledger().audit().TreeNode(0, 7).value());
  EXPECT_EQ(tile.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(a->Get("/tile/0/x001/000").value().status, 404u);
  EXPECT_EQ(a->Get("/tile/0/0").value().status, 400u);

  auto proof = a->Get("/v1/proof/inclusion?seq=42").value();
  ASSERT_EQ(proof.status, 200u) << proof.body;
  EXPECT_EQ(proof.body.rfind("c2sp.org/tlog-proof@v1\nindex 42\n", 0), 0u);
  auto consistency = a->Get("/v1/proof/consistency?from=10&to=" + std::to_string(n)).value();
  EXPECT_EQ(consistency.status, 200u);
  // Others may not.
  EXPECT_EQ(c->Get("/checkpoint").value().status, 403u);
  EXPECT_EQ(ClientFor(evaluator_)->Get("/tile/0/000").value().status, 403u);
}

TEST_F(HttpApiTest, ScopesLimitWhatRolesSee) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("p-020"), caseworker_).status, 201u);
  const uint64_t case_seq = Json(c->Get("/v1/head").value())["size"].get<uint64_t>() - 1;
  // The subscriber is scoped to case/: it reads case entries, not the keys stream.
  auto s = ClientFor(subscriber_);
  EXPECT_EQ(s->Get("/v1/entries/" + std::to_string(case_seq)).value().status, 200u);
  EXPECT_EQ(s->Get("/v1/entries/0").value().status, 403u);
  auto list = Json(s->Get("/v1/entries?from=0").value());
  for (const auto& e : list["entries"]) EXPECT_NE(e["event"]["stream"], "keys");
  // The evaluator sees releases only.
  EXPECT_EQ(ClientFor(evaluator_)->Get("/v1/streams/case/p-020").value().status, 403u);
  // Personal values: the caseworker reads them (and it is logged); the auditor may not.
  auto personal = c->Get("/v1/entries/" + std::to_string(case_seq) + "/personal").value();
  ASSERT_EQ(personal.status, 200u) << personal.body;
  EXPECT_NE(personal.body.find("Kari Nordmann"), std::string::npos);
  EXPECT_EQ(ClientFor(auditor_)
                ->Get("/v1/entries/" + std::to_string(case_seq) + "/personal")
                .value()
                .status,
            403u);
  auto verified = VerifyAccessLog(AccessLogPath(data_));
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->records, 1u);
}

TEST_F(HttpApiTest, HealthMetricsAndReports) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("p-030"), caseworker_).status, 201u);
  auto a = ClientFor(auditor_);
  auto metrics = a->Get("/v1/metrics").value();
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("ledger_events_appended_total 1\n"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("ledger_append_latency_seconds_bucket{le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("ledger_subscribers 0"), std::string::npos);
  auto caseload = a->Get("/v1/reports/caseload").value();
  ASSERT_EQ(caseload.status, 200u) << caseload.body;
  EXPECT_EQ(Json(caseload)["report"]["summary"]["open_cases"], 1);
  EXPECT_EQ(a->Get("/v1/reports/caseload?as_of=2009-02-30").value().status, 422u);
  EXPECT_EQ(a->Get("/v1/reports/outcomes").value().status, 200u);
  EXPECT_EQ(a->Get("/v1/reports/compliance").value().status, 200u);
  // Nothing is published: an evaluator sees no release (reports_test.cc hands one out).
  EXPECT_EQ(ClientFor(evaluator_)->Get("/v1/releases").value().body, "{\"releases\":[]}\n");
  EXPECT_EQ(ClientFor(evaluator_)->Get("/v1/releases/r-1").value().status, 404u);
  EXPECT_EQ(ClientFor(subscriber_)->Get("/v1/reports/caseload").value().status, 403u);
  auto consent =
      c->Get(
           "/v1/consent/"
           "check?subject=p-030&recipient=nav&categories=economy&purpose=case_coordination")
          .value();
  ASSERT_EQ(consent.status, 200u) << consent.body;
  EXPECT_FALSE(Json(consent)["allowed"].get<bool>());
}

}  // namespace
}  // namespace ledger::server::testing
