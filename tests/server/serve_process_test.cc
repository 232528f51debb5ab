// The `ledger serve` process: SIGKILL during appends loses no acknowledged event and
// subscribers resume after the restart; SIGTERM stops gracefully. Needs LEDGER_BINARY.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/mutex.h"
#include "server_fixture.h"

#ifndef LEDGER_BINARY
#error "LEDGER_BINARY must name the ledger executable"
#endif

namespace ledger::server::testing {
namespace {

using std::chrono::milliseconds;

class ServeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = ScratchDir("process");
    dir_ = scratch_->path();
    data_ = dir_ + "/data";
    std::filesystem::create_directories(dir_ + "/keys");
    auto master = MasterKey::Generate();
    ASSERT_TRUE(master.WriteNewFile(dir_ + "/keys/master.key").ok());
    LedgerOptions lo;
    lo.master_key = master;
    auto ledger = CreateLedgerWithAdmin(data_, ledger_key_, admin_, lo).value();
    ASSERT_TRUE(RegisterKey(*ledger, admin_, caseworker_.verifier(), "caseworker", {}).ok());
    ASSERT_TRUE(RegisterKey(*ledger, admin_, auditor_.verifier(), "auditor", {}).ok());
    cw_token_ =
        TokenStore::Create(TokensPath(data_), caseworker_.key_id_hex(), "caseworker", "")->token;
    au_token_ = TokenStore::Create(TokensPath(data_), auditor_.key_id_hex(), "auditor", "")->token;
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    scratch_.reset();
  }

  // Starts `ledger serve` on an ephemeral port (with `extra` arguments); returns the port (0 on
  // failure).
  uint16_t Start(const std::vector<std::string>& extra = {}) {
    const std::string out = dir_ + "/serve.out", err = dir_ + "/serve.err";
    std::filesystem::remove(out);
    std::vector<std::string> args = {
        "ledger",   "serve",       "--data",          data_, "--keys",         dir_ + "/keys",
        "--listen", "127.0.0.1:0", "--binary-listen", "off", "--heartbeat-ms", "200"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(out.c_str(), "w", stdout);
      std::freopen(err.c_str(), "a", stderr);
      ::execv(LEDGER_BINARY, argv.data());
      ::_exit(127);
    }
    // (No std::regex: GCC 12 warns falsely inside it under ASan, and warnings are errors.)
    const std::string banner = "http://127.0.0.1:";
    for (int i = 0; i < 400; ++i) {
      std::ifstream in(out);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string text = ss.str();
      const size_t at = text.find(banner);
      if (at != std::string::npos && at + banner.size() < text.size() &&
          std::isdigit(static_cast<unsigned char>(text[at + banner.size()]))) {
        return static_cast<uint16_t>(std::stoi(text.substr(at + banner.size())));
      }
      std::this_thread::sleep_for(milliseconds(25));
    }
    return 0;
  }
  // Runs `ledger <args>` to completion; its exit code, with its stdout and stderr.
  int RunLedger(const std::vector<std::string>& args, std::string* out = nullptr,
                std::string* err = nullptr) {
    std::string command = LEDGER_BINARY;
    for (const auto& a : args) command += " '" + a + "'";
    command += " > " + dir_ + "/run.out 2> " + dir_ + "/run.err";
    const int status = std::system(command.c_str());
    auto slurp = [](const std::string& path) {
      std::ifstream in(path);
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    if (out) *out = slurp(dir_ + "/run.out");
    if (err) *err = slurp(dir_ + "/run.err");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  int Signal(int sig) {
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  ClientOptions Options(uint16_t port, const std::string& token) {
    ClientOptions o;
    o.port = port;
    o.token = token;
    o.timeout = milliseconds(5000);
    return o;
  }

  std::unique_ptr<ledger::testing::TempDir> scratch_;  // holds dir_
  std::string dir_, data_;
  SigningKey ledger_key_ = MakeKey("test.example/ledger");
  SigningKey admin_ = MakeKey("admin");
  SigningKey caseworker_ = MakeKey("caseworker");
  SigningKey auditor_ = MakeKey("auditor");
  std::string cw_token_, au_token_;
  pid_t pid_ = -1;
};

TEST_F(ServeProcessTest, SigkillDuringAppendsLosesNoAcknowledgedEvent) {
  uint16_t port = Start();
  ASSERT_NE(port, 0) << "server did not start";
  // A subscriber that follows everything and remembers its position.
  auto sub = Subscription::Open(Options(port, au_token_), "from=0").value();
  uint64_t position = 0;
  std::vector<uint64_t> seen;
  auto drain = [&](Subscription& s, milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      auto m = s.Next(milliseconds(50));
      if (!m.ok()) {
        if (m.status().code() == StatusCode::kUnavailable) continue;
        return;
      }
      auto j = nlohmann::json::parse(*m);
      if (j["type"] != "entries") continue;
      for (const auto& e : j["entries"]) seen.push_back(e["seq"]);
      position = j["next"];
    }
  };
  Mutex mu;
  std::map<uint64_t, std::string> acked;  // seq -> event id
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      auto c = Client::Connect(Options(port, cw_token_));
      if (!c.ok()) return;
      for (int k = 0; !stop; ++k) {
        auto event = CaseOpened("k" + std::to_string(w) + "-" + std::to_string(k));
        auto body = SignedEventBody(event.dump(), caseworker_).value();
        auto r = (*c)->Post("/v1/events", body);
        if (!r.ok()) return;  // the server is gone
        if (r->status == 201) {
          MutexLock lock(mu);
          acked[nlohmann::json::parse(r->body)["seq"]] = event["id"];
        }
      }
    });
  }
  drain(*sub, milliseconds(400));
  const int status = Signal(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(acked.size(), 10u);
  drain(*sub, milliseconds(200));

  port = Start();
  ASSERT_NE(port, 0);
  auto c = Client::Connect(Options(port, au_token_)).value();
  for (const auto& [seq, id] : acked) {
    auto r = c->Get("/v1/entries/" + std::to_string(seq)).value();
    ASSERT_EQ(r.status, 200u) << "acknowledged entry " << seq << " lost";
    EXPECT_EQ(nlohmann::json::parse(r.body)["event"]["id"], id);
  }
  // The subscriber resumes from its last position: no gap, no duplicate.
  auto resumed = Subscription::Open(Options(port, au_token_), "from=" + std::to_string(position));
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  const uint64_t size = nlohmann::json::parse(c->Get("/v1/head").value().body)["size"];
  for (int i = 0; i < 100 && position < size; ++i) drain(**resumed, milliseconds(100));
  ASSERT_EQ(seen.size(), size);
  for (uint64_t i = 0; i < size; ++i) ASSERT_EQ(seen[i], i);
}

TEST_F(ServeProcessTest, SigtermStopsGracefully) {
  uint16_t port = Start();
  ASSERT_NE(port, 0);
  auto c = Client::Connect(Options(port, cw_token_)).value();
  ASSERT_EQ(c->Post("/v1/events", SignedEventBody(CaseOpened("t-1").dump(), caseworker_).value())
                .value()
                .status,
            201u);
  auto sub = Subscription::Open(Options(port, au_token_), "from=0").value();
  const auto start = std::chrono::steady_clock::now();
  const int status = Signal(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  bool ended = false;
  for (int i = 0; i < 50 && !ended; ++i) {
    auto m = sub->Next(milliseconds(100));
    if (m.ok() && nlohmann::json::parse(*m)["type"] == "end") ended = true;
    if (!m.ok() && m.status().code() != StatusCode::kUnavailable) break;
  }
  EXPECT_TRUE(ended);
}

// `ledger serve --backup-dir` takes online backups through POST /v1/admin/backup while writers
// append; `ledger backup` refuses a ledger the server holds (pointing at the endpoint) and makes
// the same kind of copy once it is stopped; both copies pass `ledger verify` and `access-log`.
TEST_F(ServeProcessTest, BackupOnlineThroughTheServerAndOfflineWithTheCli) {
  const std::string admin_token =
      TokenStore::Create(TokensPath(data_), admin_.key_id_hex(), "admin", "")->token;
  const uint16_t port = Start({"--backup-dir", dir_ + "/backups"});
  ASSERT_NE(port, 0) << "server did not start";
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0};
  std::thread writer([&] {
    auto c = Client::Connect(Options(port, cw_token_));
    if (!c.ok()) return;
    for (int k = 0; !stop; ++k) {
      auto body = SignedEventBody(CaseOpened("b-" + std::to_string(k)).dump(), caseworker_);
      auto r = (*c)->Post("/v1/events", body.value());
      if (r.ok() && r->status == 201) acked++;
    }
  });
  while (acked < 30) std::this_thread::sleep_for(milliseconds(5));
  auto admin = Client::Connect(Options(port, admin_token)).value();
  auto res = admin->Post("/v1/admin/backup", "{\"name\":\"online\"}").value();
  ASSERT_EQ(res.status, 201u) << res.body;
  const uint64_t online_size = nlohmann::json::parse(res.body)["size"];
  EXPECT_GE(online_size, 30u);

  std::string out, err;
  EXPECT_EQ(RunLedger({"backup", "--data", data_, "--out", dir_ + "/offline"}, &out, &err), 8)
      << out << err;
  EXPECT_NE(err.find("/v1/admin/backup"), std::string::npos) << err;
  stop = true;
  writer.join();
  const int status = Signal(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;

  ASSERT_EQ(RunLedger({"backup", "--data", data_, "--out", dir_ + "/offline", "--format", "json"},
                      &out, &err),
            0)
      << out << err;
  auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << out;
  EXPECT_GT(j["size"].get<uint64_t>(), online_size);
  EXPECT_EQ(j["server_files"], nlohmann::json({"tokens.json", "access.log"}));
  // A second backup into the same directory is refused (exit 9, precondition).
  EXPECT_EQ(RunLedger({"backup", "--data", data_, "--out", dir_ + "/offline"}, &out, &err), 9)
      << out << err;
  EXPECT_NE(err.find("not empty"), std::string::npos) << err;

  const std::vector<std::string> copies = {dir_ + "/backups/online", dir_ + "/offline"};
  for (const std::string& copy : copies) {
    EXPECT_EQ(RunLedger({"verify", "--data", copy, "--vkey", ledger_key_.verifier().ToString()},
                        &out, &err),
              0)
        << copy << ": " << out << err;
    EXPECT_EQ(RunLedger({"access-log", "--data", copy}, &out, &err), 0)
        << copy << ": " << out << err;
  }
}

// A dpo approves and exports releases through a running server (`--url`), since the server
// holds the ledger; the plain commands say so when it does.
TEST_F(ServeProcessTest, ReleaseCommandsGoThroughARunningServer) {
  const SigningKey dpo = MakeKey("dpo");
  {
    // (Registered before the server starts: it holds the ledger afterwards.)
    auto ledger = Ledger::Open(data_).value();
    ASSERT_TRUE(RegisterKey(*ledger, admin_, dpo.verifier(), "dpo", {}).ok());
  }
  ASSERT_TRUE(dpo.WriteFile(dir_ + "/dpo.key").ok());
  ASSERT_TRUE(ledger_key_.WriteFile(dir_ + "/ledger.key").ok());  // not in <keys>
  const std::string token =
      TokenStore::Create(TokensPath(data_), dpo.key_id_hex(), "dpo", "")->token;
  const uint16_t port = Start();  // without the ledger key (none in <keys>)
  ASSERT_NE(port, 0);
  const std::string url = "127.0.0.1:" + std::to_string(port);
  std::string out, err;
  const std::vector<std::string> approve = {
      "release",     "approve", "--key",   dir_ + "/dpo.key", "--release", "r-1",
      "--recipient", "nova",    "--basis", "GDPR:6(1)(e)",    "--expires", "2099-01-01"};
  // Without --url: the ledger is held, and the message says what to do.
  EXPECT_EQ(
      RunLedger({"release", "export", "--data", data_, "--key", dir_ + "/dpo.key", "--release",
                 "r-1", "--cohort", "2008-01..2008-12", "--as-of", "2010-12", "--out",
                 dir_ + "/out", "--keys", dir_ + "/keys", "--ledger-key", dir_ + "/ledger.key"},
                &out, &err),
      8)
      << out << err;
  EXPECT_NE(err.find("--url"), std::string::npos) << err;

  std::vector<std::string> remote = approve;
  remote.insert(remote.end(), {"--url", url, "--token", token});
  ASSERT_EQ(RunLedger(remote, &out, &err), 0) << out << err;
  EXPECT_NE(out.find("release r-1 approved for nova"), std::string::npos) << out;
  // A wrong token is refused by the server, and the command says so.
  remote.back() = "ldgr_0000000000000000_00";
  EXPECT_NE(RunLedger(remote, &out, &err), 0);
  EXPECT_NE(err.find("401"), std::string::npos) << err;

  // This server has no ledger key to sign a manifest with: a clear refusal, nothing written.
  EXPECT_EQ(
      RunLedger({"release", "export", "--key", dir_ + "/dpo.key", "--release", "r-1", "--cohort",
                 "2008-01..2008-12", "--as-of", "2010-12", "--url", url, "--token", token},
                &out, &err),
      9)
      << out << err;
  EXPECT_NE(err.find("without the ledger key"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(data_ + "/releases/r-1"));
}

}  // namespace
}  // namespace ledger::server::testing
