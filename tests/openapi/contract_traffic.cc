// The traffic of the OpenAPI contract test (tests/openapi/README.md): a server on a scratch
// ledger on 127.0.0.1, asked every operation of docs/openapi.json for each answer this test can
// provoke (successes, refusals by role, malformed input, limits), over raw sockets so that what
// is recorded is exactly what a client sees. Every exchange is written, one JSON line each, to
// $LEDGER_CONTRACT_OUT/exchanges.jsonl, and the metrics after the traffic to
// $LEDGER_CONTRACT_OUT/metrics.txt. tools/openapi/check_contract.mjs then judges the exchanges
// against the description; promtool and check_dashboard.mjs the metrics. This file makes no
// judgement of its own beyond what the traffic needs (a setup step that fails stops it), so that
// the description, not this file, is the contract. Last, the same description and a scrape are
// asked of the `ledger serve` binary (LEDGER_BINARY) on the same ledger: what the CLI serves.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "../server/server_fixture.h"
#include "base/base64.h"
#include "ledger/event_codec.h"

namespace ledger::server::testing {
namespace {

struct Answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Splits a raw HTTP/1.1 response (read to the connection's end) into status, headers, body.
Answer ParseAnswer(const std::string& raw) {
  Answer a;
  a.status = StatusOf(raw);
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return a;
  size_t line = raw.find("\r\n") + 2;
  while (line < end) {
    const size_t next = raw.find("\r\n", line);
    const std::string field = raw.substr(line, next - line);
    const size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::string value = field.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      a.headers[Lower(field.substr(0, colon))] = value;
    }
    line = next + 2;
  }
  a.body = raw.substr(end + 4);
  return a;
}

class ContractTraffic : public ServerFixture {
 protected:
  void SetUp() override {
    const char* out = std::getenv("LEDGER_CONTRACT_OUT");
    ASSERT_NE(out, nullptr) << "set LEDGER_CONTRACT_OUT to the directory for the exchanges";
    out_dir_ = out;
    log_.open(out_dir_ + "/exchanges.jsonl", std::ios::trunc);
    ASSERT_TRUE(log_.good()) << out_dir_;
    ServerOptions o = DefaultOptions();
    backups_ = ScratchDir("contract-backups");
    backup_dir_ = backups_->path();
    o.backup_dir = backup_dir_;
    // Checkpoints only when this test signs one (and the writer's first), so that an entry
    // appended after one stays uncovered (409 not_yet_checkpointed) however slow the machine.
    o.ledger_options.checkpoint_interval_us = int64_t{3600} * 1000000;
    StartServer(std::move(o));
  }
  void TearDown() override {
    if (serve_pid_ > 0) {
      ::kill(serve_pid_, SIGKILL);
      ::waitpid(serve_pid_, nullptr, 0);
    }
    ServerFixture::TearDown();
    backups_.reset();
  }

  const Role* RoleNamed(const std::string& name) {
    static const std::map<std::string, Role ContractTraffic::*> roles = {
        {"admin", &ContractTraffic::admin_},
        {"caseworker", &ContractTraffic::caseworker_},
        {"service", &ContractTraffic::service_},
        {"auditor", &ContractTraffic::auditor_},
        {"subscriber", &ContractTraffic::subscriber_},
        {"evaluator", &ContractTraffic::evaluator_},
        {"dpo", &ContractTraffic::dpo_}};
    auto it = roles.find(name);
    return it == roles.end() ? nullptr : &(this->*(it->second));
  }

  // One request on a new connection (Connection: close), recorded. `role` "" sends no token.
  // `extra` is added to the header block as it is; `until`: stop reading once this arrives
  // (streams), else read to the server's close.
  Answer Ask(const std::string& role, const std::string& method, const std::string& target,
             const std::string& body = "", const std::string& extra = "",
             const std::string& until = "", bool declare_length = true) {
    RawConn conn(Port());
    EXPECT_TRUE(conn.connected());
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (const Role* r = RoleNamed(role)) req += "Authorization: Bearer " + r->token + "\r\n";
    if (until.empty()) req += "Connection: close\r\n";
    if (declare_length && (!body.empty() || method == "POST")) {
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += extra + "\r\n" + body;
    conn.Send(req);
    const std::string raw = conn.Read(std::chrono::seconds(60), nullptr, until);
    Answer a = ParseAnswer(raw);
    Record(role, method, target, body, a, !until.empty());
    return a;
  }

  void Record(const std::string& role, const std::string& method, const std::string& target,
              const std::string& request_body, const Answer& a, bool stream) {
    nlohmann::json j;
    j["role"] = role;
    j["method"] = method;
    j["target"] = target;
    j["request_body"] = request_body.size() <= 65536 ? request_body : "";
    j["status"] = a.status;
    j["headers"] = a.headers;
    j["stream"] = stream;
    const std::string type = a.headers.count("content-type") ? a.headers.at("content-type") : "";
    if (stream || type == "application/octet-stream") {
      j["body_base64"] = Base64Encode(a.body);
    } else {
      j["body"] = a.body;
    }
    log_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    log_.flush();
  }

  // A signed event body for POST /v1/events.
  std::string Signed(const nlohmann::json& event, const Role& r) {
    auto body = SignedEventBody(event.dump(), r.key);
    EXPECT_TRUE(body.ok()) << body.status().ToString();
    return body.ok() ? *body : "";
  }

  // The in-process server's port, or the `ledger serve` process's once it runs.
  uint16_t Port() { return serve_port_ != 0 ? serve_port_ : server_->http_port(); }

  // Starts `ledger serve` on the fixture's ledger (the in-process server stopped) on an
  // ephemeral loopback port; reads the port from its banner within 30 s (0 if it never came).
  uint16_t StartServeProcess() {
    const std::string keys = dir_ + "/keys";
    std::filesystem::create_directories(keys);
    EXPECT_TRUE(master_->WriteNewFile(keys + "/master.key").ok());
    int out[2];
    if (::pipe(out) != 0) return 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args = {"ledger",          "serve", "--data",   data_,
                                     "--keys",          keys,    "--listen", "127.0.0.1:0",
                                     "--binary-listen", "off"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int spawned =
        ::posix_spawn(&serve_pid_, LEDGER_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (spawned != 0) serve_pid_ = 0;
    std::string banner;
    const std::string marker = "http://127.0.0.1:";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    // The whole line that names the address, or the deadline.
    auto complete = [&] {
      const size_t at = banner.find(marker);
      return at != std::string::npos && banner.find('\n', at) != std::string::npos;
    };
    while (serve_pid_ > 0 && !complete() && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[512];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      banner.append(buf, static_cast<size_t>(n));
    }
    ::close(out[0]);
    const size_t at = banner.find(marker);
    if (at == std::string::npos) return 0;
    return static_cast<uint16_t>(std::atoi(banner.c_str() + at + marker.size()));
  }

  // SIGTERM, then a bounded wait for the graceful stop; true if it exited with 0.
  bool StopServeProcess() {
    ::kill(serve_pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300; ++i) {
      if (::waitpid(serve_pid_, &status, WNOHANG) == serve_pid_) {
        serve_pid_ = 0;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::unique_ptr<ledger::testing::TempDir> backups_;  // holds backup_dir_
  std::string out_dir_, backup_dir_;
  std::ofstream log_;
  pid_t serve_pid_ = 0;
  uint16_t serve_port_ = 0;
};

TEST_F(ContractTraffic, EveryOperationAndItsAnswers) {
  const std::string kAll[] = {"admin",   "caseworker", "service",   "dpo",
                              "auditor", "evaluator",  "subscriber"};
  // ---- appends: 201, 200 (duplicate), and every refusal.
  const std::string first = Signed(CaseOpened("p-1"), caseworker_);
  ASSERT_EQ(Ask("caseworker", "POST", "/v1/events", first).status, 201);
  Ask("caseworker", "POST", "/v1/events", first);  // duplicate: 200
  ASSERT_EQ(
      Ask("caseworker", "POST", "/v1/events", Signed(PhaseEntered("p-1", "intake"), caseworker_))
          .status,
      201);
  Ask("caseworker", "POST", "/v1/events", "{not json");
  Ask("auditor", "POST", "/v1/events", Signed(CaseOpened("p-2"), auditor_));
  {
    auto tampered = nlohmann::json::parse(Signed(CaseOpened("p-2"), caseworker_));
    tampered["event"]["data"]["office"] = "elsewhere";
    Ask("caseworker", "POST", "/v1/events", tampered.dump());
  }
  {
    auto reused = PhaseEntered("p-1", "clarification");
    reused["id"] = nlohmann::json::parse(first)["event"]["id"];
    Ask("caseworker", "POST", "/v1/events", Signed(reused, caseworker_));  // 409 conflict
  }
  Ask("caseworker", "POST", "/v1/events", Signed(PhaseEntered("p-never", "intake"), caseworker_));
  Ask("caseworker", "POST", "/v1/events", R"({"event":{},"key_id":"zz"})");
  Ask("caseworker", "POST", "/v1/events", "", "Content-Length: 99999999\r\n", "", false);
  Ask("auditor", "POST", "/v1/events", "", "Content-Length: 99999999\r\n", "", false);
  Ask("auditor", "POST", "/v1/events/batch", "", "Content-Length: 5000\r\n", "", false);

  // ---- batches: enough case.opened for one full tile (256 entries) and a partial one.
  {
    std::vector<SignedEvent> events;
    for (int i = 0; i < 270; ++i) {
      events.push_back(
          ledger::testing::Sign(CaseOpened("t-" + std::to_string(i)), caseworker_.key));
    }
    ASSERT_EQ(Ask("caseworker", "POST", "/v1/events/batch", BatchBody(events, true).value()).status,
              200);
    std::vector<SignedEvent> mixed = {
        ledger::testing::Sign(PhaseEntered("t-1", "intake"), caseworker_.key),
        ledger::testing::Sign(PhaseEntered("p-never", "intake"), caseworker_.key)};
    Ask("caseworker", "POST", "/v1/events/batch", BatchBody(mixed, false).value());  // 200
    Ask("caseworker", "POST", "/v1/events/batch", BatchBody(mixed, true).value());   // 409
    Ask("auditor", "POST", "/v1/events/batch", BatchBody(mixed, false).value());     // 403
    std::string many = "{\"events\":[{}";
    for (int i = 0; i < 600; ++i) many += ",{}";
    Ask("caseworker", "POST", "/v1/events/batch", many + "]}");         // 413
    Ask("caseworker", "POST", "/v1/events/batch", R"({"events":[]})");  // 422
    Ask("caseworker", "POST", "/v1/events/batch", "[1,");               // 400
  }
  // A checkpoint over what is there, then one more entry that it does not cover.
  ASSERT_TRUE(server_->ledger().audit().SignCheckpoint().ok());
  const uint64_t covered = server_->ledger().log().Size();
  ASSERT_EQ(
      Ask("caseworker", "POST", "/v1/events", Signed(CaseOpened("p-late"), caseworker_)).status,
      201);
  const std::string last = std::to_string(covered);

  // ---- reads.
  Ask("auditor", "GET", "/v1/entries?from=0&limit=3");
  Ask("evaluator", "GET", "/v1/entries?limit=2");
  Ask("auditor", "GET", "/v1/entries?limit=0");
  const Answer e0 = Ask("auditor", "GET", "/v1/entries/0");
  Ask("caseworker", "GET", "/v1/entries/1");
  Ask("auditor", "GET", "/v1/entries/abc");
  Ask("subscriber", "GET", "/v1/entries/0");  // the keys stream: outside case/
  Ask("auditor", "GET", "/v1/entries/999999");
  Ask("caseworker", "GET", "/v1/entries/1/personal");
  Ask("dpo", "GET", "/v1/entries/0/personal");
  Ask("caseworker", "GET", "/v1/entries/x/personal");
  Ask("auditor", "GET", "/v1/entries/1/personal");
  Ask("caseworker", "GET", "/v1/entries/999999/personal");
  const std::string key_event_id = nlohmann::json::parse(e0.body)["event"]["id"];
  Ask("auditor", "GET", "/v1/events/" + key_event_id);
  Ask("subscriber", "GET", "/v1/events/" + key_event_id);
  Ask("auditor", "GET", "/v1/events/" + NewEventId());
  Ask("caseworker", "GET", "/v1/streams/case%2Fp-1?from=0&limit=10");
  Ask("subscriber", "GET", "/v1/streams/keys");
  Ask("caseworker", "GET", "/v1/streams/case%2Fp-1?limit=5000");
  Ask("caseworker", "GET", "/v1/head");
  Ask("evaluator", "GET", "/v1/head");
  Ask("auditor", "GET", "/v1/keys");
  Ask("caseworker", "GET", "/v1/keys");

  // ---- auditors.
  for (const std::string path : {"/checkpoint", "/v1/checkpoint"}) {
    Ask("auditor", "GET", path);
    Ask("caseworker", "GET", path);
  }
  Ask("auditor", "GET", "/tile/0/000");
  Ask("auditor", "GET", "/tile/0/001.p%2F" + std::to_string(covered + 1 - 256));
  Ask("auditor", "GET", "/tile/0/007");
  Ask("auditor", "GET", "/tile/0/0");
  Ask("caseworker", "GET", "/tile/0/000");
  Ask("auditor", "GET", "/tile/entries/000");
  Ask("dpo", "GET", "/tile/entries/001.p%2F3");
  Ask("auditor", "GET", "/tile/entries/009");
  Ask("auditor", "GET", "/tile/entries/zz");
  Ask("subscriber", "GET", "/tile/entries/000");
  Ask("auditor", "GET", "/v1/proof/inclusion?seq=42");
  Ask("auditor", "GET", "/v1/proof/inclusion?seq=" + last);   // 409 not yet checkpointed
  Ask("auditor", "GET", "/v1/proof/inclusion?seq=1&size=3");  // 404: no checkpoint of size 3
  Ask("auditor", "GET", "/v1/proof/inclusion");
  Ask("caseworker", "GET", "/v1/proof/inclusion?seq=1");
  Ask("auditor", "GET", "/v1/proof/consistency?from=10&to=" + last);
  Ask("auditor", "GET", "/v1/proof/consistency?from=10&to=5");
  Ask("caseworker", "GET", "/v1/proof/consistency?from=1&to=2");

  // ---- reports.
  Ask("auditor", "GET", "/v1/reports/caseload?as_of=2009-06-30");
  Ask("caseworker", "GET", "/v1/reports/caseload?format=csv");
  Ask("admin", "GET", "/v1/reports/caseload?format=text");
  Ask("subscriber", "GET", "/v1/reports/caseload");
  Ask("auditor", "GET", "/v1/reports/caseload?as_of=2009-02-30");
  Ask("auditor", "GET", "/v1/reports/outcomes?as_of=2010-12-31&by=sex");
  Ask("dpo", "GET", "/v1/reports/outcomes?format=csv");
  Ask("caseworker", "GET", "/v1/reports/outcomes");
  Ask("auditor", "GET", "/v1/reports/outcomes?by=gender");
  Ask("auditor", "GET", "/v1/reports/compliance?as_of=2010-12-31");
  Ask("auditor", "GET", "/v1/reports/compliance?format=summary_csv");
  Ask("service", "GET", "/v1/reports/compliance");
  Ask("auditor", "GET", "/v1/reports/compliance?colour=blue");

  // ---- consent.
  Ask("caseworker", "GET",
      "/v1/consent/"
      "check?subject=p-1&recipient=nav&categories=economy&purpose=case_coordination&at=2009-01-"
      "01T00:00:00Z");
  Ask("auditor", "GET",
      "/v1/consent/check?subject=p-1&recipient=nav&categories=economy&purpose=case_coordination");
  Ask("caseworker", "GET", "/v1/consent/check?subject=p-1");

  // ---- consumer groups.
  Ask("subscriber", "GET", "/v1/groups/billing");
  Ask("subscriber", "POST", "/v1/groups/billing/ack", R"({"position":3})");
  Ask("subscriber", "GET", "/v1/groups/billing");
  Ask("subscriber", "GET", "/v1/groups/bad*name");
  Ask("subscriber", "POST", "/v1/groups/bad*name/ack", R"({"position":3})");
  Ask("evaluator", "GET", "/v1/groups/billing");
  Ask("evaluator", "POST", "/v1/groups/billing/ack", R"({"position":3})");
  Ask("subscriber", "POST", "/v1/groups/billing/ack", R"({"position":-1})");
  Ask("subscriber", "POST", "/v1/groups/billing/ack", R"({"position":)");
  Ask("subscriber", "POST", "/v1/groups/billing/ack", std::string(5000, ' '));

  // ---- backups.
  Ask("admin", "POST", "/v1/admin/backup");
  Ask("admin", "POST", "/v1/admin/backup", R"({"name":"nightly"})");
  Ask("admin", "POST", "/v1/admin/backup", R"({"name":"nightly"})");  // 409: name used
  Ask("admin", "POST", "/v1/admin/backup", R"({"name":".hidden"})");
  Ask("admin", "POST", "/v1/admin/backup", R"({"name":)");
  Ask("caseworker", "POST", "/v1/admin/backup");

  // ---- releases (none is approved on this ledger).
  Ask("evaluator", "GET", "/v1/releases");
  Ask("dpo", "GET", "/v1/releases");
  Ask("caseworker", "GET", "/v1/releases");
  Ask("evaluator", "GET", "/v1/releases/eval-2011");
  Ask("caseworker", "GET", "/v1/releases/eval-2011");
  Ask("evaluator", "GET", "/v1/releases/eval-2011/files/manifest.json");
  Ask("auditor", "GET", "/v1/releases/eval-2011/files/manifest.json");
  Ask("dpo", "POST", "/v1/releases/eval-2011/export",
      R"({"cohort":"2008-01..2008-12","as_of":"2010-12"})");
  Ask("dpo", "POST", "/v1/releases/eval-2011/export",
      R"({"cohort":"2008-01..2008-12","colour":"blue"})");
  Ask("dpo", "POST", "/v1/releases/eval-2011/export", R"({"cohort":)");
  Ask("caseworker", "POST", "/v1/releases/eval-2011/export",
      R"({"cohort":"2008-01..2008-12","as_of":"2010-12"})");

  // ---- subscriptions.
  Ask("subscriber", "GET", "/v1/subscribe?from=0&types=case.&heartbeat_ms=100", "", "",
      "event: caught_up");
  Ask("subscriber", "GET", "/v1/subscribe?from=abc");
  Ask("evaluator", "GET", "/v1/subscribe?group=billing");
  const std::string upgrade =
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  Ask("auditor", "GET", "/v1/ws?from=0", "", upgrade, "\"caught_up\"");
  Ask("auditor", "GET", "/v1/ws?from=0");
  Ask("auditor", "GET", "/v1/ws?heartbeat_ms=5", "", upgrade);
  Ask("evaluator", "GET", "/v1/ws?group=billing", "", upgrade);

  // ---- health, metrics, this description.
  Ask("", "GET", "/v1/health");
  Ask("", "POST", "/v1/health");
  Ask("caseworker", "GET", "/v1/metrics");
  Ask("evaluator", "GET", "/v1/metrics");
  for (const std::string& role : kAll) Ask(role, "GET", "/v1/openapi.json");

  // ---- what every route answers: no token (401), a repeated Host (400), a body where none is
  // taken or over the route's limit (413), a method the route does not take (405), and a path
  // that is no route (404).
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/v1/health"},
      {"GET", "/v1/openapi.json"},
      {"GET", "/v1/metrics"},
      {"POST", "/v1/events"},
      {"POST", "/v1/events/batch"},
      {"GET", "/v1/entries"},
      {"GET", "/v1/entries/1"},
      {"GET", "/v1/entries/1/personal"},
      {"GET", "/v1/events/" + key_event_id},
      {"GET", "/v1/streams/case%2Fp-1"},
      {"GET", "/v1/head"},
      {"GET", "/v1/keys"},
      {"GET", "/checkpoint"},
      {"GET", "/v1/checkpoint"},
      {"GET", "/tile/0/000"},
      {"GET", "/tile/entries/000"},
      {"GET", "/v1/proof/inclusion?seq=1"},
      {"GET", "/v1/proof/consistency?from=1&to=2"},
      {"GET", "/v1/reports/caseload"},
      {"GET", "/v1/reports/outcomes"},
      {"GET", "/v1/reports/compliance"},
      {"GET", "/v1/consent/check?subject=p-1"},
      {"GET", "/v1/groups/billing"},
      {"POST", "/v1/groups/billing/ack"},
      {"POST", "/v1/admin/backup"},
      {"GET", "/v1/releases"},
      {"GET", "/v1/releases/eval-2011"},
      {"GET", "/v1/releases/eval-2011/files/persons.csv"},
      {"POST", "/v1/releases/eval-2011/export"},
      {"GET", "/v1/subscribe"},
      {"GET", "/v1/ws"}};
  for (const auto& [method, target] : routes) {
    if (target != "/v1/health") Ask("", method, target);
    Ask("auditor", method, target, "", "Host: 127.0.0.1\r\n");
    Ask("admin", method, target, "", "Content-Length: 99999999\r\n", "", false);
    Ask("admin", "DELETE", target);
    Ask("admin", method == "GET" ? "POST" : "GET", target);
  }
  Ask("admin", "GET", "/v1/nothing/here");
  Ask("admin", "GET", "/tiles");

  // ---- the connection layer's answers, once each.
  {
    // Part of a header, then silence past the read timeout: 408.
    RawConn conn(Port());
    conn.Send("GET /v1/head HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    Answer a = ParseAnswer(conn.Read(std::chrono::seconds(5)));
    Record("", "GET", "/v1/head", "", a, false);
  }
  Ask("auditor", "GET", "/v1/head", "", "X-Padding: " + std::string(17000, 'a') + "\r\n");
  Ask("auditor", "GET", "/v1/head", "", "Transfer-Encoding: gzip\r\n");

  // ---- the metrics after all that traffic, for promtool and the dashboard's check.
  const Answer metrics = Ask("auditor", "GET", "/v1/metrics");
  std::ofstream(out_dir_ + "/metrics.txt", std::ios::trunc) << metrics.body;

  // ---- over the rate (one request a second per token) and over the connection limits.
  {
    ServerOptions o = DefaultOptions();
    o.limits.requests_per_second = 1;
    o.limits.request_burst = 2;
    o.limits.max_connections = 2;
    o.limits.health_reserve_connections = 1;
    o.limits.read_timeout = std::chrono::seconds(20);  // the idle connections below stay
    RestartServer(std::move(o));
    for (int i = 0; i < 10; ++i) Ask("auditor", "GET", "/v1/head");
    // Two idle connections take the limit; the next is read from the reserve: health only.
    // (Bounded retries: the server counts a connection once it accepted it, which a loaded
    // machine may delay.)
    RawConn a(Port()), b(Port());
    for (int i = 0; i < 50 && Ask("auditor", "GET", "/v1/head").status != 503; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Ask("", "GET", "/v1/health");
    RawConn reserve(Port());  // the reserve taken too: refused at once
    for (int i = 0; i < 50 && Ask("", "GET", "/v1/health").status != 503; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // ---- the `ledger serve` binary on the same ledger: its description, health and metrics.
  server_->Stop();
  server_.reset();
  serve_port_ = StartServeProcess();
  ASSERT_NE(serve_port_, 0) << "ledger serve did not print its address";
  for (const std::string& role : kAll) Ask(role, "GET", "/v1/openapi.json");
  Ask("", "GET", "/v1/openapi.json");
  Ask("", "GET", "/v1/health");
  Ask("caseworker", "POST", "/v1/events", Signed(CaseOpened("p-serve"), caseworker_));
  const Answer served_metrics = Ask("auditor", "GET", "/v1/metrics");
  std::ofstream(out_dir_ + "/metrics_serve.txt", std::ios::trunc) << served_metrics.body;
  EXPECT_TRUE(StopServeProcess());
}

}  // namespace
}  // namespace ledger::server::testing
