// The auditor's page route (server/src/audit_page_route.h) over a real server: public, exact
// bytes of server/audit_page/, a strict Content-Security-Policy on every answer, nothing else
// reachable through it. The page's verification itself runs in a browser:
// tests/browser/audit_page_test.mjs.
#include <fstream>
#include <sstream>

#include "server_fixture.h"

#ifndef LEDGER_SOURCE_DIR
#error "LEDGER_SOURCE_DIR must name the source tree"
#endif

namespace ledger::server::testing {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class AuditPageTest : public ServerFixture {
 protected:
  // The raw response to `request_line` with `headers`, sent with Connection: close.
  std::string Raw(const std::string& request_line, const std::string& headers = "") {
    RawConn conn(server_->http_port());
    EXPECT_TRUE(conn.connected());
    conn.Send(request_line + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n");
    bool closed = false;
    return conn.Read(milliseconds(5000), &closed);
  }
  static std::string Header(const std::string& response, const std::string& name) {
    const std::string key = "\r\n" + name + ": ";
    const size_t at = response.find(key);
    if (at == std::string::npos) return "";
    const size_t from = at + key.size();
    return response.substr(from, response.find("\r\n", from) - from);
  }
  static std::string Body(const std::string& response) {
    const size_t at = response.find("\r\n\r\n");
    return at == std::string::npos ? "" : response.substr(at + 4);
  }
  static std::string SourceFile(const std::string& name) {
    std::ifstream in(std::string(LEDGER_SOURCE_DIR) + "/server/audit_page/" + name,
                     std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(AuditPageTest, FilesAreServedWithoutATokenByteForByte) {
  for (const auto& [file, path, type] :
       {std::tuple{"index.html", "/audit/", "text/html; charset=utf-8"},
        std::tuple{"index.html", "/audit/index.html", "text/html; charset=utf-8"},
        std::tuple{"audit.js", "/audit/audit.js", "text/javascript; charset=utf-8"},
        std::tuple{"bytes.js", "/audit/bytes.js", "text/javascript; charset=utf-8"},
        std::tuple{"entry.js", "/audit/entry.js", "text/javascript; charset=utf-8"},
        std::tuple{"merkle.js", "/audit/merkle.js", "text/javascript; charset=utf-8"},
        std::tuple{"note.js", "/audit/note.js", "text/javascript; charset=utf-8"},
        std::tuple{"audit.css", "/audit/audit.css", "text/css; charset=utf-8"}}) {
    const std::string r = Raw(std::string("GET ") + path + " HTTP/1.1");
    EXPECT_EQ(StatusOf(r), 200) << path << "\n" << r.substr(0, 400);
    EXPECT_EQ(Header(r, "Content-Type"), type) << path;
    EXPECT_EQ(Header(r, "Content-Security-Policy"), kCsp) << path;
    EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff") << path;
    const std::string source = SourceFile(file);
    ASSERT_FALSE(source.empty()) << file;
    EXPECT_EQ(Body(r), source) << path << " differs from server/audit_page/" << file;
  }
}

TEST_F(AuditPageTest, ThePageLoadsNoScriptInlineAndNothingFromElsewhere) {
  // The CSP forbids both; the page must not need them (else it would not run).
  const std::string html = SourceFile("index.html");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("style="), std::string::npos);
  EXPECT_EQ(html.find("onclick"), std::string::npos);
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_NE(html.find("<script type=\"module\" src=\"audit.js\"></script>"), std::string::npos);
}

TEST_F(AuditPageTest, BareAuditRedirectsToTheDirectory) {
  const std::string r = Raw("GET /audit HTTP/1.1");
  EXPECT_EQ(StatusOf(r), 308) << r;
  EXPECT_EQ(Header(r, "Location"), "/audit/");
}

TEST_F(AuditPageTest, UnknownFilesAndEscapesAre404) {
  for (const char* path : {"/audit/nothing.js", "/audit/../v1/head", "/audit/%2e%2e/v1/head",
                           "/audit/index.html/", "/audit//index.html"}) {
    const std::string r = Raw(std::string("GET ") + path + " HTTP/1.1");
    EXPECT_EQ(StatusOf(r), 404) << path << "\n" << r;
    EXPECT_NE(Body(r).find("\"not_found\""), std::string::npos) << r;
    EXPECT_EQ(Header(r, "Content-Security-Policy"), kCsp) << path;
  }
}

TEST_F(AuditPageTest, OnlyGetIsAllowed) {
  const std::string r = Raw("POST /audit/ HTTP/1.1", "Content-Length: 0\r\n");
  EXPECT_EQ(StatusOf(r), 405) << r;
  EXPECT_EQ(Header(r, "Allow"), "GET");
  EXPECT_NE(Body(r).find("\"method_not_allowed\""), std::string::npos) << r;
}

TEST_F(AuditPageTest, OnlyTheAuditDirectoryIsPublic) {
  // A path that merely starts with "/audit" is an ordinary endpoint: no token, 401.
  for (const char* path : {"/auditx", "/audit.js", "/v1/head", "/checkpoint"}) {
    const std::string r = Raw(std::string("GET ") + path + " HTTP/1.1");
    EXPECT_EQ(StatusOf(r), 401) << path << "\n" << r;
  }
  // And the data the page shows needs the auditor's token.
  const std::string r =
      Raw("GET /v1/head HTTP/1.1", "Authorization: Bearer " + auditor_.token + "\r\n");
  EXPECT_EQ(StatusOf(r), 200) << r;
}

}  // namespace
}  // namespace ledger::server::testing
