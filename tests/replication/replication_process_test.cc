// Replication with the real processes: `ledger serve --nats` as the primary, `ledger follow` as
// the replica, nats-server, and the Node consumer. Processes are killed with SIGKILL at random
// moments; afterwards the replica holds every entry the primary committed, gapless, verifying.
// The failover of docs/replication.md is run as an operator would.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "../cli/cli_runner.h"
#include "../ledger/test_events.h"
#include "../temp_dir.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"
#include "nats_cluster.h"
#include "replication/messages.h"
#include "server/client.h"
#include "src/nats_client.h"

namespace ledger {
namespace {

namespace fs = std::filesystem;
using cli_testing::RunFiles;
using cli_testing::RunLedger;
using cli_testing::SpawnLedger;

// A running `ledger` process, killed (SIGKILL) if still running when it goes.
class Process {
 public:
  Process() = default;
  Process(pid_t pid, fs::path out, fs::path err)
      : pid_(pid), out_(std::move(out)), err_(std::move(err)) {}
  Process(Process&& o) noexcept { *this = std::move(o); }
  Process& operator=(Process&& o) noexcept {
    Kill();
    pid_ = std::exchange(o.pid_, -1);
    out_ = o.out_;
    err_ = o.err_;
    return *this;
  }
  ~Process() { Kill(); }

  void Kill() { Signal(SIGKILL); }
  // SIGTERM, then waits for the exit; returns the exit code.
  int Stop() {
    if (pid_ < 0) return -1;
    ::kill(pid_, SIGTERM);
    return Wait();
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  bool running() const { return pid_ >= 0; }
  std::string out() const { return cli_testing::ReadWholeFile(out_); }
  std::string err() const { return cli_testing::ReadWholeFile(err_); }

 private:
  void Signal(int sig) {
    if (pid_ < 0) return;
    ::kill(pid_, sig);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid_ = -1;
  fs::path out_, err_;
};

class ReplicationProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::NatsCluster::Available()) << "nats-server is not installed";
    nats_ = std::make_unique<testing::NatsCluster>(dir_.path(), 1);
    nats_->StartAll();
    Run({"init", "--data", "primary", "--keys", "keys", "--origin", "test.example/ledger"});
    Run({"keygen", "--name", "cw", "--out", "cw.key"});
    Run({"keys", "add", "--data", "primary", "--key", "keys/admin.key", "--vkey", "cw.key.pub",
         "--role", "caseworker"});
    caseworker_ = SigningKey::ReadFile(Path("cw.key")).value();
    vkey_ = cli_testing::ReadWholeFile(Path("keys/ledger.key.pub"));
    while (!vkey_.empty() && vkey_.back() == '\n') vkey_.pop_back();
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  cli_testing::RunResult Run(const std::vector<std::string>& args, int expect = 0) {
    const std::string label = args[0] + std::to_string(runs_++);
    auto r = RunLedger(dir_.path(), args, {"/dev/null", Path(label + ".out"), Path(label + ".err")},
                       args[0]);
    EXPECT_EQ(r.exit_code, expect) << cli_testing::Describe(r);
    return r;
  }

  // A token for the caseworker on the ledger in `data`.
  std::string Token(const std::string& data, std::string key_id = {},
                    const std::string& role = "caseworker") {
    if (key_id.empty()) key_id = caseworker_->key_id_hex();
    auto r = Run({"tokens", "create", "--data", data, "--key-id", key_id, "--role", role,
                  "--format", "json"});
    return nlohmann::json::parse(r.out)["token"].template get<std::string>();
  }

  Process Spawn(const std::vector<std::string>& args) {
    const std::string label = args[0] + std::to_string(runs_++);
    const fs::path out = Path(label + ".out"), err = Path(label + ".err");
    return Process(SpawnLedger(dir_.path(), args, {"/dev/null", out, err}), out, err);
  }

  // `ledger serve` on `data` with the ledger key, publishing; waits for its HTTP port.
  Process Serve(const std::string& data, int port, bool promote = false) {
    std::vector<std::string> args = {"serve",
                                     "--data",
                                     data,
                                     "--ledger-key",
                                     "keys/ledger.key",
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(port),
                                     "--binary-listen",
                                     "off",
                                     "--nats",
                                     nats_->urls(),
                                     "--checkpoint-interval-ms",
                                     "100"};
    args.insert(args.end(), {"--master-key", "keys/master.key"});
    if (promote) args.push_back("--promote");
    Process p = Spawn(args);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!testing::PortAccepts(port) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(testing::PortAccepts(port)) << p.err();
    return p;
  }

  Process Follow() {
    return Spawn({"follow", "--nats", nats_->urls(), "--data", "replica", "--vkey",
                  "keys/ledger.key.pub", "--format", "json", "--status-interval-ms", "50"});
  }

  // The replica's size from the last status line `follow` printed (0 if none yet).
  static uint64_t ReportedSize(const Process& follow) {
    auto lines = cli_testing::JsonLines(follow.out());
    return lines.empty() ? 0 : lines.back()["size"].get<uint64_t>();
  }

  void WaitForReplicaSize(const Process& follow, uint64_t size) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ReportedSize(follow) < size) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "replica at " << ReportedSize(follow) << " of " << size << "\n"
          << follow.err();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Appends `n` cases through the server; returns how many were acknowledged (201).
  int Append(int port, const std::string& token, int n) {
    server::ClientOptions co;
    co.port = static_cast<uint16_t>(port);
    co.token = token;
    co.timeout = std::chrono::milliseconds(5000);
    auto client = server::Client::Connect(co);
    if (!client.ok()) return 0;
    int acked = 0;
    for (int i = 0; i < n; ++i) {
      auto body = server::SignedEventBody(
          testing::CaseOpened("p-" + std::to_string(subjects_++)).dump(), *caseworker_);
      if (!body.ok()) continue;
      auto r = (*client)->Post("/v1/events", *body);
      if (r.ok() && r->status == 201) ++acked;
    }
    return acked;
  }

  uint64_t SizeOf(const std::string& data) {
    LedgerOptions ro;
    ro.read_only = true;
    auto ledger = Ledger::Open(Path(data), ro);
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    return ledger.ok() ? (*ledger)->log().Size() : 0;
  }

  void ExpectSameEntries(const std::string& a, const std::string& b) {
    LedgerOptions ro;
    ro.read_only = true;
    auto x = Ledger::Open(Path(a), ro).value();
    auto y = Ledger::Open(Path(b), ro).value();
    ASSERT_EQ(x->log().Size(), y->log().Size());
    auto i = x->log().Scan(0, false);
    auto j = y->log().Scan(0, false);
    for (; i->Valid(); i->Next(), j->Next()) {
      ASSERT_TRUE(j->Valid());
      ASSERT_EQ(i->entry().bytes, j->entry().bytes) << "seq " << i->entry().seq;
    }
  }

  testing::TempDir dir_{"", testing::TempDir::Where::kTmpfsIfWritable,
                        testing::TempDir::Create::kYes};
  std::unique_ptr<testing::NatsCluster> nats_;
  std::optional<SigningKey> caseworker_;
  std::string vkey_;
  int runs_ = 0;
  int subjects_ = 0;
};

TEST_F(ReplicationProcessTest, PublisherAndReplicaKilledAtRandomMomentsLoseNothing) {
  const std::string token = Token("primary");
  const int port = testing::FreeLoopbackPort();
  Process serve = Serve("primary", port);
  Process follow = Follow();
  std::mt19937 random(7);
  int acked = 0;
  for (int round = 0; round < 6; ++round) {
    std::thread appender([&] { acked += Append(port, token, 25); });
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 300));
    const bool kill_primary = random() % 2 == 0;
    if (kill_primary) {
      serve.Kill();
    } else {
      follow.Kill();
    }
    appender.join();
    if (kill_primary) {
      serve = Serve("primary", port);
    } else {
      follow = Follow();
    }
  }
  acked += Append(port, token, 10);
  EXPECT_GE(acked, 10);
  // Everything the primary committed (acknowledged or not) reaches the replica.
  ASSERT_EQ(serve.Stop(), 0) << serve.err();
  const uint64_t committed = SizeOf("primary");
  EXPECT_GE(committed, static_cast<uint64_t>(acked) + 2);
  serve = Serve("primary", port);  // publishes the checkpoint signed at the stop
  WaitForReplicaSize(follow, committed);
  EXPECT_EQ(follow.Stop(), 0) << follow.err();
  EXPECT_EQ(serve.Stop(), 0);
  ExpectSameEntries("primary", "replica");
  auto verified = Run({"verify", "--data", "replica", "--vkey", "keys/ledger.key.pub"});
  EXPECT_NE(verified.out.find("OK"), std::string::npos) << verified.out;
}

TEST_F(ReplicationProcessTest, FailoverPromotesTheReplicaOnlyOnceItHoldsWhatWasSigned) {
  const std::string token = Token("primary");
  const int port = testing::FreeLoopbackPort();
  Process serve = Serve("primary", port);
  Process follow = Follow();
  ASSERT_EQ(Append(port, token, 40), 40);
  WaitForReplicaSize(follow, 42);  // 2 key registrations, 40 cases
  ASSERT_EQ(follow.Stop(), 0);
  // More appends the replica does not have; the primary signs and publishes a checkpoint of
  // them, then its disk dies.
  ASSERT_EQ(Append(port, token, 10), 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  serve.Kill();
  fs::remove_all(Path("primary"));

  // Promoting the replica now would sign a history shorter than the one already signed.
  Run({"tokens", "create", "--data", "replica", "--key-id", caseworker_->key_id_hex(), "--role",
       "caseworker", "--format", "json"});
  auto refused =
      Run({"serve", "--data", "replica", "--ledger-key", "keys/ledger.key", "--master-key",
           "keys/master.key", "--listen", "127.0.0.1:0", "--binary-listen", "off", "--promote"},
          7);
  EXPECT_NE(refused.err.find("checkpoint"), std::string::npos) << refused.err;

  // Caught up from the stream, it can take over.
  follow = Follow();
  WaitForReplicaSize(follow, 52);
  ASSERT_EQ(follow.Stop(), 0);
  // Without --promote, the key alone does not make it the primary.
  auto unasked =
      Run({"serve", "--data", "replica", "--ledger-key", "keys/ledger.key", "--master-key",
           "keys/master.key", "--listen", "127.0.0.1:0", "--binary-listen", "off"},
          9);
  EXPECT_NE(unasked.err.find("--promote"), std::string::npos) << unasked.err;
  auto contradictory = Run({"serve", "--data", "replica", "--read-only", "--promote", "--listen",
                            "127.0.0.1:0", "--binary-listen", "off"},
                           3);
  EXPECT_NE(contradictory.err.find("not with --read-only"), std::string::npos) << contradictory.err;
  const std::string replica_token = Token("replica");
  const int new_port = testing::FreeLoopbackPort();
  Process promoted = Serve("replica", new_port, /*promote=*/true);
  EXPECT_EQ(Append(new_port, replica_token, 3), 3) << promoted.err();
  EXPECT_EQ(promoted.Stop(), 0) << promoted.err();
  EXPECT_EQ(SizeOf("replica"), 55u);
  auto verified = Run({"verify", "--data", "replica", "--vkey", "keys/ledger.key.pub"});
  EXPECT_NE(verified.out.find("OK"), std::string::npos) << verified.out;
}

TEST_F(ReplicationProcessTest, ReadOnlyReplicaServesTheSameAnswersAsThePrimary) {
  Run({"keygen", "--name", "aud", "--out", "aud.key"});
  Run({"keys", "add", "--data", "primary", "--key", "keys/admin.key", "--vkey", "aud.key.pub",
       "--role", "auditor"});
  const std::string auditor = SigningKey::ReadFile(Path("aud.key")).value().key_id_hex();
  const std::string token = Token("primary");
  const int port = testing::FreeLoopbackPort();
  Process serve = Serve("primary", port);
  Process follow = Follow();
  ASSERT_EQ(Append(port, token, 20), 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the trailing checkpoint
  ASSERT_EQ(serve.Stop(), 0);
  const uint64_t size = SizeOf("primary");
  WaitForReplicaSize(follow, size);
  ASSERT_EQ(follow.Stop(), 0);

  // Both served read-only, no keys: the same reads give the same bytes.
  const std::string replica_token = Token("replica", auditor, "auditor");
  const std::string primary_token = Token("primary", auditor, "auditor");
  const int p1 = testing::FreeLoopbackPort(), p2 = testing::FreeLoopbackPort();
  auto read_only = [&](const std::string& data, int p) {
    Process proc = Spawn({"serve", "--data", data, "--read-only", "--listen",
                          "127.0.0.1:" + std::to_string(p), "--binary-listen", "off"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!testing::PortAccepts(p) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return proc;
  };
  Process primary_ro = read_only("primary", p1);
  Process replica_ro = read_only("replica", p2);
  auto client = [&](int p, const std::string& t) {
    server::ClientOptions co;
    co.port = static_cast<uint16_t>(p);
    co.token = t;
    return server::Client::Connect(co).value();
  };
  auto a = client(p1, primary_token), b = client(p2, replica_token);
  auto cw = client(p2, Token("replica"));
  const std::string n = std::to_string(size);
  for (const std::string& target : std::vector<std::string>{
           "/v1/head", "/checkpoint", "/v1/entries/7", "/v1/entries?from=0&limit=100",
           "/tile/0/000.p/" + n, "/tile/entries/000.p/" + n, "/v1/proof/inclusion?seq=5&size=" + n,
           "/v1/proof/consistency?from=3&to=" + n, "/v1/streams/case/p-3"}) {
    auto x = a->Get(target);
    auto y = b->Get(target);
    ASSERT_TRUE(x.ok() && y.ok()) << target;
    EXPECT_EQ(x->status, 200u) << target << ": " << x->body;
    EXPECT_EQ(x->status, y->status) << target;
    EXPECT_EQ(x->body, y->body) << target;
  }
  // The replica keeps no personal values, and neither takes appends.
  auto personal = cw->Get("/v1/entries/3/personal");
  ASSERT_TRUE(personal.ok());
  EXPECT_EQ(personal->status, 409u) << personal->body;
  auto body = server::SignedEventBody(testing::CaseOpened("p-x").dump(), *caseworker_).value();
  auto appended = cw->Post("/v1/events", body);
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->status, 409u) << appended->body;
  EXPECT_EQ(primary_ro.Stop(), 0);
  EXPECT_EQ(replica_ro.Stop(), 0);
  // A read-only server has nothing to flush: stopping it reports no error.
  EXPECT_EQ(replica_ro.err().find("flush"), std::string::npos) << replica_ro.err();
  EXPECT_EQ(primary_ro.err().find("flush"), std::string::npos) << primary_ro.err();
}

TEST_F(ReplicationProcessTest, PublisherAndReplicaMetricsAreThereAndPassPromtool) {
  const std::string token = Token("primary");
  const int port = testing::FreeLoopbackPort(), replica_port = testing::FreeLoopbackPort();
  Process serve = Serve("primary", port);
  Process follow = Spawn({"follow", "--nats", nats_->urls(), "--data", "replica", "--vkey",
                          "keys/ledger.key.pub", "--format", "json", "--status-interval-ms", "50",
                          "--listen", "127.0.0.1:" + std::to_string(replica_port)});
  ASSERT_EQ(Append(port, token, 5), 5);
  WaitForReplicaSize(follow, 7);
  const std::string replica_token = Token("replica");  // written while `follow` holds it
  auto scrape = [&](int p, const std::string& t, const std::string& file) {
    server::ClientOptions co;
    co.port = static_cast<uint16_t>(p);
    co.token = t;
    auto r = server::Client::Connect(co).value()->Get("/v1/metrics");
    EXPECT_TRUE(r.ok() && r->status == 200u) << (r.ok() ? r->body : r.status().ToString());
    cli_testing::WriteWholeFile(Path(file), r.ok() ? r->body : "");
    return r.ok() ? r->body : std::string();
  };
  const std::string primary = scrape(port, token, "primary.metrics");
  const std::string replica = scrape(replica_port, replica_token, "replica.metrics");
  for (const char* name :
       {"ledger_replication_publish_lag_entries 0", "ledger_replication_publish_lag_seconds",
        "ledger_replication_nats_connected 1", "ledger_replication_publish_errors_total",
        "ledger_replication_fetches_answered_total"}) {
    EXPECT_NE(primary.find(name), std::string::npos) << name;
  }
  for (const char* name :
       {"ledger_replication_replica_entries 7", "ledger_replication_replica_pending_entries",
        "ledger_replication_replica_lag_seconds", "ledger_replication_replica_stopped 0",
        "ledger_replication_replica_refetched_entries_total"}) {
    EXPECT_NE(replica.find(name), std::string::npos) << name;
  }
  for (const std::string file : {"primary.metrics", "replica.metrics"}) {
    const std::string cmd =
        "promtool check metrics < " + Path(file) + " > " + Path(file + ".out") + " 2>&1";
    const int status = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << file << ": " << cli_testing::ReadWholeFile(Path(file + ".out"));
  }
  // The dashboard's replication panels query what these two export (docs/grafana/ledger.json;
  // the API contract's dashboard check leaves ledger_replication_* to this test).
  const std::string check = std::string(LEDGER_NODE) + " " + LEDGER_SOURCE_DIR +
                            "/tools/openapi/check_dashboard.mjs " + LEDGER_SOURCE_DIR +
                            "/docs/grafana/ledger.json " + Path("primary.metrics") + " " +
                            Path("replica.metrics") + " > " + Path("dashboard.out") + " 2>&1";
  const int status = std::system(check.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << cli_testing::ReadWholeFile(Path("dashboard.out"));
  EXPECT_EQ(follow.Stop(), 0);
  EXPECT_EQ(serve.Stop(), 0);
}

TEST_F(ReplicationProcessTest, NodeConsumerVerifiesTheStreamAndRefusesAForgedEntry) {
  const std::string token = Token("primary");
  const int port = testing::FreeLoopbackPort();
  Process serve = Serve("primary", port);
  ASSERT_EQ(Append(port, token, 30), 30);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::string node = LEDGER_NODE;
  const std::string script =
      std::string(LEDGER_SOURCE_DIR) + "/tools/replication-consumer/consumer.mjs";
  auto consume = [&](const std::string& name) {
    const std::string cmd = node + " " + script + " --servers " + nats_->urls() + " --vkey '" +
                            vkey_ + "' --until 32 --timeout-ms 20000 > " + Path(name + ".out") +
                            " 2> " + Path(name + ".err");
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  ASSERT_EQ(consume("consumer"), 0) << cli_testing::ReadWholeFile(Path("consumer.err"));
  auto lines = cli_testing::JsonLines(cli_testing::ReadWholeFile(Path("consumer.out")));
  ASSERT_FALSE(lines.empty());
  EXPECT_GE(lines.back()["verified_size"].get<uint64_t>(), 32u);

  // Someone puts entries with a flipped byte into the stream, then a checkpoint follows: the
  // consumer must refuse them.
  ASSERT_EQ(serve.Stop(), 0);
  auto conn = replication::internal::NatsConnection::Connect(nats_->urls(), "test").value();
  nats_->KillAll();
  nats_ = std::make_unique<testing::NatsCluster>(dir_.path() + "/fresh", 1);
  fs::create_directories(dir_.path() + "/fresh");
  nats_->StartAll();
  conn = replication::internal::NatsConnection::Connect(nats_->urls(), "test").value();
  ASSERT_TRUE(conn->EnsureStream("LEDGER", {"LEDGER.log.>"}, 1).ok());
  LedgerOptions ro;
  ro.read_only = true;
  auto primary = Ledger::Open(Path("primary"), ro).value();
  std::vector<std::string> entries;
  for (uint64_t s = 0; s < primary->log().Size(); ++s)
    entries.push_back(primary->log().ReadSeq(s)->bytes);
  entries[20][entries[20].size() - 70] ^= 0x01;
  int code = 0;
  ASSERT_TRUE(
      conn->Publish("LEDGER.log.entries",
                    {{"Ledger-First-Seq", "0"}, {"Ledger-Count", std::to_string(entries.size())}},
                    replication::EncodeEntries(entries), "forged", std::nullopt, &code)
          .ok());
  const std::string checkpoint = primary->audit().LatestCheckpoint().value();
  ASSERT_TRUE(conn->Publish("LEDGER.log.checkpoint",
                            {{"Ledger-Size", std::to_string(entries.size())}}, checkpoint, "cp",
                            std::nullopt, &code)
                  .ok());
  EXPECT_EQ(consume("forged"), 1);
  EXPECT_NE(cli_testing::ReadWholeFile(Path("forged.err")).find("do not have the root"),
            std::string::npos)
      << cli_testing::ReadWholeFile(Path("forged.err"));
}

}  // namespace
}  // namespace ledger
