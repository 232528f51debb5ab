// End-to-end over loopback: POST /v1/admin/backup while writers keep appending over HTTP; the
// copy opens, verifies, holds every event acknowledged before the request, and carries the
// server's files (tokens, consumer groups, the access log with the backup's own record).
#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "base/mutex.h"
#include "ledger/verify.h"
#include "server/access_log.h"
#include "server/backup.h"
#include "server_fixture.h"
#include "tlog/base64.h"

namespace ledger::server::testing {
namespace {

class AdminTest : public ServerFixture {
 protected:
  void SetUp() override {
    ServerOptions o = DefaultOptions();
    backups_dir_ = ScratchDir("backups");
    backups_ = backups_dir_->path();
    o.backup_dir = backups_;
    StartServer(std::move(o));
  }
  void TearDown() override {
    ServerFixture::TearDown();
    backups_dir_.reset();
  }
  HttpResponse PostBackup(const Role& r, const std::string& body = "") {
    auto res = ClientFor(r)->Post("/v1/admin/backup", body);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : HttpResponse{};
  }

  std::unique_ptr<ledger::testing::TempDir> backups_dir_;
  std::string backups_;
};

TEST_F(AdminTest, BackupDuringAppendsOpensVerifiesAndHasTheServerFiles) {
  // A consumer group position, so that groups.json exists.
  auto svc = ClientFor(service_);
  ASSERT_EQ(AppendJson(*ClientFor(caseworker_), CaseOpened("p-b00"), caseworker_).status, 201u);
  ASSERT_EQ(svc->Post("/v1/groups/billing/ack", "{\"position\":1}").value().status, 200u);

  std::atomic<bool> stop{false};
  Mutex mu;
  std::set<uint64_t> acked;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      auto c = ClientFor(caseworker_);
      for (int k = 0; !stop; ++k) {
        auto res = AppendJson(*c, CaseOpened("p-w" + std::to_string(w) + "-" + std::to_string(k)),
                              caseworker_);
        if (res.status != 201) continue;
        MutexLock lock(mu);
        acked.insert(Json(res)["seq"].get<uint64_t>());
      }
    });
  }
  auto acked_count = [&] {
    MutexLock lock(mu);
    return acked.size();
  };
  while (acked_count() < 50) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::set<uint64_t> acked_before;
  {
    MutexLock lock(mu);
    acked_before = acked;
  }
  auto res = PostBackup(admin_, "{\"name\":\"nightly\"}");
  const size_t at_reply = acked_count();
  while (acked_count() < at_reply + 50) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(res.status, 201u) << res.body;
  auto j = Json(res);
  const std::string copy_dir = backups_ + "/nightly";
  EXPECT_EQ(j["dir"], std::filesystem::path(copy_dir).lexically_normal().string());
  const uint64_t size = j["size"];
  EXPECT_GT(*acked_before.rbegin(), 0u);
  EXPECT_GT(size, *acked_before.rbegin());          // every acknowledged append is in the copy
  EXPECT_LT(size, server_->ledger().log().Size());  // and appends went on
  EXPECT_EQ(j["root"], tlog::HashToBase64(server_->ledger().audit().RootAt(size).value()));
  EXPECT_EQ(j["server_files"], nlohmann::json({"tokens.json", "groups.json", "access.log"}));

  // The copy is a ledger that verifies, with the server's files beside it.
  {
    auto copy = Ledger::Open(copy_dir);
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    EXPECT_EQ((*copy)->log().Size(), size);
    VerifyOptions vo;
    vo.verifier_key = ledger_key_.verifier().ToString();
    auto report = VerifyLedger(**copy, vo);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok) << report->failed_check << " " << report->failure.ToString();
  }
  auto log = VerifyAccessLog(AccessLogPath(copy_dir));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->records, 1u);  // the backup's own record
  auto tokens = TokenStore::Load(TokensPath(copy_dir));
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  EXPECT_EQ(tokens->tokens().size(), 7u);
  EXPECT_TRUE(std::filesystem::is_regular_file(copy_dir + "/server/groups.json"));

  // A server started on the copy serves it, with the tokens and groups of the original.
  ServerOptions o = DefaultOptions();
  o.data_dir = copy_dir;
  o.ledger_options.master_key = *master_;
  auto restored = Server::Start(std::move(o));
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  ClientOptions co = As(service_);
  co.port = (*restored)->http_port();
  auto c = Client::Connect(co).value();
  auto group = c->Get("/v1/groups/billing").value();
  ASSERT_EQ(group.status, 200u) << group.body;
  EXPECT_EQ(Json(group)["position"], 1);
  auto head = c->Get("/v1/head").value();
  EXPECT_EQ(Json(head)["size"], size);
  (*restored)->Stop();
}

TEST_F(AdminTest, BackupRefusals) {
  // Admins only.
  for (const Role* r : {&auditor_, &dpo_, &caseworker_, &service_}) {
    auto res = PostBackup(*r);
    EXPECT_EQ(res.status, 403u) << res.body;
    EXPECT_EQ(ErrorCode(res), "permission_denied");
  }
  EXPECT_EQ(ClientFor(admin_)->Get("/v1/admin/backup").value().status, 405u);
  // Bad bodies and names.
  for (const char* body : {"[]", "{\"name\":5}", "{\"dir\":\"/tmp/x\"}", "{\"name\":\"../x\"}",
                           "{\"name\":\".hidden\"}", "{\"name\":\"\"}"}) {
    auto res = PostBackup(admin_, body);
    EXPECT_EQ(res.status, 422u) << body << ": " << res.body;
    EXPECT_EQ(ErrorCode(res), "invalid_argument") << body;
  }
  // Not JSON: 400 malformed_json (tests/server/bodies_test.cc for every route).
  auto not_json = PostBackup(admin_, "not json");
  EXPECT_EQ(not_json.status, 400u) << not_json.body;
  EXPECT_EQ(ErrorCode(not_json), "malformed_json");
  // A name already used.
  auto first = PostBackup(admin_, "{\"name\":\"once\"}");
  ASSERT_EQ(first.status, 201u) << first.body;
  auto again = PostBackup(admin_, "{\"name\":\"once\"}");
  EXPECT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(ErrorCode(again), "failed_precondition");
  EXPECT_NE(again.body.find("not empty"), std::string::npos) << again.body;
  // The default name says when and how much.
  auto unnamed = PostBackup(admin_);
  ASSERT_EQ(unnamed.status, 201u) << unnamed.body;
  const std::string dir = Json(unnamed)["dir"];
  EXPECT_NE(dir.find("/ledger-"), std::string::npos) << dir;
  EXPECT_TRUE(dir.ends_with("-" + std::to_string(Json(unnamed)["size"].get<uint64_t>()))) << dir;

  // Without a backup directory the server refuses.
  ServerOptions o = DefaultOptions();
  RestartServer(std::move(o));
  auto none = PostBackup(admin_);
  EXPECT_EQ(none.status, 409u) << none.body;
  EXPECT_NE(none.body.find("--backup-dir"), std::string::npos) << none.body;
}

TEST_F(AdminTest, BackupDataDirRefusesANonEmptyTarget) {
  const std::string target = backups_ + "/occupied";
  std::filesystem::create_directories(target);
  { std::ofstream(target + "/keep") << "x"; }
  auto r = BackupDataDir(server_->ledger(), data_, target);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  // Nothing was added beside or into it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(target),
                          std::filesystem::directory_iterator()),
            1);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(backups_),
                          std::filesystem::directory_iterator()),
            1);
}

}  // namespace
}  // namespace ledger::server::testing
