// The binary protocol: the frame codec (round trips, refusals, garbage) and end to end over
// loopback (hello, appends, a subscription with acknowledgements, hostile frames).
#include "server/binary_protocol.h"

#include <random>

#include "frame_conn.h"
#include "server_fixture.h"

namespace ledger::server::testing {
namespace {

using namespace ledger::server::binary;
using ledger::server::testing::FrameConn;
using std::chrono::milliseconds;

TEST(FrameCodecTest, EveryMessageRoundTrips) {
  SignedEvent e{
      "event-bytes", "abcd", std::string(64, 's'), {{"0123456789abcdef", "name", "Kari"}}};
  std::vector<ClientMessage> client = {Hello{"tok", 1}, AppendBatch{7, true, {e, e}},
                                       Subscribe{5, false, {"case."}, {"case/"}, "g", 250}, Ack{9}};
  for (const auto& m : client) {
    std::string frame = EncodeFrame(m);
    auto n = FrameLength(frame.substr(0, 4), 1 << 20);
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(*n, frame.size() - 4);
    auto back = DecodeClientMessage(frame.substr(4));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->index(), m.index());
    EXPECT_EQ(EncodeFrame(*back), frame);
  }
  std::vector<ServerMessage> server = {
      Welcome{3, "auditor"},
      AppendReply{7, {EventResult{true, {1, 2, 3, false}, "", ""}}},
      Entries{{{4, "entry"}}, 5},
      CaughtUp{5},
      Heartbeat{5, 6},
      Acked{5},
      Error{"malformed_frame", "bad", 0, false},
      End{5, "shutdown", ""},
      End{6, "revoked", "the API token was revoked"}};
  for (const auto& m : server) {
    std::string frame = EncodeFrame(m);
    auto back = DecodeServerMessage(frame.substr(4));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(EncodeFrame(*back), frame);
  }
}

TEST(FrameCodecTest, RefusesBadLengthsAndGarbage) {
  EXPECT_FALSE(FrameLength(std::string("\0\0\0\0", 4), 100).ok());
  EXPECT_FALSE(FrameLength(std::string("\0\0\1\0", 4), 100).ok());
  EXPECT_TRUE(FrameLength(std::string("\0\0\0\x40", 4), 100).ok());
  EXPECT_FALSE(DecodeClientMessage("").ok());
  EXPECT_FALSE(DecodeClientMessage("1234567").ok());
  // A valid message with a word after it.
  std::string frame = EncodeFrame(ClientMessage(Ack{1}));
  EXPECT_FALSE(DecodeClientMessage(frame.substr(4) + std::string(8, '\0')).ok());
  // Random bytes and mutated frames: an error or a value, never a crash.
  std::mt19937 rng(7);
  const std::string base =
      EncodeFrame(ClientMessage(
                      AppendBatch{1, false, {SignedEvent{"x", "abcd", std::string(64, 's'), {}}}}))
          .substr(4);
  for (int i = 0; i < 20000; ++i) {
    std::string m = base;
    for (int k = 0; k < 1 + i % 8; ++k) m[rng() % m.size()] = static_cast<char>(rng());
    (void)DecodeClientMessage(m);
    std::string noise((rng() % 16 + 1) * 8, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    (void)DecodeClientMessage(noise);
    (void)DecodeServerMessage(noise);
  }
}

using BinaryProtocolTest = ServerFixture;

TEST_F(BinaryProtocolTest, HelloAppendSubscribeAck) {
  FrameConn writer(server_->binary_port());
  writer.Send(EncodeFrame(ClientMessage(Hello{caseworker_.token, kProtocolVersion})));
  auto welcome = writer.NextOf<Welcome>();
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->role, "caseworker");
  const uint64_t start = welcome->size;

  FrameConn reader(server_->binary_port());
  reader.Send(EncodeFrame(ClientMessage(Hello{service_.token, kProtocolVersion})));
  ASSERT_TRUE(reader.NextOf<Welcome>());
  reader.Send(EncodeFrame(ClientMessage(Subscribe{start, false, {}, {}, "svc", 200})));
  auto caught_up = reader.NextOf<CaughtUp>();
  ASSERT_TRUE(caught_up);
  EXPECT_EQ(caught_up->position, start);

  std::vector<SignedEvent> events = {
      SignEventJson(CaseOpened("b-1").dump(), caseworker_.key).value(),
      SignEventJson(PhaseEntered("b-1", "intake").dump(), caseworker_.key).value()};
  writer.Send(EncodeFrame(ClientMessage(AppendBatch{42, true, events})));
  auto reply = writer.NextOf<AppendReply>();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->request_id, 42u);
  ASSERT_EQ(reply->results.size(), 2u);
  EXPECT_TRUE(reply->results[0].ok);
  EXPECT_EQ(reply->results[1].result.seq, start + 1);
  // A refusal is per event, with its code.
  writer.Send(EncodeFrame(ClientMessage(AppendBatch{43, false, {events[1]}})));
  auto again = writer.NextOf<AppendReply>();
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->results[0].result.duplicate);

  std::vector<uint64_t> seqs;
  while (seqs.size() < 2) {
    auto entries = reader.NextOf<Entries>();
    ASSERT_TRUE(entries);
    for (const auto& [seq, bytes] : entries->entries) {
      seqs.push_back(seq);
      EXPECT_EQ(bytes, server_->ledger().log().ReadSeq(seq)->bytes);
    }
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{start, start + 1}));
  reader.Send(EncodeFrame(ClientMessage(Ack{start + 2})));
  auto acked = reader.NextOf<Acked>();
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->position, start + 2);
}

// A first frame that is no Hello: the error says what is wrong with it (issue 14).
TEST_F(BinaryProtocolTest, FirstFrameRefusalsNameWhatIsWrong) {
  {
    FrameConn c(server_->binary_port());
    c.Send(std::string("\x7f\0\0\0", 4));
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "frame_too_large");
    EXPECT_TRUE(e->fatal);
    EXPECT_EQ(e->message, "a frame of 2130706432 bytes exceeds the limit of 16777216 bytes");
  }
  {
    FrameConn c(server_->binary_port());
    c.Send(std::string("\0\0\0\x40", 4) + std::string(64, '\xff'));
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "malformed_frame");
    EXPECT_EQ(e->message.rfind("the first frame must be a Hello with a token: ", 0), 0u)
        << e->message;
  }
  {
    FrameConn c(server_->binary_port());
    c.Send(EncodeFrame(ClientMessage(Ack{1})));
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "unauthenticated");
    EXPECT_EQ(e->message, "the first frame must be a Hello with a token");
  }
}

// A timeout's error frame names the limit that ran out (issue 14): the read timeout for a frame
// begun (its header or its body), the idle timeout between frames, the read timeout for the
// Hello.
TEST_F(BinaryProtocolTest, TimeoutErrorsNameTheLimit) {
  ServerOptions o = DefaultOptions();
  o.limits.read_timeout = milliseconds(300);
  o.limits.idle_timeout = milliseconds(700);
  RestartServer(o);
  auto welcomed = [&](FrameConn& c) {
    c.Send(EncodeFrame(ClientMessage(Hello{caseworker_.token, kProtocolVersion})));
    return c.NextOf<Welcome>().has_value();
  };
  {
    FrameConn c(server_->binary_port());
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "idle_timeout");
    EXPECT_TRUE(e->fatal);
    EXPECT_EQ(e->message, "no frame within 300 ms");
  }
  {
    FrameConn c(server_->binary_port());
    ASSERT_TRUE(welcomed(c));
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "idle_timeout");
    EXPECT_TRUE(e->fatal);
    EXPECT_EQ(e->message, "no frame within 700 ms");
  }
  {
    FrameConn c(server_->binary_port());
    ASSERT_TRUE(welcomed(c));
    c.Send(std::string("\0\0", 2));  // half a frame header
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "request_timeout");
    EXPECT_TRUE(e->fatal);
    EXPECT_EQ(e->message, "no complete frame within 300 ms of its first byte");
  }
  {
    FrameConn c(server_->binary_port());
    ASSERT_TRUE(welcomed(c));
    c.Send(std::string("\0\0\0\x40", 4) + std::string(10, '\0'));  // 10 of 64 body bytes
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "request_timeout");
    EXPECT_EQ(e->message, "no complete frame within 300 ms of its first byte");
  }
}

// An evaluator may not use consumer groups (docs/api.md, "Tokens and roles").
TEST_F(BinaryProtocolTest, EvaluatorMayNotSubscribeWithAGroup) {
  FrameConn c(server_->binary_port());
  c.Send(EncodeFrame(ClientMessage(Hello{evaluator_.token, kProtocolVersion})));
  ASSERT_TRUE(c.NextOf<Welcome>());
  c.Send(EncodeFrame(ClientMessage(Subscribe{0, false, {}, {}, "g", 200})));
  auto e = c.NextOf<Error>();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "permission_denied");
  EXPECT_NE(e->message.find("consumer groups"), std::string::npos) << e->message;
  // Without a group it may subscribe (to the releases stream only).
  FrameConn d(server_->binary_port());
  d.Send(EncodeFrame(ClientMessage(Hello{evaluator_.token, kProtocolVersion})));
  ASSERT_TRUE(d.NextOf<Welcome>());
  d.Send(EncodeFrame(ClientMessage(Subscribe{0, false, {}, {}, "", 200})));
  EXPECT_TRUE(d.NextOf<CaughtUp>());
}

TEST_F(BinaryProtocolTest, HostileFramesGetErrorsAndOthersCarryOn) {
  // No hello: refused.
  {
    FrameConn c(server_->binary_port());
    c.Send(EncodeFrame(ClientMessage(Ack{1})));
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "unauthenticated");
    EXPECT_TRUE(e->fatal);
  }
  // A wrong token.
  {
    FrameConn c(server_->binary_port());
    c.Send(EncodeFrame(ClientMessage(Hello{"ldgr_nope", kProtocolVersion})));
    auto e = c.NextOf<Error>();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "unauthenticated");
  }
  FrameConn c(server_->binary_port());
  c.Send(EncodeFrame(ClientMessage(Hello{caseworker_.token, kProtocolVersion})));
  ASSERT_TRUE(c.NextOf<Welcome>());
  // Garbage inside a well-formed frame: an error, and the connection goes on.
  std::string garbage(64, '\xff');
  c.Send(std::string("\0\0\0\x40", 4) + garbage);
  auto e = c.NextOf<Error>();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "malformed_frame");
  EXPECT_FALSE(e->fatal);
  c.Send(EncodeFrame(ClientMessage(
      AppendBatch{1, false, {SignEventJson(CaseOpened("b-2").dump(), caseworker_.key).value()}})));
  auto reply = c.NextOf<AppendReply>();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->results[0].ok);
  // A frame over the limit: fatal.
  c.Send(std::string("\x7f\0\0\0", 4));
  auto big = c.NextOf<Error>();
  ASSERT_TRUE(big);
  EXPECT_EQ(big->code, "frame_too_large");
  EXPECT_TRUE(big->fatal);
  EXPECT_EQ(big->message, "a frame of 2130706432 bytes exceeds the limit of 16777216 bytes");
  // Noise on a fresh connection.
  {
    RawConn noise(server_->binary_port());
    std::string bytes(4096, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 37 + 11);
    noise.Send(bytes);
    bool closed = false;
    noise.Read(milliseconds(3000), &closed);
    EXPECT_TRUE(closed);
  }
  // The server still serves.
  FrameConn d(server_->binary_port());
  d.Send(EncodeFrame(ClientMessage(Hello{auditor_.token, kProtocolVersion})));
  EXPECT_TRUE(d.NextOf<Welcome>());
  EXPECT_EQ(ClientFor(auditor_)->Get("/v1/head").value().status, 200u);
}

}  // namespace
}  // namespace ledger::server::testing
