// Erasure through the server reaches the files: a dpo who appends the erasure events over HTTP
// or the binary protocol (and nothing else: no CLI, no compaction asked for) leaves neither the
// subject's sealed key nor its sealed values in any file of the data directory, while another
// subject's are still found, and /v1/metrics shows the purge done.
#include <fstream>
#include <iterator>
#include <thread>

#include "../file_search.h"
#include "ledger/event_codec.h"
#include "server/binary_protocol.h"
#include "server_fixture.h"
#include "storage/kv_store.h"
#include "vault.h"

namespace ledger::server::testing {
namespace {

namespace fs = std::filesystem;
using ledger::testing::CaseEvent;
using ledger::testing::FilesContaining;
using std::chrono::milliseconds;

class ServerErasureTest : public ServerFixture {
 protected:
  // Opens two cases with personal values over HTTP, then reads their sealed key and value
  // records from the files with the server stopped.
  void OpenTwoCases() {
    auto c = ClientFor(caseworker_);
    for (const char* subject : {"er-a", "er-b"}) {
      auto r = AppendJson(*c, CaseOpened(subject), caseworker_);
      ASSERT_EQ(r.status, 201) << r.body;
    }
    server_->Stop();
    server_.reset();
    {
      auto store = ledger::internal::OpenRocksDbStore(data_, false).value();
      for (const char* subject : {"er-a", "er-b"}) {
        sealed_key_[subject] =
            store
                ->Get(ledger::internal::Column::kPersonal, ledger::internal::SubjectKeyKey(subject))
                .value();
        auto it = store->NewIterator(ledger::internal::Column::kPersonal);
        auto [begin, end] = ledger::internal::PersonalValueRange(subject);
        it->Seek(begin);
        ASSERT_TRUE(it->Valid() && it->key() < end);
        sealed_values_[subject] = std::string(it->value());
      }
    }
    StartServer(DefaultOptions());
  }

  std::vector<SignedEvent> EraseEvents(const std::string& subject) {
    const std::string at = "2008-03-01T10:00:00+01:00";
    return {
        SignEventJson(
            CaseEvent(subject, "erasure.requested", {{"request_id", "r1"}}, at, "dpo").dump(),
            dpo_.key)
            .value(),
        SignEventJson(
            CaseEvent(subject, "erasure.decided",
                      {{"request_id", "r1"}, {"decision", "granted"}, {"ground", "GDPR:17(1)(b)"}},
                      at, "dpo")
                .dump(),
            dpo_.key)
            .value(),
        SignEventJson(
            CaseEvent(subject, "subject.shredded", {{"request_id", "r1"}}, at, "dpo").dump(),
            dpo_.key)
            .value()};
  }

  // Within a bounded wait, the subject's sealed records leave every file and the metrics show
  // no purge pending; the other subject's are still there.
  void ExpectPurged(const std::string& gone, const std::string& kept) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((!FilesContaining(data_, sealed_key_[gone]).empty() ||
            !FilesContaining(data_, sealed_values_[gone]).empty()) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(50));
    }
    EXPECT_TRUE(FilesContaining(data_, sealed_key_[gone]).empty()) << "sealed key still on disk";
    EXPECT_TRUE(FilesContaining(data_, sealed_values_[gone]).empty())
        << "sealed values still on disk";
    EXPECT_FALSE(FilesContaining(data_, sealed_key_[kept]).empty());
    EXPECT_FALSE(FilesContaining(data_, sealed_values_[kept]).empty());
    auto c = ClientFor(auditor_);
    std::string metrics;
    while (std::chrono::steady_clock::now() < deadline) {
      metrics = c->Get("/v1/metrics").value().body;
      if (metrics.find("ledger_erasure_purges_pending 0\n") != std::string::npos) break;
      std::this_thread::sleep_for(milliseconds(50));
    }
    EXPECT_NE(metrics.find("ledger_erasure_purges_pending 0\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("ledger_erasure_purge_failing 0\n"), std::string::npos);
  }

  std::map<std::string, std::string> sealed_key_, sealed_values_;
};

TEST_F(ServerErasureTest, ErasureOverHttpLeavesNothingInTheFiles) {
  OpenTwoCases();
  auto c = ClientFor(dpo_);
  for (const auto& e : EraseEvents("er-a")) {
    auto r = c->Post("/v1/events", SignedEventBody(e).value());
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 201) << r->body;
  }
  ExpectPurged("er-a", "er-b");
}

TEST_F(ServerErasureTest, ErasureOverTheBinaryProtocolLeavesNothingInTheFiles) {
  using namespace ledger::server::binary;
  OpenTwoCases();
  RawConn conn(server_->binary_port());
  ASSERT_TRUE(conn.Send(EncodeFrame(ClientMessage(Hello{dpo_.token, kProtocolVersion}))));
  ASSERT_TRUE(conn.Send(EncodeFrame(ClientMessage(AppendBatch{1, true, EraseEvents("er-b")}))));
  // Read frames until the append reply.
  std::string buffer;
  std::optional<AppendReply> reply;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!reply && std::chrono::steady_clock::now() < deadline) {
    buffer += conn.Read(milliseconds(100));
    while (buffer.size() >= 4) {
      auto n = FrameLength(std::string_view(buffer).substr(0, 4), 1 << 24);
      ASSERT_TRUE(n.ok());
      if (buffer.size() < 4 + *n) break;
      auto m = DecodeServerMessage(std::string_view(buffer).substr(4, *n));
      buffer.erase(0, 4 + *n);
      ASSERT_TRUE(m.ok());
      if (auto* r = std::get_if<AppendReply>(&*m)) reply = *r;
    }
  }
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->results.size(), 3u);
  for (const auto& r : reply->results) EXPECT_TRUE(r.ok) << r.error_message;
  ExpectPurged("er-b", "er-a");
}

}  // namespace
}  // namespace ledger::server::testing
