// Hostile framing over a raw socket (issue 14): request smuggling (RFC 9112 6.1, 6.3), header
// limits, repeated headers, and connections that send nothing, half a request, or ask to close.
// Each refusal is 400 (or 431, 408) and closes the connection; a smuggled second request is
// never run.
#include <thread>

#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class FramingTest : public ServerFixture {
 protected:
  // The durable size (not /v1/health's, which is the hub's and may trail an acknowledged
  // append by a moment).
  uint64_t LogSize() { return server_->ledger().log().Size(); }

  // A whole POST /v1/events that would append one event: the request to smuggle.
  std::string SmuggledAppend() {
    auto body = SignedEventBody(CaseOpened("smuggled").dump(), caseworker_.key);
    EXPECT_TRUE(body.ok());
    return "POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + caseworker_.token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body->size()) +
           "\r\n\r\n" + *body;
  }

  std::string Head(const std::string& extra_headers) {
    return "GET /v1/head HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + caseworker_.token +
           "\r\n" + extra_headers + "\r\n";
  }

  // Sends a GET whose framing headers are `framing`, then `rest` (what a lenient parser takes
  // for the body and a smuggled append). Expects exactly one answer, 400 `code`, a closed
  // connection, and no append.
  void ExpectRefused(const std::string& framing, const std::string& body_prefix,
                     const std::string& code = "bad_framing") {
    SCOPED_TRACE(framing);
    const uint64_t before = LogSize();
    RawConn conn(server_->http_port());
    ASSERT_TRUE(conn.connected());
    conn.Send(Head(framing) + body_prefix + SmuggledAppend());
    bool closed = false;
    const std::string response = conn.Read(milliseconds(3000), &closed);
    EXPECT_EQ(StatusOf(response), 400) << response;
    // Beast refuses some of these itself (malformed_http) before the server's own check.
    EXPECT_TRUE(response.find("\"" + code + "\"") != std::string::npos ||
                (code == "bad_framing" && response.find("\"malformed_http\"") != std::string::npos))
        << response;
    EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
    EXPECT_EQ(response.find("HTTP/1.1", 5), std::string::npos) << "a second answer: " << response;
    EXPECT_TRUE(closed);
    // The append, had it run, is done before the connection closed.
    EXPECT_EQ(LogSize(), before);
  }
};

TEST_F(FramingTest, TheSmuggledAppendRunsWhenFramedHonestly) {
  // The control: without the bad framing the same bytes are two requests, and the second appends.
  const uint64_t before = LogSize();
  RawConn conn(server_->http_port());
  conn.Send(Head("") + SmuggledAppend());
  bool closed = false;
  const std::string response = conn.Read(milliseconds(5000), &closed, "201 Created");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_NE(response.find("HTTP/1.1 201"), std::string::npos) << response;
  EXPECT_FALSE(closed);
  EXPECT_EQ(LogSize(), before + 1);
}

TEST_F(FramingTest, UnknownCodingWithContentLengthIs400) {
  ExpectRefused("Transfer-Encoding: xchunked\r\nContent-Length: 0\r\n", "");
}

TEST_F(FramingTest, CodingListIs400) {
  ExpectRefused("Transfer-Encoding: chunked, identity\r\n", "");
  ExpectRefused("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n");
  ExpectRefused("Transfer-Encoding: chunked,chunked\r\n", "0\r\n\r\n");
}

TEST_F(FramingTest, OtherCodingsAre400) {
  ExpectRefused("Transfer-Encoding: identity\r\n", "");
  ExpectRefused("Transfer-Encoding: gzip\r\n", "");
  ExpectRefused("Transfer-Encoding: \r\n", "");
}

TEST_F(FramingTest, RepeatedTransferEncodingIs400) {
  ExpectRefused("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n");
  ExpectRefused("Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n");
}

TEST_F(FramingTest, TransferEncodingWithContentLengthIs400) {
  // Beast refuses these itself (malformed_http); either way 400 and closed.
  for (const auto& framing : {std::string("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
                              std::string("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")}) {
    SCOPED_TRACE(framing);
    const uint64_t before = LogSize();
    RawConn conn(server_->http_port());
    conn.Send(Head(framing) + "0\r\n\r\n" + SmuggledAppend());
    bool closed = false;
    const std::string response = conn.Read(milliseconds(3000), &closed);
    EXPECT_EQ(StatusOf(response), 400) << response;
    EXPECT_EQ(response.find("HTTP/1.1", 5), std::string::npos) << response;
    EXPECT_TRUE(closed);
    EXPECT_EQ(LogSize(), before);
  }
}

TEST_F(FramingTest, RepeatedContentLengthIs400EvenWhenEqual) {
  ExpectRefused("Content-Length: 0\r\nContent-Length: 0\r\n", "");
  ExpectRefused("Content-Length: 0\r\nContent-Length: 2\r\n", "ab");
}

TEST_F(FramingTest, ContentLengthOtherThanDigitsIs400) {
  for (const char* value : {"+0", "-0", "0x0", "0, 0", "abc", "0 0", ""}) {
    SCOPED_TRACE(value);
    const uint64_t before = LogSize();
    RawConn conn(server_->http_port());
    conn.Send(Head(std::string("Content-Length: ") + value + "\r\n") + SmuggledAppend());
    bool closed = false;
    const std::string response = conn.Read(milliseconds(3000), &closed);
    EXPECT_EQ(StatusOf(response), 400) << response;
    EXPECT_EQ(response.find("HTTP/1.1", 5), std::string::npos) << response;
    EXPECT_TRUE(closed);
    EXPECT_EQ(LogSize(), before);
  }
}

TEST_F(FramingTest, ChunkedAloneInAnyCaseIsAccepted) {
  const uint64_t before = LogSize();
  auto body = SignedEventBody(CaseOpened("chunked").dump(), caseworker_.key).value();
  char size[32];
  std::snprintf(size, sizeof size, "%zx", body.size());
  RawConn conn(server_->http_port());
  conn.Send("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + caseworker_.token +
            "\r\nContent-Type: application/json\r\nTransfer-Encoding: CHUNKED\r\n\r\n" + size +
            "\r\n" + body + "\r\n0\r\n\r\n");
  const std::string response = conn.Read(milliseconds(5000), nullptr, "\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 201) << response;
  EXPECT_EQ(LogSize(), before + 1);
}

TEST_F(FramingTest, TwoAuthorizationHeadersAre400) {
  RawConn conn(server_->http_port());
  conn.Send(Head("Authorization: Bearer " + auditor_.token + "\r\n") + Head(""));
  bool closed = false;
  const std::string response = conn.Read(milliseconds(3000), &closed);
  EXPECT_EQ(StatusOf(response), 400) << response;
  EXPECT_NE(response.find("duplicate_header"), std::string::npos) << response;
  EXPECT_EQ(response.find("HTTP/1.1", 5), std::string::npos) << response;
  EXPECT_TRUE(closed);
}

TEST_F(FramingTest, TwoHostHeadersAre400) { ExpectRefused("Host: y\r\n", "", "duplicate_header"); }

TEST_F(FramingTest, MalformedFieldLinesAre400Promptly) {
  for (const std::string& request : {std::string("GET /v1/head HTTP/1.1\nHost: x\n\n"),
                                     Head("Transfer-Encoding : chunked\r\n") + "0\r\n\r\n",
                                     Head(" Transfer-Encoding: chunked\r\n") + "0\r\n\r\n",
                                     Head("Transfer-Encoding: chunked\nX: y\r\n") + "0\r\n\r\n"}) {
    SCOPED_TRACE(request);
    const uint64_t before = LogSize();
    RawConn conn(server_->http_port());
    const auto start = Clock::now();
    conn.Send(request + SmuggledAppend());
    bool closed = false;
    const std::string response = conn.Read(milliseconds(3000), &closed);
    EXPECT_EQ(StatusOf(response), 400) << response;
    EXPECT_EQ(response.find("HTTP/1.1", 5), std::string::npos) << response;
    EXPECT_TRUE(closed);
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
    EXPECT_EQ(LogSize(), before);
  }
}

// The header block (request line to the empty line) holds at most 16 KiB, all of it counted.
TEST_F(FramingTest, HeaderBlockOfExactly16KiBPassesOneByteMoreIs431) {
  for (size_t total : {size_t{16384}, size_t{16385}}) {
    SCOPED_TRACE(total);
    std::string request = Head("X-Pad: ");
    request.resize(request.size() - 2);  // Head's final empty line, added back below
    const size_t pad = total - request.size() - 4;
    request += std::string(pad, 'a') + "\r\n\r\n";
    ASSERT_EQ(request.size(), total);
    RawConn conn(server_->http_port());
    conn.Send(request);
    bool closed = false;
    const std::string response = conn.Read(milliseconds(3000), &closed, "\r\n\r\n");
    if (total == 16384) {
      EXPECT_EQ(StatusOf(response), 200) << response;
    } else {
      EXPECT_EQ(StatusOf(response), 431) << response;
      EXPECT_NE(response.find("header_too_large"), std::string::npos);
      conn.Read(milliseconds(3000), &closed);
      EXPECT_TRUE(closed);
    }
  }
}

TEST_F(FramingTest, LongTargetAndFieldsTogetherAre431) {
  // Each under 16 KiB, 19 KiB together: Beast counts them apart.
  RawConn conn(server_->http_port());
  conn.Send("GET /v1/head?pad=" + std::string(10 << 10, 'a') + " HTTP/1.1\r\nHost: x\r\n" +
            "X-Pad: " + std::string(9 << 10, 'b') + "\r\n\r\n");
  bool closed = false;
  const std::string response = conn.Read(milliseconds(3000), &closed);
  EXPECT_EQ(StatusOf(response), 431) << response.substr(0, 200);
  EXPECT_TRUE(closed);
}

TEST_F(FramingTest, ManyHeadersOver16KiBAre431) {
  std::string fields;
  for (int i = 0; i < 19; ++i) {
    fields += "X-Pad-" + std::to_string(i) + ": " + std::string(1000, 'c') + "\r\n";
  }
  RawConn conn(server_->http_port());
  conn.Send(Head(fields));
  bool closed = false;
  const std::string response = conn.Read(milliseconds(3000), &closed);
  EXPECT_EQ(StatusOf(response), 431) << response.substr(0, 200);
  EXPECT_TRUE(closed);
}

// Tests set the read timeout to 1.5 s (server_fixture.h).
constexpr milliseconds kReadTimeout{1500};

TEST_F(FramingTest, SilentConnectionIsClosedAfterTheReadTimeout) {
  RawConn conn(server_->http_port());
  ASSERT_TRUE(conn.connected());
  const auto start = Clock::now();
  bool closed = false;
  const std::string got = conn.Read(kReadTimeout + milliseconds(1000), &closed);
  const auto elapsed = Clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_TRUE(got.empty()) << got;
  EXPECT_GE(elapsed, kReadTimeout - milliseconds(100));
}

TEST_F(FramingTest, HalfSentHeaderIs408AndClosedAfterTheReadTimeout) {
  RawConn conn(server_->http_port());
  const auto start = Clock::now();
  conn.Send("GET /v1/head HTTP/1.1\r\nHost: x\r\n");
  bool closed = false;
  const std::string got = conn.Read(kReadTimeout + milliseconds(1000), &closed);
  EXPECT_EQ(StatusOf(got), 408) << got;
  EXPECT_TRUE(closed);
  EXPECT_GE(Clock::now() - start, kReadTimeout - milliseconds(100));
}

TEST_F(FramingTest, HalfSentBodyIs408AndClosedAfterTheReadTimeout) {
  RawConn conn(server_->http_port());
  conn.Send("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + caseworker_.token +
            "\r\nContent-Length: 100\r\n\r\n0123456789");
  bool closed = false;
  const std::string got = conn.Read(kReadTimeout + milliseconds(1000), &closed);
  EXPECT_EQ(StatusOf(got), 408) << got;
  EXPECT_TRUE(closed);
}

TEST_F(FramingTest, IdleKeepAliveConnectionOutlivesTheReadTimeout) {
  // Between requests the idle timeout (60 s) applies, not the read timeout.
  RawConn conn(server_->http_port());
  conn.Send(Head(""));
  EXPECT_EQ(StatusOf(conn.Read(milliseconds(3000), nullptr, "\r\n\r\n")), 200);
  bool closed = false;
  conn.Read(kReadTimeout + milliseconds(500), &closed);
  EXPECT_FALSE(closed);
  conn.Send(Head(""));
  EXPECT_EQ(StatusOf(conn.Read(milliseconds(3000), nullptr, "\r\n\r\n")), 200);
}

TEST_F(FramingTest, ConnectionCloseIsHonouredOnEveryAnswer) {
  struct Case {
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"GET /v1/head HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n"
       "Connection: close\r\n\r\n",
       401},
      {"GET /v1/head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 401},
      {Head("Connection: close\r\n"), 200},
      {"GET /v1/no-such-thing HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + caseworker_.token +
           "\r\nConnection: close\r\n\r\n",
       404},
      {"POST /v1/subscribe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + subscriber_.token +
           "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
       405},
      {"GET /v1/head HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer nope\r\n\r\n", 401},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.request);
    RawConn conn(server_->http_port());
    const auto start = Clock::now();
    conn.Send(c.request);
    bool closed = false;
    const std::string response = conn.Read(milliseconds(3000), &closed);
    EXPECT_EQ(StatusOf(response), c.status) << response;
    EXPECT_TRUE(closed);
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
  }
}

}  // namespace
}  // namespace ledger::server::testing
