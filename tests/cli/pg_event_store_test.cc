// The PostgreSQL event store of `ledger bench compare` (cli/pg_event_store.h) against a scratch
// server (cli/local_postgres.h): what it appends it reads back, a batch is all or nothing, and
// a second writer of a stream or a repeated event id is refused. Skipped when Debian's
// `postgresql` is not installed.
#include "pg_event_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "local_postgres.h"

namespace ledger::cli {
namespace {

class PgEventStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!LocalPostgres::FindBinDir().ok()) return;
    auto pg = LocalPostgres::Start((std::filesystem::temp_directory_path() /
                                    ("pg-event-store-test-" + std::to_string(::getpid())))
                                       .string());
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    server_ = std::move(pg).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;  // stops the server and removes its directory
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_ == nullptr) GTEST_SKIP() << "PostgreSQL is not installed (package postgresql)";
    auto conn = PgConnection::Connect(server_->conninfo());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    ASSERT_TRUE(ResetPgSchema(*conn_).ok());
  }

  // An event of `type` in `stream` with the given UUID, its body as the generator writes it.
  const PgEvent* Event(const std::string& id, const std::string& stream,
                       const std::string& type = "case.opened") {
    bodies_.push_back(std::make_unique<std::string>(
        R"({"id":")" + id + R"(","stream":")" + stream + R"(","type":")" + type +
        R"(","data":{"note":"tab\there, quote \" and ø"}})"));
    events_.push_back(std::make_unique<PgEvent>(PgEvent{id, stream, type, bodies_.back().get()}));
    return events_.back().get();
  }

  // An appender on a connection of its own (appenders prepare statements on theirs).
  std::unique_ptr<PgAppender> Appender() {
    auto conn = PgConnection::Connect(server_->conninfo());
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return nullptr;
    appender_conns_.push_back(std::move(conn).value());
    auto a = PgAppender::Create(*appender_conns_.back(), 4);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }

  uint64_t StoredEvents() {
    auto r = ReplayPgEvents(*conn_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->events : 0;
  }

  static LocalPostgres* server_;
  std::unique_ptr<PgConnection> conn_;
  std::vector<std::unique_ptr<PgConnection>> appender_conns_;
  std::vector<std::unique_ptr<std::string>> bodies_;
  std::vector<std::unique_ptr<PgEvent>> events_;
};

LocalPostgres* PgEventStoreTest::server_ = nullptr;

constexpr char kId1[] = "00000000-0000-4000-8000-000000000001";
constexpr char kId2[] = "00000000-0000-4000-8000-000000000002";
constexpr char kId3[] = "00000000-0000-4000-8000-000000000003";
constexpr char kId4[] = "00000000-0000-4000-8000-000000000004";

TEST_F(PgEventStoreTest, WhatIsAppendedIsReadBackPerTypeAndStream) {
  auto a = Appender();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AppendBatch({Event(kId1, "case/a"), Event(kId2, "case/b"),
                              Event(kId3, "case/a", "phase.entered")})
                  .ok());
  // A later batch, of fewer events than the prepared size, continues the stream's versions.
  ASSERT_TRUE(a->AppendBatch({Event(kId4, "case/a", "phase.entered")}).ok());
  auto r = ReplayPgEvents(*conn_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->events, 4u);
  EXPECT_EQ(r->per_stream.at("case/a"), 3u);
  EXPECT_EQ(r->per_stream.at("case/b"), 1u);
  EXPECT_EQ(r->per_type.at("case.opened"), 2u);
  EXPECT_EQ(r->per_type.at("phase.entered"), 2u);
  auto version = conn_->QueryValue("SELECT version FROM ledger_bench.streams WHERE id = 'case/a'");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, "3");
  auto versions = conn_->QueryValue(
      "SELECT string_agg(version::text, ',' ORDER BY seq_id) FROM ledger_bench.events "
      "WHERE stream_id = 'case/a'");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(*versions, "1,2,3");
  // Without parsing, the rows are counted all the same.
  auto read = ReplayPgEvents(*conn_, /*parse=*/false);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->events, 4u);
}

TEST_F(PgEventStoreTest, ASecondWriterOfAStreamIsRefusedAndItsBatchLeavesNothing) {
  auto first = Appender();
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->AppendBatch({Event(kId1, "case/a")}).ok());
  // Another appender believes case/a is new: its version 1 is taken.
  auto second = Appender();
  ASSERT_NE(second, nullptr);
  Status s = second->AppendBatch({Event(kId2, "case/b"), Event(kId3, "case/a")});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("events_stream_id_version_key"), std::string::npos) << s.ToString();
  EXPECT_EQ(StoredEvents(), 1u);  // case/b's event went with the refused batch
  auto version = conn_->QueryValue("SELECT version FROM ledger_bench.streams WHERE id = 'case/a'");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, "1");
  // The connection is usable again after the refusal.
  EXPECT_TRUE(second->AppendBatch({Event(kId4, "case/c")}).ok());
  EXPECT_EQ(StoredEvents(), 2u);
}

TEST_F(PgEventStoreTest, ARepeatedEventIdIsRefused) {
  auto a = Appender();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->AppendBatch({Event(kId1, "case/a")}).ok());
  Status s = a->AppendBatch({Event(kId1, "case/b")});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("events_id_key"), std::string::npos) << s.ToString();
  EXPECT_EQ(StoredEvents(), 1u);
  // The refused batch did not move case/b on: the appender's next batch there is version 1.
  ASSERT_TRUE(a->AppendBatch({Event(kId2, "case/b")}).ok());
  EXPECT_EQ(StoredEvents(), 2u);
}

TEST_F(PgEventStoreTest, AnUnreachableServerIsUnavailable) {
  auto conn = PgConnection::Connect("host=/nonexistent-socket-dir dbname=x connect_timeout=2");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(conn.status().ToString().find("/nonexistent-socket-dir"), std::string::npos)
      << conn.status().ToString();
}

}  // namespace
}  // namespace ledger::cli
