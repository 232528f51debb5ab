// Shared by the server's tests: a ledger on disk with one key per role, a token for each, a
// server on ephemeral loopback ports, clients, and a raw socket for what no client would send.
#ifndef LEDGER_TESTS_SERVER_SERVER_FIXTURE_H_
#define LEDGER_TESTS_SERVER_SERVER_FIXTURE_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "../ledger/test_events.h"
#include "../temp_dir.h"
#include "ledger/key_admin.h"
#include "ledger/master_key.h"
#include "server/client.h"
#include "server/server.h"
#include "server/token_store.h"

namespace ledger::server::testing {

using ledger::testing::CaseOpened;
using ledger::testing::MakeKey;
using ledger::testing::PhaseEntered;

// A new, empty scratch directory named after the test and `name`, removed when the returned
// object goes (tests/temp_dir.h).
inline std::unique_ptr<ledger::testing::TempDir> ScratchDir(const std::string& name) {
  return std::make_unique<ledger::testing::TempDir>(
      "-" + name, ledger::testing::TempDir::Where::kTmp, ledger::testing::TempDir::Create::kYes);
}

// A plain TCP connection for what well-behaved clients never send.
class RawConn {
 public:
  // `from`: the loopback address to connect from (any of 127.0.0.0/8), for per-address limits.
  explicit RawConn(uint16_t port, const char* from = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (from != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      if (::inet_pton(AF_INET, from, &local.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        return;  // not connected
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConn() { Close(); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;
  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Reads what arrives within `timeout` (less if the peer closes); *closed says if it did.
  std::string Read(std::chrono::milliseconds timeout, bool* closed = nullptr,
                   std::string_view until = {}) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    if (closed) *closed = false;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      timeval tv{static_cast<time_t>(left.count() / 1000000),
                 static_cast<suseconds_t>(left.count() % 1000000)};
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        if (closed) *closed = true;
        break;
      }
      if (n > 0) out.append(buf, static_cast<size_t>(n));
      if (!until.empty() && out.find(until) != std::string::npos) break;
    }
    return out;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// The HTTP status of a raw response ("HTTP/1.1 413 ..." -> 413); 0 if none.
inline int StatusOf(const std::string& response) {
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

struct Role {
  SigningKey key;
  std::string token;
};

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(DefaultOptions()); }
  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    scratch_.reset();
  }

  ServerOptions DefaultOptions() {
    ServerOptions o;
    o.http_port = 0;
    o.binary_port = 0;
    o.heartbeat = std::chrono::milliseconds(200);
    o.worker_threads = 16;
    o.limits.read_timeout = std::chrono::milliseconds(1500);
    o.limits.max_body_bytes = 1 << 20;
    o.limits.max_batch_events = 500;
    o.limits.requests_per_second = 0;
    return o;
  }

  // Creates the ledger (first call only) and starts a server on it.
  void StartServer(ServerOptions options) {
    if (dir_.empty()) {
      scratch_ = ScratchDir("fixture");
      dir_ = scratch_->path();
      data_ = dir_ + "/data";
      master_ = MasterKey::Generate();
      LedgerOptions lo;
      lo.master_key = *master_;
      lo.checkpoint_key = ledger_key_;
      auto ledger = CreateLedgerWithAdmin(data_, ledger_key_, admin_.key, lo).value();
      auto add = [&](Role& r, const std::string& role, std::vector<std::string> scope) {
        auto reg = RegisterKey(*ledger, admin_.key, r.key.verifier(), role, scope);
        ASSERT_TRUE(reg.ok()) << reg.status().ToString();
        r.token = TokenStore::Create(TokensPath(data_), r.key.key_id_hex(), role, role)->token;
      };
      add(caseworker_, "caseworker", {});
      add(service_, "service", {});
      add(auditor_, "auditor", {});
      add(subscriber_, "subscriber", {"case/"});
      add(evaluator_, "evaluator", {});
      add(dpo_, "dpo", {});
      admin_.token =
          TokenStore::Create(TokensPath(data_), admin_.key.key_id_hex(), "admin", "admin")->token;
      ledger.reset();
    }
    options.data_dir = data_;
    options.ledger_options.master_key = *master_;
    options.ledger_options.checkpoint_key = ledger_key_;
    auto server = Server::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  void RestartServer(ServerOptions options) {
    server_->Stop();
    server_.reset();
    StartServer(std::move(options));
  }

  ClientOptions As(const Role& r) {
    ClientOptions o;
    o.port = server_->http_port();
    o.token = r.token;
    o.timeout = std::chrono::milliseconds(20000);
    return o;
  }
  std::unique_ptr<Client> ClientFor(const Role& r) { return Client::Connect(As(r)).value(); }

  // POST /v1/events of `event_json` signed by `r`; the response.
  HttpResponse AppendJson(Client& c, const nlohmann::json& event_json, const Role& r) {
    auto body = SignedEventBody(event_json.dump(), r.key);
    EXPECT_TRUE(body.ok()) << body.status().ToString();
    auto res = c.Post("/v1/events", *body);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : HttpResponse{};
  }

  static nlohmann::json Json(const HttpResponse& r) {
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  static std::string ErrorCode(const HttpResponse& r) {
    auto j = Json(r);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
  }

  std::unique_ptr<ledger::testing::TempDir> scratch_;  // holds dir_
  std::string dir_, data_;
  std::optional<MasterKey> master_;
  SigningKey ledger_key_ = MakeKey("test.example/ledger");
  Role admin_{MakeKey("admin"), ""};
  Role caseworker_{MakeKey("caseworker"), ""};
  Role service_{MakeKey("service"), ""};
  Role auditor_{MakeKey("auditor"), ""};
  Role subscriber_{MakeKey("subscriber"), ""};
  Role evaluator_{MakeKey("evaluator"), ""};
  Role dpo_{MakeKey("dpo"), ""};
  std::unique_ptr<Server> server_;
};

}  // namespace ledger::server::testing

#endif  // LEDGER_TESTS_SERVER_SERVER_FIXTURE_H_
