// Connection hygiene (issue 14): one address's sockets cannot take the connections of all, and
// /v1/health answers from a reserve when every connection is taken.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "connection_guard.h"
#include "server/binary_protocol.h"
#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

using std::chrono::milliseconds;
using ConnectionsTest = ServerFixture;

constexpr char kHealth[] = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";

std::string Get(const std::string& target, const std::string& token) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n";
}

// The JSON body of a raw response with a Content-Length (null if none parses).
nlohmann::json BodyOf(const std::string& response) {
  const size_t end = response.find("\r\n\r\n");
  if (end == std::string::npos) return nullptr;
  return nlohmann::json::parse(response.substr(end + 4), nullptr, false);
}

// The error of a raw error response: "code: message".
std::string ErrorOf(const std::string& response) {
  auto j = BodyOf(response);
  if (!j.is_object() || !j.contains("error")) return "no error in: " + response;
  return j["error"].value("code", "") + ": " + j["error"].value("message", "");
}

// Sends `request` on a new connection (from `from`) and reads the whole response until the
// server closes or `timeout`; *closed: whether it closed.
std::string OneRequest(uint16_t port, std::string_view request, bool* closed,
                       const char* from = nullptr, milliseconds timeout = milliseconds(3000)) {
  RawConn c(port, from);
  if (!c.connected()) return "not connected";
  if (!request.empty()) c.Send(request);
  return c.Read(timeout, closed);
}

// Connections that each got one answer to /v1/health and stay open, idle: counted by the
// server for sure (it answered them).
std::vector<std::unique_ptr<RawConn>> HoldIdle(uint16_t port, int n, const char* from = nullptr) {
  std::vector<std::unique_ptr<RawConn>> held;
  for (int i = 0; i < n; ++i) {
    held.push_back(std::make_unique<RawConn>(port, from));
    EXPECT_TRUE(held.back()->connected());
    held.back()->Send(kHealth);
    EXPECT_EQ(StatusOf(held.back()->Read(milliseconds(3000), nullptr, "}")), 200);
  }
  return held;
}

// Time for the server to take in connections opened or closed just now (accepting and
// counting them runs on its own threads). Only a settling pause: no test asserts a duration.
void Settle() { std::this_thread::sleep_for(milliseconds(300)); }

// The per-address limit counts an IPv4 address as such, also mapped into IPv6, and an IPv6
// address by its /64.
TEST(AddressKeyTest, IPv4ByAddressIPv6ByItsSlash64) {
  using internal::AddressKey;
  auto key = [](const char* address) {
    return AddressKey(net::tcp::endpoint(net::asio::ip::make_address(address), 7400));
  };
  EXPECT_EQ(key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(key("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(key("2001:db8:1:3::1"), "2001:db8:1:3::/64");
  EXPECT_EQ(key("::1"), "::/64");
}

TEST_F(ConnectionsTest, HealthAnswersFromTheReserveWhenAllConnectionsAreTaken) {
  ServerOptions o = DefaultOptions();
  o.limits.max_connections = 4;
  o.limits.health_reserve_connections = 2;
  o.limits.read_timeout = milliseconds(8000);  // the silent reserve holders below stay
  RestartServer(o);
  const uint16_t port = server_->http_port();
  auto held = HoldIdle(port, 4);

  // Within the reserve: /v1/health answers, anything else is refused; either way closed.
  bool closed = false;
  std::string health = OneRequest(port, kHealth, &closed);
  EXPECT_EQ(StatusOf(health), 200) << health;
  EXPECT_EQ(BodyOf(health).value("status", ""), "ok") << health;
  EXPECT_NE(health.find("Connection: close"), std::string::npos) << health;
  EXPECT_TRUE(closed);
  std::string head = OneRequest(port, Get("/v1/head", caseworker_.token), &closed);
  EXPECT_EQ(StatusOf(head), 503) << head;
  EXPECT_EQ(ErrorOf(head),
            "too_many_connections: the open connections exceed the server's limit of 4; only "
            "/v1/health is answered");
  EXPECT_TRUE(closed);

  // The reserve taken too (two silent connections): refused at once, health included.
  Settle();
  RawConn silent1(port), silent2(port);
  Settle();
  std::string beyond = OneRequest(port, kHealth, &closed);
  EXPECT_EQ(StatusOf(beyond), 503) << beyond;
  EXPECT_EQ(ErrorOf(beyond),
            "too_many_connections: the open connections exceed the server's limit of 4");
  EXPECT_TRUE(closed);

  // Freed connections serve again.
  held.clear();
  silent1.Close();
  silent2.Close();
  Settle();
  EXPECT_EQ(ClientFor(caseworker_)->Get("/v1/head").value().status, 200u);
}

TEST_F(ConnectionsTest, OneAddressCannotTakeEveryConnection) {
  ServerOptions o = DefaultOptions();
  o.limits.max_connections_per_address = 3;
  RestartServer(o);
  const uint16_t port = server_->http_port();
  auto held = HoldIdle(port, 3, "127.0.0.1");

  bool closed = false;
  std::string refused = OneRequest(port, Get("/v1/head", caseworker_.token), &closed, "127.0.0.1");
  EXPECT_EQ(StatusOf(refused), 503) << refused;
  EXPECT_EQ(ErrorOf(refused),
            "too_many_connections: the connections from 127.0.0.1 exceed the limit of 3 per "
            "address");
  EXPECT_TRUE(closed);

  // The binary port counts the same connections: a fatal error frame.
  {
    RawConn c(server_->binary_port(), "127.0.0.1");
    std::string bytes = c.Read(milliseconds(3000), &closed);
    EXPECT_TRUE(closed);
    ASSERT_GE(bytes.size(), binary::kFrameHeaderBytes);
    auto length = binary::FrameLength(std::string_view(bytes).substr(0, 4), 1 << 20);
    ASSERT_TRUE(length.ok()) << length.status().ToString();
    ASSERT_EQ(bytes.size(), binary::kFrameHeaderBytes + *length);
    auto m = binary::DecodeServerMessage(std::string_view(bytes).substr(4));
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    auto* e = std::get_if<binary::Error>(&*m);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->code, "too_many_connections");
    EXPECT_EQ(e->message, "the connections from 127.0.0.1 exceed the limit of 3 per address");
    EXPECT_TRUE(e->fatal);
  }

  // Another address is served meanwhile.
  std::string other = OneRequest(port, Get("/v1/head", caseworker_.token), &closed, "127.0.0.2",
                                 milliseconds(1000));
  EXPECT_EQ(StatusOf(other), 200) << other;

  // One closed connection makes room for one more from the first address.
  held.pop_back();
  Settle();
  std::string again = OneRequest(port, Get("/v1/head", caseworker_.token), &closed, "127.0.0.1",
                                 milliseconds(1000));
  EXPECT_EQ(StatusOf(again), 200) << again;
}

// docs/operations.md: the server's threads carry names an operator sees in top -H.
TEST_F(ConnectionsTest, ServerThreadsAreNamedForOperators) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(c->Get("/v1/head").value().status, 200u);  // a worker has run a request
  std::multiset<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  for (const char* want : {"ledger-net", "ledger-worker", "ledger-hub", "ledger-revoke",
                           "ledger-trim", "ledger-writer"}) {
    EXPECT_GE(names.count(want), 1u) << want;
  }
}

}  // namespace
}  // namespace ledger::server::testing
