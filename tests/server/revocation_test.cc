// Revocation ends what is already open (issue 14, docs/api.md "Tokens"): revoking a token
// (`ledger tokens revoke`) or its key (`key.revoked`) closes every session that uses it, on
// every protocol, with a last message saying why, and an append that arrives afterwards on a
// connection opened before is refused. Each test fails if the session goes on.
#include <iostream>
#include <thread>

#include "frame_conn.h"
#include "ledger/key_admin.h"
#include "server/binary_protocol.h"
#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

using namespace ledger::server::binary;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// docs/api.md promises a second; the bound leaves room for a loaded test machine while still
// failing when a session is not ended at all.
constexpr milliseconds kMaxTimeToClose{2500};

std::string TokenId(const std::string& token) { return token.substr(5, 16); }

long long MillisSince(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

std::string Authorization(const Role& r) { return "Authorization: Bearer " + r.token + "\r\n"; }

class RevocationTest : public ServerFixture {
 protected:
  void RevokeToken(const Role& r) {
    ASSERT_TRUE(TokenStore::Revoke(TokensPath(data_), TokenId(r.token)).ok());
  }
  void RevokeKeyOf(const Role& r) {
    auto revoked = RevokeKey(server_->ledger(), admin_.key, r.key.key_id_hex(), "compromised");
    ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  }
  uint64_t Size() { return server_->ledger().log().Size(); }
};

TEST_F(RevocationTest, ServerSentEventsEndWithRevokedAndTheReason) {
  RawConn sse(server_->http_port());
  ASSERT_TRUE(sse.Send("GET /v1/subscribe?from=end&heartbeat_ms=60000 HTTP/1.1\r\nHost: x\r\n" +
                       Authorization(subscriber_) + "\r\n"));
  const std::string opened = sse.Read(milliseconds(3000), nullptr, "event: caught_up");
  ASSERT_NE(opened.find("event: caught_up"), std::string::npos) << opened;

  const auto revoked_at = Clock::now();
  RevokeToken(subscriber_);
  bool closed = false;
  std::string last;
  while (!closed && Clock::now() - revoked_at < milliseconds(5000)) {
    last += sse.Read(milliseconds(100), &closed);
  }
  const long long took = MillisSince(revoked_at);
  ASSERT_TRUE(closed) << "the subscription is still open: " << last;
  EXPECT_LT(took, kMaxTimeToClose.count());
  EXPECT_NE(last.find("event: end\ndata: {\"position\":"), std::string::npos) << last;
  EXPECT_NE(last.find("\"reason\":\"revoked\",\"message\":\"the API token was revoked\""),
            std::string::npos)
      << last;
  std::cout << "SSE closed " << took << " ms after the token's revocation\n";
}

TEST_F(RevocationTest, WebSocketEndsWithRevokedWhenTheKeyIsRevoked) {
  auto sub = Subscription::Open(As(subscriber_), "from=end&heartbeat_ms=60000");
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  auto caught_up = (*sub)->Next(milliseconds(3000));
  ASSERT_TRUE(caught_up.ok());
  ASSERT_NE(caught_up->find("caught_up"), std::string::npos);

  const auto revoked_at = Clock::now();
  RevokeKeyOf(subscriber_);
  auto end = (*sub)->Next(milliseconds(5000));
  const long long took = MillisSince(revoked_at);
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  auto j = nlohmann::json::parse(*end);
  EXPECT_EQ(j["type"], "end");
  EXPECT_EQ(j["reason"], "revoked");
  EXPECT_EQ(j["message"], "the token's key is revoked");
  EXPECT_LT(took, kMaxTimeToClose.count());
  // Nothing after it: the server closes.
  auto after = (*sub)->Next(milliseconds(3000));
  EXPECT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), StatusCode::kIOError) << after.status().ToString();
  std::cout << "WebSocket ended " << took << " ms after the key's revocation\n";
}

TEST_F(RevocationTest, BinarySubscriptionEndsWithRevoked) {
  FrameConn reader(server_->binary_port());
  reader.Send(EncodeFrame(ClientMessage(Hello{service_.token, kProtocolVersion})));
  ASSERT_TRUE(reader.NextOf<Welcome>());
  reader.Send(EncodeFrame(ClientMessage(Subscribe{0, true, {}, {}, "", 60000})));
  ASSERT_TRUE(reader.NextOf<CaughtUp>());

  const auto revoked_at = Clock::now();
  RevokeToken(service_);
  auto end = reader.NextOf<End>(milliseconds(5000));
  const long long took = MillisSince(revoked_at);
  ASSERT_TRUE(end) << "no end message";
  EXPECT_EQ(end->reason, "revoked");
  EXPECT_EQ(end->message, "the API token was revoked");
  EXPECT_LT(took, kMaxTimeToClose.count());
  EXPECT_FALSE(reader.Next(milliseconds(3000)));
  EXPECT_TRUE(reader.closed());
  std::cout << "binary subscription ended " << took << " ms after the token's revocation\n";
}

TEST_F(RevocationTest, IdleBinaryConnectionIsToldAndClosed) {
  FrameConn writer(server_->binary_port());
  writer.Send(EncodeFrame(ClientMessage(Hello{caseworker_.token, kProtocolVersion})));
  ASSERT_TRUE(writer.NextOf<Welcome>());

  const auto revoked_at = Clock::now();
  RevokeKeyOf(caseworker_);
  auto error = writer.NextOf<Error>(milliseconds(5000));
  const long long took = MillisSince(revoked_at);
  ASSERT_TRUE(error) << "no error frame";
  EXPECT_EQ(error->code, "unauthenticated");
  EXPECT_EQ(error->message, "the token's key is revoked");
  EXPECT_TRUE(error->fatal);
  EXPECT_LT(took, kMaxTimeToClose.count());
  EXPECT_FALSE(writer.Next(milliseconds(3000)));
  EXPECT_TRUE(writer.closed());
  std::cout << "idle binary connection closed " << took << " ms after the key's revocation\n";
}

// The finding: an append 2.5 s after the revocation, on a connection opened before it, was
// stored. Sent at once after the revocation here (before the watch's round), it is refused and
// nothing is appended.
TEST_F(RevocationTest, AppendOnAnOldBinaryConnectionIsRefusedAtOnce) {
  FrameConn writer(server_->binary_port());
  writer.Send(EncodeFrame(ClientMessage(Hello{caseworker_.token, kProtocolVersion})));
  ASSERT_TRUE(writer.NextOf<Welcome>());
  const nlohmann::json event = CaseOpened("rv-1");
  std::vector<SignedEvent> events = {SignEventJson(event.dump(), caseworker_.key).value()};
  const uint64_t before = Size();

  RevokeToken(caseworker_);
  writer.Send(EncodeFrame(ClientMessage(AppendBatch{7, false, events})));
  auto m = writer.Next(milliseconds(5000));
  ASSERT_TRUE(m);
  auto* error = std::get_if<Error>(&*m);
  ASSERT_NE(error, nullptr) << "the append was answered, not refused (index " << m->index() << ")";
  EXPECT_EQ(error->code, "unauthenticated");
  EXPECT_EQ(error->message, "the API token was revoked");
  EXPECT_TRUE(error->fatal);
  EXPECT_EQ(Size(), before);
  EXPECT_FALSE(server_->ledger().log().ReadId(event["id"].get<std::string>()).ok());
}

TEST_F(RevocationTest, KeptAliveHttpConnectionIsClosedAndNewRequestsGet401) {
  RawConn conn(server_->http_port());
  const std::string head =
      "GET /v1/head HTTP/1.1\r\nHost: x\r\n" + Authorization(caseworker_) + "\r\n";
  ASSERT_TRUE(conn.Send(head));
  const std::string first = conn.Read(milliseconds(3000), nullptr, "}");
  ASSERT_EQ(StatusOf(first), 200) << first;

  const auto revoked_at = Clock::now();
  RevokeToken(caseworker_);
  bool closed = false;
  std::string rest;
  while (!closed && Clock::now() - revoked_at < milliseconds(5000)) {
    rest += conn.Read(milliseconds(100), &closed);
  }
  const long long took = MillisSince(revoked_at);
  EXPECT_TRUE(closed) << "the kept-alive connection is still open";
  EXPECT_EQ(rest, "");  // HTTP has nothing to say unasked: closed without a response
  EXPECT_LT(took, kMaxTimeToClose.count());

  RawConn again(server_->http_port());
  ASSERT_TRUE(again.Send(head));
  const std::string refused = again.Read(milliseconds(3000), nullptr, "}");
  EXPECT_EQ(StatusOf(refused), 401) << refused;
  EXPECT_NE(refused.find("unknown or revoked API token"), std::string::npos) << refused;
  std::cout << "kept-alive HTTP connection closed " << took << " ms after the revocation\n";
}

// An append sent on a kept-alive connection right after `ledger tokens revoke` returned (before
// the watch's round) is refused with 401, and nothing is appended.
TEST_F(RevocationTest, AppendOnAnOldHttpConnectionRightAfterTheRevocationIs401) {
  auto client = ClientFor(caseworker_);
  ASSERT_EQ(client->Get("/v1/head")->status, 200);
  const uint64_t before = Size();
  RevokeToken(caseworker_);
  const nlohmann::json event = CaseOpened("rv-3");
  auto res = client->Post("/v1/events", SignedEventBody(event.dump(), caseworker_.key).value());
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 401) << res->body;
  EXPECT_EQ(ErrorCode(*res), "unauthenticated");
  EXPECT_EQ(Size(), before);
}

// A connection of another token is not touched.
TEST_F(RevocationTest, OtherTokensSessionsGoOn) {
  auto other = Subscription::Open(As(service_), "from=end&heartbeat_ms=60000");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Next(milliseconds(3000)).ok());  // caught_up
  RevokeToken(subscriber_);
  std::this_thread::sleep_for(milliseconds(1500));
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("rv-2"), caseworker_).status, 201);
  auto entries = (*other)->Next(milliseconds(5000));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_NE(entries->find("\"type\":\"entries\""), std::string::npos) << *entries;
}

}  // namespace
}  // namespace ledger::server::testing
