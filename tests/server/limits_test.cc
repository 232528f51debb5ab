// Limits and hostile input: each exceeded limit gets its own status and code, and neither the
// connection's neighbours nor the server notice.
#include <thread>

#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

using LimitsTest = ServerFixture;

std::string Get(const std::string& target, const std::string& token) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n";
}

TEST_F(LimitsTest, OversizeBodyIs413AndTheServerCarriesOn) {
  RawConn conn(server_->http_port());
  ASSERT_TRUE(conn.connected());
  const std::string body(2 << 20, 'x');
  conn.Send("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + caseworker_.token +
            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  conn.Send(body.substr(0, 1000));
  auto response = conn.Read(std::chrono::milliseconds(3000), nullptr, "\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_NE(response.find("body_too_large"), std::string::npos);
  EXPECT_EQ(ClientFor(caseworker_)->Get("/v1/head").value().status, 200u);
}

TEST_F(LimitsTest, MalformedHttpIs400) {
  RawConn conn(server_->http_port());
  conn.Send("GARBAGE\x01\x02 / HTTP/9.9\r\n\r\n");
  auto response = conn.Read(std::chrono::milliseconds(3000), nullptr, "\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 400) << response;
  RawConn binary_noise(server_->http_port());
  std::string noise(4096, '\0');
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>(i * 131 + 7);
  binary_noise.Send(noise);
  bool closed = false;
  binary_noise.Read(std::chrono::milliseconds(3000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(ClientFor(caseworker_)->Get("/v1/head").value().status, 200u);
}

TEST_F(LimitsTest, HugeHeaderIs431) {
  RawConn conn(server_->http_port());
  conn.Send("GET /v1/head HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(64 << 10, 'a') +
            "\r\n\r\n");
  auto response = conn.Read(std::chrono::milliseconds(3000), nullptr, "\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 431) << response.substr(0, 200);
}

TEST_F(LimitsTest, SlowlorisGets408WhileOthersAreServed) {
  std::vector<std::unique_ptr<RawConn>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<RawConn>(server_->http_port()));
    slow.back()->Send("GET /v1/head HTTP/1.1\r\nHost: x\r\n");
  }
  // Others are served meanwhile, quickly.
  auto c = ClientFor(caseworker_);
  for (int i = 0; i < 10; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(c->Get("/v1/head").value().status, 200u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
    for (auto& s : slow) s->Send("X-Drip: 1\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The read timeout is 1.5 s: each slow one gets its 408 and is closed.
  for (auto& s : slow) {
    auto response = s->Read(std::chrono::milliseconds(4000), nullptr, "\r\n\r\n");
    EXPECT_EQ(StatusOf(response), 408) << response;
  }
}

TEST_F(LimitsTest, RateLimitIs429PerToken) {
  ServerOptions o = DefaultOptions();
  o.limits.requests_per_second = 5;
  o.limits.request_burst = 5;
  RestartServer(o);
  auto c = ClientFor(caseworker_);
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 20; ++i) {
    auto r = c->Get("/v1/head").value();
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(ErrorCode(r), "rate_limited");
      retry_after = r.headers["retry-after"];
    }
  }
  EXPECT_GE(limited, 10);
  EXPECT_FALSE(retry_after.empty());
  // Another token is not affected.
  EXPECT_EQ(ClientFor(auditor_)->Get("/v1/head").value().status, 200u);
}

TEST_F(LimitsTest, TooManyConnectionsIs503) {
  ServerOptions o = DefaultOptions();
  o.limits.max_connections = 5;
  // No health reserve: a connection over the limit is refused at once (the reserve:
  // connections_test.cc).
  o.limits.health_reserve_connections = 0;
  RestartServer(o);
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < 5; ++i) {
    held.push_back(std::make_unique<RawConn>(server_->http_port()));
    held.back()->Send(Get("/v1/head", caseworker_.token));
    EXPECT_EQ(StatusOf(held.back()->Read(std::chrono::milliseconds(2000), nullptr, "\r\n\r\n")),
              200);
  }
  RawConn extra(server_->http_port());
  auto response = extra.Read(std::chrono::milliseconds(2000), nullptr, "\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 503) << response;
  EXPECT_NE(response.find("{\"error\":{\"code\":\"too_many_connections\",\"message\":\"the open "
                          "connections exceed the server's limit of 5\"}}"),
            std::string::npos)
      << response;
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(ClientFor(caseworker_)->Get("/v1/head").value().status, 200u);
}

TEST_F(LimitsTest, IdleConnectionsAreClosed) {
  ServerOptions o = DefaultOptions();
  o.limits.idle_timeout = std::chrono::milliseconds(300);
  RestartServer(o);
  RawConn conn(server_->http_port());
  bool closed = false;
  conn.Read(std::chrono::milliseconds(3000), &closed);
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace ledger::server::testing
