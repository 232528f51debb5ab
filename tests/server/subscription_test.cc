// Subscriptions over WebSocket and server-sent events: catch-up then live, the caught-up marker,
// heartbeats, filters, resume without loss or duplicates, consumer groups, and many subscribers
// (one slow, one that disconnects) while eight writers append.
#include <atomic>
#include <thread>

#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

using SubscriptionTest = ServerFixture;
using std::chrono::milliseconds;

// Reads messages until `stop` says so or `timeout` passes; returns them parsed.
std::vector<nlohmann::json> ReadUntil(Subscription& s,
                                      const std::function<bool(const nlohmann::json&)>& stop,
                                      milliseconds timeout = milliseconds(10000)) {
  std::vector<nlohmann::json> out;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    auto m = s.Next(milliseconds(200));
    if (!m.ok()) {
      if (m.status().code() == StatusCode::kUnavailable) continue;
      break;
    }
    out.push_back(nlohmann::json::parse(*m));
    if (stop(out.back())) break;
  }
  return out;
}

std::vector<uint64_t> Seqs(const std::vector<nlohmann::json>& messages) {
  std::vector<uint64_t> out;
  for (const auto& m : messages) {
    if (m["type"] != "entries") continue;
    for (const auto& e : m["entries"]) out.push_back(e["seq"]);
  }
  return out;
}

TEST_F(SubscriptionTest, CatchUpThenCaughtUpThenLiveThenHeartbeat) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("s-1"), caseworker_).status, 201u);
  const uint64_t size = Json(c->Get("/v1/head").value())["size"];
  auto s = Subscription::Open(As(auditor_), "from=0").value();
  auto first = ReadUntil(*s, [](const auto& m) { return m["type"] == "caught_up"; });
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.back()["type"], "caught_up");
  EXPECT_EQ(first.back()["position"], size);
  auto seqs = Seqs(first);
  ASSERT_EQ(seqs.size(), size);
  for (uint64_t i = 0; i < size; ++i) EXPECT_EQ(seqs[i], i);
  // Live.
  ASSERT_EQ(AppendJson(*c, PhaseEntered("s-1", "intake"), caseworker_).status, 201u);
  auto live = ReadUntil(*s, [](const auto& m) { return m["type"] == "entries"; });
  ASSERT_EQ(Seqs(live), std::vector<uint64_t>{size});
  EXPECT_EQ(live.back()["next"], size + 1);
  // Then heartbeats with the position (200 ms in the fixture).
  auto beat = ReadUntil(
      *s, [](const auto& m) { return m["type"] == "heartbeat"; }, milliseconds(2000));
  ASSERT_FALSE(beat.empty());
  EXPECT_EQ(beat.back()["type"], "heartbeat");
  EXPECT_EQ(beat.back()["position"], size + 1);
  EXPECT_EQ(beat.back()["head"], size + 1);
}

TEST_F(SubscriptionTest, FiltersByTypeAndStreamPrefixAndScope) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("f-1"), caseworker_).status, 201u);
  ASSERT_EQ(AppendJson(*c, PhaseEntered("f-1", "intake"), caseworker_).status, 201u);
  ASSERT_EQ(AppendJson(*c, CaseOpened("g-1"), caseworker_).status, 201u);
  auto s = Subscription::Open(As(auditor_), "from=0&types=phase.").value();
  auto got = ReadUntil(*s, [](const auto& m) { return m["type"] == "caught_up"; });
  auto seqs = Seqs(got);
  ASSERT_EQ(seqs.size(), 1u);
  auto t = Subscription::Open(As(auditor_), "from=0&streams=case/g-").value();
  EXPECT_EQ(Seqs(ReadUntil(*t, [](const auto& m) { return m["type"] == "caught_up"; })).size(), 1u);
  // The subscriber's key is scoped to case/: it never sees the keys stream.
  auto u = Subscription::Open(As(subscriber_), "from=0").value();
  EXPECT_EQ(Seqs(ReadUntil(*u, [](const auto& m) { return m["type"] == "caught_up"; })).size(), 3u);
  // Bad parameters are refused before the upgrade.
  EXPECT_FALSE(Subscription::Open(As(auditor_), "from=-1").ok());
  EXPECT_FALSE(Subscription::Open(As(auditor_), "colour=blue").ok());
  EXPECT_FALSE(Subscription::Open(As(auditor_), "from=999999").ok());
}

TEST_F(SubscriptionTest, ServerSentEventsResumeWithLastEventId) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("e-1"), caseworker_).status, 201u);
  const uint64_t size = Json(c->Get("/v1/head").value())["size"];
  RawConn conn(server_->http_port());
  conn.Send("GET /v1/subscribe?from=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
            auditor_.token + "\r\n\r\n");
  auto text = conn.Read(milliseconds(3000), nullptr, "event: caught_up");
  EXPECT_EQ(StatusOf(text), 200);
  EXPECT_NE(text.find("text/event-stream"), std::string::npos);
  EXPECT_NE(text.find("id: " + std::to_string(size) + "\nevent: caught_up"), std::string::npos)
      << text;
  conn.Close();
  ASSERT_EQ(AppendJson(*c, PhaseEntered("e-1", "intake"), caseworker_).status, 201u);
  // Resume after the last id seen: only the new entry.
  RawConn again(server_->http_port());
  again.Send("GET /v1/subscribe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + auditor_.token +
             "\r\nLast-Event-ID: " + std::to_string(size) + "\r\n\r\n");
  auto more = again.Read(milliseconds(3000), nullptr, "event: caught_up");
  EXPECT_EQ(more.find("\"seq\":" + std::to_string(size - 1) + ","), std::string::npos);
  EXPECT_NE(more.find("id: " + std::to_string(size + 1) + "\nevent: entry"), std::string::npos)
      << more;
}

TEST_F(SubscriptionTest, ConsumerGroupContinuesWhereItStopped) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("g-2"), caseworker_).status, 201u);
  const uint64_t size = Json(c->Get("/v1/head").value())["size"];
  {
    auto s = Subscription::Open(As(service_), "from=0&group=billing").value();
    ReadUntil(*s, [](const auto& m) { return m["type"] == "caught_up"; });
    ASSERT_TRUE(s->Send("{\"type\":\"ack\",\"position\":" + std::to_string(size) + "}").ok());
    auto acked = ReadUntil(*s, [](const auto& m) { return m["type"] == "acked"; });
    ASSERT_FALSE(acked.empty());
    EXPECT_EQ(acked.back()["position"], size);
  }
  ASSERT_EQ(AppendJson(*c, PhaseEntered("g-2", "intake"), caseworker_).status, 201u);
  // A restarted server keeps the group's position.
  RestartServer(DefaultOptions());
  auto s = Subscription::Open(As(service_), "group=billing").value();
  auto got = ReadUntil(*s, [](const auto& m) { return m["type"] == "caught_up"; });
  EXPECT_EQ(Seqs(got), std::vector<uint64_t>{size});
  // HTTP acknowledgement and read-back; another key's group of the same name is separate.
  auto svc = ClientFor(service_);
  auto r = svc->Post("/v1/groups/billing/ack", "{\"position\":" + std::to_string(size + 1) + "}");
  EXPECT_EQ(Json(*r)["position"], size + 1);
  EXPECT_EQ(Json(ClientFor(auditor_)->Get("/v1/groups/billing").value())["position"], nullptr);
}

// Every refused client message is answered at once (not with the next heartbeat) by
// {"type":"error","code":...,"message":...} naming what is wrong; the subscription goes on.
TEST_F(SubscriptionTest, WebSocketClientMessagesThatAreRefusedGetAnError) {
  auto next_error = [](Subscription& s, const std::string& sent) {
    auto m = s.Next(milliseconds(3000));  // heartbeats are a minute apart
    EXPECT_TRUE(m.ok()) << sent << ": no answer: " << m.status().ToString();
    if (!m.ok()) return nlohmann::json();
    auto j = nlohmann::json::parse(*m);
    EXPECT_EQ(j["type"], "error") << sent << ": " << *m;
    return j;
  };
  struct Case {
    std::string sent, code, what;
  };
  const std::vector<Case> cases = {
      {"{not json", "malformed_json", "column 2"},
      {R"({"type":"ack","type":"ack","position":1})", "malformed_json", "duplicate key"},
      {std::string(1000, '[') + std::string(1000, ']'), "malformed_json", "nesting"},
      {"[]", "invalid_argument", "not an object"},
      {R"({"position":1})", "invalid_argument", "type: missing"},
      {R"({"type":"nack","position":1})", "invalid_argument", "unknown message type \"nack\""},
      {R"({"type":"ack"})", "invalid_argument", "position must be"},
      {R"({"type":"ack","position":-1})", "invalid_argument", "position must be"},
      {R"({"type":"ack","position":1,"colour":2})", "invalid_argument", "unknown field \"colour\""},
  };
  {
    auto s = Subscription::Open(As(service_), "from=end&heartbeat_ms=60000").value();
    auto first = ReadUntil(*s, [](const nlohmann::json& m) { return m["type"] == "caught_up"; });
    ASSERT_FALSE(first.empty());
    for (const Case& c : cases) {
      ASSERT_TRUE(s->Send(c.sent).ok());
      auto e = next_error(*s, c.sent);
      EXPECT_EQ(e.value("code", ""), c.code) << c.sent;
      EXPECT_NE(e.value("message", "").find(c.what), std::string::npos) << c.sent << ": " << e;
    }
    // Without a group there is nothing to acknowledge.
    ASSERT_TRUE(s->Send(R"({"type":"ack","position":0})").ok());
    auto e = next_error(*s, "ack without group");
    EXPECT_EQ(e.value("code", ""), "failed_precondition") << e;
  }
  // With a group: beyond the end is refused, naming both; then a good one is acked.
  auto s = Subscription::Open(As(service_), "from=end&group=ws-errors&heartbeat_ms=60000").value();
  auto first = ReadUntil(*s, [](const nlohmann::json& m) { return m["type"] == "caught_up"; });
  ASSERT_FALSE(first.empty());
  const uint64_t end = first.back()["position"];
  ASSERT_TRUE(s->Send("{\"type\":\"ack\",\"position\":" + std::to_string(end + 5) + "}").ok());
  auto e = next_error(*s, "beyond");
  EXPECT_EQ(e.value("code", ""), "invalid_argument");
  EXPECT_NE(e.value("message", "").find("beyond the log's end " + std::to_string(end)),
            std::string::npos)
      << e;
  ASSERT_TRUE(s->Send("{\"type\":\"ack\",\"position\":" + std::to_string(end) + "}").ok());
  auto acked = s->Next(milliseconds(3000));
  ASSERT_TRUE(acked.ok()) << acked.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(*acked)["type"], "acked") << *acked;
}

TEST_F(SubscriptionTest, HundredSubscribersEightWritersEveryEventOnceInOrder) {
  ServerOptions o = DefaultOptions();
  o.subscription_cache_bytes = 32 << 10;  // small, so the slow one must read from disk
  RestartServer(o);
  constexpr int kSubscribers = 100, kWriters = 8, kCasesPerWriter = 25;
  const uint64_t start = server_->ledger().log().Size();
  std::atomic<bool> writers_done{false};
  std::atomic<uint64_t> final_size{0};
  std::vector<std::vector<uint64_t>> received(kSubscribers);
  std::vector<std::string> failures(kSubscribers);
  std::vector<std::thread> subs;
  for (int i = 0; i < kSubscribers; ++i) {
    subs.emplace_back([&, i] {
      const bool slow = i == 0, reconnects = i == 1;
      uint64_t position = start;
      auto s = Subscription::Open(As(auditor_), "from=" + std::to_string(position));
      if (!s.ok()) {
        failures[i] = s.status().ToString();
        return;
      }
      bool reconnected = false;
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(45);
      while (std::chrono::steady_clock::now() < give_up) {
        if (writers_done && position == final_size) return;
        auto m = (*s)->Next(milliseconds(100));
        if (!m.ok()) {
          if (m.status().code() == StatusCode::kUnavailable) continue;
          failures[i] = "ended: " + m.status().ToString();
          return;
        }
        auto j = nlohmann::json::parse(*m);
        if (j["type"] != "entries") continue;
        for (const auto& e : j["entries"]) received[i].push_back(e["seq"]);
        position = j["next"];
        if (slow) std::this_thread::sleep_for(milliseconds(30));
        if (reconnects && !reconnected && received[i].size() > 50) {
          // Disconnect in the middle, and resume from the last position received.
          (*s)->Close();
          s = Subscription::Open(As(auditor_), "from=" + std::to_string(position));
          if (!s.ok()) {
            failures[i] = s.status().ToString();
            return;
          }
          reconnected = true;
        }
      }
      failures[i] = "timed out at " + std::to_string(position);
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto c = ClientFor(caseworker_);
      for (int k = 0; k < kCasesPerWriter; ++k) {
        const std::string subject = "w" + std::to_string(w) + "-" + std::to_string(k);
        EXPECT_EQ(AppendJson(*c, CaseOpened(subject), caseworker_).status, 201u);
        EXPECT_EQ(AppendJson(*c, PhaseEntered(subject, "intake"), caseworker_).status, 201u);
      }
    });
  }
  for (auto& t : writers) t.join();
  final_size = server_->ledger().log().Size();
  writers_done = true;
  for (auto& t : subs) t.join();
  const uint64_t expected = final_size - start;
  ASSERT_EQ(expected, uint64_t{kWriters * kCasesPerWriter * 2});
  for (int i = 0; i < kSubscribers; ++i) {
    ASSERT_EQ(failures[i], "") << "subscriber " << i;
    ASSERT_EQ(received[i].size(), expected) << "subscriber " << i;
    for (uint64_t k = 0; k < expected; ++k) {
      ASSERT_EQ(received[i][k], start + k) << "subscriber " << i << " message " << k;
    }
  }
}

TEST_F(SubscriptionTest, StopSendsEveryoneTheirFinalPosition) {
  auto c = ClientFor(caseworker_);
  ASSERT_EQ(AppendJson(*c, CaseOpened("z-1"), caseworker_).status, 201u);
  const uint64_t size = Json(c->Get("/v1/head").value())["size"];
  auto s = Subscription::Open(As(auditor_), "from=0").value();
  ReadUntil(*s, [](const auto& m) { return m["type"] == "caught_up"; });
  std::thread stopper([&] { server_->Stop(); });
  auto end = ReadUntil(*s, [](const auto& m) { return m["type"] == "end"; });
  stopper.join();
  ASSERT_FALSE(end.empty());
  EXPECT_EQ(end.back()["type"], "end");
  EXPECT_EQ(end.back()["position"], size);
  EXPECT_EQ(end.back()["reason"], "shutdown");
}

}  // namespace
}  // namespace ledger::server::testing
