// TLS on the HTTP port: a client that verifies the server's certificate gets answers; a plain
// HTTP client on the TLS port gets nothing and does not disturb the server.
#include <utility>  // before Asio (Boost 1.74, STYLE.md)

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>

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
    const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                            key_ + " -out " + cert_ +
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

}  // namespace
}  // namespace ledger::server::testing
