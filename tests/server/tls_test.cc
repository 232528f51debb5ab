// TLS on the HTTP port: a client that verifies the server's certificate gets answers; a plain
// HTTP client on the TLS port gets nothing and does not disturb the server. A revocation ends a
// TLS session with its reason.
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <utility>  // before Asio (Boost 1.74, STYLE.md)

#include "server/binary_protocol.h"
#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

namespace asio = boost::asio;

class TlsTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    cert_ = dir_ + "/cert.pem";
    key_ = dir_ + "/key.pem";
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + key_ +
        " -out " + cert_ +
        " -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
        ">/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make a certificate";
    ServerOptions o = DefaultOptions();
    o.tls_cert_file = cert_;
    o.tls_key_file = key_;
    RestartServer(o);
  }

  // One HTTPS request; the raw response.
  std::string Https(const std::string& request) {
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(cert_);
    asio::ssl::stream<asio::ip::tcp::socket> s(ioc, ctx);
    s.set_verify_mode(asio::ssl::verify_peer);
    asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), server_->http_port());
    boost::system::error_code ec;
    s.lowest_layer().connect(ep, ec);
    if (ec) return "connect: " + ec.message();
    s.handshake(asio::ssl::stream_base::client, ec);
    if (ec) return "handshake: " + ec.message();
    asio::write(s, asio::buffer(request), ec);
    std::string out;
    char buf[4096];
    for (;;) {
      size_t n = s.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec || out.find("\r\n\r\n") != std::string::npos) break;
    }
    return out;
  }

  std::string cert_, key_;
};

TEST_F(TlsTest, VerifiedClientsAreServedPlainOnesAreNot) {
  auto health = Https("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(health), 200) << health;
  auto head = Https("GET /v1/head HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    auditor_.token + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(head), 200) << head;
  RawConn plain(server_->http_port());
  plain.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  auto answer = plain.Read(std::chrono::milliseconds(3000), &closed);
  EXPECT_EQ(StatusOf(answer), 0);
  EXPECT_TRUE(closed);
  EXPECT_EQ(StatusOf(Https("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")), 200);
}

// A revocation reaches a session over TLS as over plain TCP: an idle binary connection's pending
// read is cancelled under the TLS layer, and the fatal error still goes out encrypted.
TEST_F(TlsTest, RevocationEndsAnIdleBinaryConnectionWithItsReason) {
  using namespace ledger::server::binary;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert_);
  asio::ssl::stream<asio::ip::tcp::socket> s(ioc, ctx);
  s.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  s.lowest_layer().connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->binary_port()), ec);
  ASSERT_FALSE(ec) << ec.message();
  // Reads end after 5 s at the most: the test cannot hang on a server that says nothing.
  timeval tv{5, 0};
  ::setsockopt(s.lowest_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  s.handshake(asio::ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();
  std::string received;
  // The next whole frame's message (nullopt on a read error or close).
  auto next = [&]() -> std::optional<ServerMessage> {
    for (;;) {
      if (received.size() >= 4) {
        auto n = FrameLength(std::string_view(received).substr(0, 4), 1 << 20);
        if (!n.ok()) return std::nullopt;
        if (received.size() >= 4 + *n) {
          auto m = DecodeServerMessage(std::string_view(received).substr(4, *n));
          received.erase(0, 4 + *n);
          if (!m.ok()) return std::nullopt;
          return *m;
        }
      }
      char buf[4096];
      const size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) return std::nullopt;
      received.append(buf, n);
    }
  };
  asio::write(
      s, asio::buffer(EncodeFrame(ClientMessage(Hello{caseworker_.token, kProtocolVersion}))), ec);
  auto welcome = next();
  ASSERT_TRUE(welcome && std::holds_alternative<Welcome>(*welcome));

  ASSERT_TRUE(TokenStore::Revoke(TokensPath(data_), caseworker_.token.substr(5, 16)).ok());
  auto error = next();
  ASSERT_TRUE(error) << "no frame after the revocation";
  auto* e = std::get_if<Error>(&*error);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, "unauthenticated");
  EXPECT_EQ(e->message, "the API token was revoked");
  EXPECT_TRUE(e->fatal);
  EXPECT_FALSE(next());  // then closed
}

}  // namespace
}  // namespace ledger::server::testing
