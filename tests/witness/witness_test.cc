// The c2sp.org/tlog-witness witness: its add-checkpoint decisions (on an in-memory store), its
// state file, and the HTTP server and client over real sockets on 127.0.0.1. Checkpoints are
// signed by a test log whose roots and consistency proofs come from a real Merkle tree.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../temp_dir.h"
#include "../test_files.h"
#include "tlog/checkpoint.h"
#include "tlog/compact_range.h"
#include "tlog/cosignature.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"
#include "witness/http_server.h"
#include "witness/protocol.h"
#include "witness/state_store.h"
#include "witness/witness_client.h"
#include "witness/witness_state.h"

namespace witness {
namespace {

using ::ledger::Result;
using ::ledger::Status;
using ::ledger::StatusCode;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr uint64_t kNow = 1700000000;
const std::string kWitnessName = "witness.example/w1";
const std::string kOrigin = "example.com/log";

std::string Seed(char first) {
  std::string seed(32, '\0');
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<char>(first + i);
  return seed;
}

// A log with a real RFC 6962 tree over leaves "entry <i>", signing checkpoints with an Ed25519
// key named after its origin.
class TestLog {
 public:
  TestLog(std::string origin, std::string seed, std::string leaf_prefix = "entry ")
      : origin_(std::move(origin)), seed_(std::move(seed)), leaf_prefix_(std::move(leaf_prefix)) {}

  tlog::NoteVerifier verifier() const {
    return tlog::VerifierFromSeed(origin_, tlog::kAlgEd25519, seed_).value();
  }

  // Grows the tree to `size` leaves.
  void GrowTo(uint64_t size) {
    while (range_.size() < size) {
      const std::string leaf = leaf_prefix_ + std::to_string(range_.size());
      range_.Append(tlog::HashLeaf(leaf),
                    [this](uint8_t level, uint64_t index, const tlog::Hash& hash) {
                      nodes_[{level, index}] = hash;
                    });
    }
  }

  tlog::Hash Root(uint64_t size) const { return tlog::RootAt(size, Reader()).value(); }
  std::vector<tlog::Hash> Proof(uint64_t old_size, uint64_t size) const {
    return tlog::ConsistencyProof(old_size, size, Reader()).value();
  }

  // The checkpoint of the first `size` leaves, signed by the log.
  std::string Checkpoint(uint64_t size) const { return SignedCheckpoint(size, Root(size)); }
  // A checkpoint with any root, signed by the log (or by `seed`, under the log's name).
  std::string SignedCheckpoint(uint64_t size, const tlog::Hash& root,
                               const std::string& seed = "") const {
    const std::string body = Body(size, root);
    tlog::Note note{
        .text = body,
        .signatures = {tlog::SignNoteEd25519(body, origin_, seed.empty() ? seed_ : seed)}};
    return tlog::FormatNote(note);
  }
  std::string Body(uint64_t size, const tlog::Hash& root) const {
    return tlog::FormatCheckpointBody(
        tlog::Checkpoint{.origin = origin_, .size = size, .root = root, .extensions = {}});
  }

 private:
  tlog::NodeReader Reader() const {
    return [this](uint8_t level, uint64_t index) -> Result<tlog::Hash> {
      auto it = nodes_.find({level, index});
      if (it == nodes_.end()) return Status::NotFound("no node");
      return it->second;
    };
  }

  std::string origin_;
  std::string seed_;
  std::string leaf_prefix_;
  tlog::CompactRange range_;
  std::map<std::pair<uint8_t, uint64_t>, tlog::Hash> nodes_;
};

tlog::NoteVerifier WitnessKey() {
  return tlog::VerifierFromSeed(kWitnessName, tlog::kAlgCosignatureV1, Seed(0x40)).value();
}

// Checks that `cosignatures` is one valid cosignature of `checkpoint` by the test witness at
// kNow, the way the spec tells a client to: append it to the note and verify the note.
void ExpectCosigned(const std::string& checkpoint, const Result<std::string>& cosignatures) {
  ASSERT_TRUE(cosignatures.ok()) << cosignatures.status().ToString();
  EXPECT_THAT(*cosignatures, StartsWith("\xe2\x80\x94 " + kWitnessName + " "));
  Result<tlog::Note> note = tlog::ParseNote(checkpoint + *cosignatures);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  std::vector<tlog::NoteVerifier> verified;
  ASSERT_TRUE(tlog::VerifyNote(*note, {WitnessKey()}, &verified).ok());
  ASSERT_EQ(verified.size(), 1u);
  Result<uint64_t> timestamp =
      tlog::VerifyCosignature(note->text, note->signatures.back(), WitnessKey());
  ASSERT_TRUE(timestamp.ok()) << timestamp.status().ToString();
  EXPECT_EQ(*timestamp, kNow);
}

void ExpectCode(const Status& status, StatusCode code) {
  EXPECT_EQ(status.code(), code) << status.ToString();
}

// --- protocol.h ---------------------------------------------------------------------------

TEST(ProtocolTest, BodyRoundTrips) {
  TestLog log(kOrigin, Seed(1));
  log.GrowTo(13);
  const std::string body = FormatAddCheckpointBody(5, log.Proof(5, 13), log.Checkpoint(13));
  EXPECT_THAT(body, StartsWith("old 5\n"));
  Result<AddCheckpointRequest> parsed = ParseAddCheckpointBody(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->old_size, 5u);
  EXPECT_EQ(parsed->proof, log.Proof(5, 13));
  EXPECT_EQ(parsed->checkpoint, log.Checkpoint(13));
  EXPECT_EQ(FormatAddCheckpointBody(parsed->old_size, parsed->proof, parsed->checkpoint), body);
}

TEST(ProtocolTest, MalformedBodiesAreInvalidArgument) {
  const std::string hash = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
  std::string too_long = "old 1\n";
  for (int i = 0; i < 64; ++i) too_long += hash;
  too_long += "\ncheckpoint\n";
  for (const std::string& body :
       {std::string(""), std::string("old 1"), std::string("old 01\n\nx\n"),
        std::string("old -1\n\nx\n"), std::string("old 18446744073709551616\n\nx\n"),
        std::string("old  1\n\nx\n"), std::string("new 1\n\nx\n"),
        std::string("old 1\nnot base64!\n\nx\n"),
        std::string("old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw\n\nx\n"),
        std::string("old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkax=\n\nx\n"),
        std::string("old 1\nAAAA\n\nx\n"), std::string("old 1\n") + hash, std::string("old 1\n\n"),
        too_long}) {
    ExpectCode(ParseAddCheckpointBody(body).status(), StatusCode::kInvalidArgument);
  }
  std::string longest = "old 1\n";
  for (int i = 0; i < 63; ++i) longest += hash;
  EXPECT_TRUE(ParseAddCheckpointBody(longest + "\nx\n").ok());
}

TEST(ProtocolTest, SizeBody) {
  EXPECT_EQ(FormatSizeBody(42), "42\n");
  EXPECT_EQ(ParseSizeBody("42\n").value(), 42u);
  ExpectCode(ParseSizeBody("42").status(), StatusCode::kInvalidArgument);
  ExpectCode(ParseSizeBody("042\n").status(), StatusCode::kInvalidArgument);
}

// --- witness_state.h ----------------------------------------------------------------------

class WitnessStateTest : public ::testing::Test {
 protected:
  WitnessStateTest() : log_(kOrigin, Seed(1)) {
    log_.GrowTo(20);
    state_ = Open().value();
  }

  Result<std::unique_ptr<WitnessState>> Open() {
    return WitnessState::Open({.name = kWitnessName, .seed = Seed(0x40), .logs = {log_.verifier()}},
                              NewMemoryStateStore([this] { return fail_saves_.load(); }));
  }

  Result<std::string> Add(uint64_t old_size, uint64_t size, uint64_t* latest = nullptr) {
    return state_->AddCheckpoint(old_size, log_.Proof(old_size, size), log_.Checkpoint(size), kNow,
                                 latest);
  }

  TestLog log_;
  std::atomic<bool> fail_saves_{false};
  std::unique_ptr<WitnessState> state_;
};

TEST_F(WitnessStateTest, GrowsThroughConsistentCheckpoints) {
  EXPECT_EQ(state_->verifier(), WitnessKey());
  EXPECT_FALSE(state_->Latest(kOrigin).has_value());
  ExpectCosigned(log_.Checkpoint(3), Add(0, 3));
  ExpectCosigned(log_.Checkpoint(8), Add(3, 8));
  ExpectCosigned(log_.Checkpoint(20), Add(8, 20));
  EXPECT_EQ(state_->Latest(kOrigin), (LogHead{.size = 20, .root = log_.Root(20)}));
}

TEST_F(WitnessStateTest, SameCheckpointAgainIsCosignedAgain) {
  ASSERT_TRUE(Add(0, 7).ok());
  ExpectCosigned(log_.Checkpoint(7), Add(7, 7));
  EXPECT_EQ(state_->Latest(kOrigin)->size, 7u);
}

TEST_F(WitnessStateTest, EmptyTreeCanBeCosigned) {
  ExpectCosigned(log_.Checkpoint(0), Add(0, 0));
  ExpectCosigned(log_.Checkpoint(4), Add(0, 4));
}

TEST_F(WitnessStateTest, StaleOldSizeIsConflictWithLatestSize) {
  ASSERT_TRUE(Add(0, 8).ok());
  uint64_t latest = 0;
  ExpectCode(Add(3, 12, &latest).status(), StatusCode::kConflict);
  EXPECT_EQ(latest, 8u);
  // A log that never heard of this witness starts from 0 and learns the size.
  latest = 0;
  ExpectCode(Add(0, 12, &latest).status(), StatusCode::kConflict);
  EXPECT_EQ(latest, 8u);
  ExpectCosigned(log_.Checkpoint(12), Add(8, 12, &latest));
  EXPECT_EQ(latest, 12u);
}

TEST_F(WitnessStateTest, OldSizeAboveCheckpointSizeIsInvalidArgument) {
  ASSERT_TRUE(Add(0, 8).ok());
  ExpectCode(state_->AddCheckpoint(8, {}, log_.Checkpoint(5), kNow).status(),
             StatusCode::kInvalidArgument);
}

TEST_F(WitnessStateTest, EveryWrongProofIsCorruption) {
  ASSERT_TRUE(Add(0, 5).ok());
  const std::vector<tlog::Hash> good = log_.Proof(5, 13);
  ASSERT_FALSE(good.empty());
  for (size_t i = 0; i < good.size(); ++i) {
    std::vector<tlog::Hash> bad = good;
    bad[i][0] ^= 1;
    ExpectCode(state_->AddCheckpoint(5, bad, log_.Checkpoint(13), kNow).status(),
               StatusCode::kCorruption);
  }
  std::vector<tlog::Hash> shorter(good.begin(), good.end() - 1);
  ExpectCode(state_->AddCheckpoint(5, shorter, log_.Checkpoint(13), kNow).status(),
             StatusCode::kCorruption);
  EXPECT_EQ(state_->Latest(kOrigin)->size, 5u);
  ExpectCosigned(log_.Checkpoint(13), state_->AddCheckpoint(5, good, log_.Checkpoint(13), kNow));
}

TEST_F(WitnessStateTest, ProofFromZeroMustBeEmpty) {
  ExpectCode(state_->AddCheckpoint(0, {log_.Root(1)}, log_.Checkpoint(4), kNow).status(),
             StatusCode::kCorruption);
  EXPECT_FALSE(state_->Latest(kOrigin).has_value());
}

TEST_F(WitnessStateTest, SplitViewIsRefused) {
  ASSERT_TRUE(Add(0, 5).ok());
  // The same size with another root.
  tlog::Hash other_root = log_.Root(5);
  other_root[31] ^= 1;
  ExpectCode(state_->AddCheckpoint(5, {}, log_.SignedCheckpoint(5, other_root), kNow).status(),
             StatusCode::kConflict);
  // A fork: a tree of other leaves that the log signed at a larger size, with its own proof.
  TestLog fork(kOrigin, Seed(1), "forked entry ");
  fork.GrowTo(9);
  ExpectCode(state_->AddCheckpoint(5, fork.Proof(5, 9), fork.Checkpoint(9), kNow).status(),
             StatusCode::kCorruption);
  EXPECT_EQ(state_->Latest(kOrigin), (LogHead{.size = 5, .root = log_.Root(5)}));
}

TEST_F(WitnessStateTest, UnknownOriginIsNotFound) {
  TestLog other("example.com/other", Seed(2));
  other.GrowTo(3);
  ExpectCode(state_->AddCheckpoint(0, {}, other.Checkpoint(3), kNow).status(),
             StatusCode::kNotFound);
}

TEST_F(WitnessStateTest, WrongLogSignatureIsPermissionDenied) {
  // Signed under the log's name by another key: no trusted signature.
  ExpectCode(
      state_->AddCheckpoint(0, {}, log_.SignedCheckpoint(3, log_.Root(3), Seed(9)), kNow).status(),
      StatusCode::kPermissionDenied);
  // A trusted key's signature that does not verify (the text was changed after signing).
  std::string tampered = log_.Checkpoint(3);
  const tlog::Hash root4 = log_.Root(4);
  const std::string body3 = log_.Body(3, log_.Root(3));
  tampered.replace(0, body3.size(), log_.Body(4, root4));
  ExpectCode(state_->AddCheckpoint(0, {}, tampered, kNow).status(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(state_->Latest(kOrigin).has_value());
}

TEST_F(WitnessStateTest, MalformedNoteIsInvalidArgument) {
  ExpectCode(state_->AddCheckpoint(0, {}, "not a note", kNow).status(),
             StatusCode::kInvalidArgument);
  ExpectCode(state_->AddCheckpoint(0, {}, log_.Body(3, log_.Root(3)), kNow).status(),
             StatusCode::kInvalidArgument);
}

TEST_F(WitnessStateTest, RotatedLogKeysAreBothTrusted) {
  TestLog rotated(kOrigin, Seed(7));
  rotated.GrowTo(20);
  auto state = WitnessState::Open(
      {.name = kWitnessName, .seed = Seed(0x40), .logs = {log_.verifier(), rotated.verifier()}},
      NewMemoryStateStore());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ExpectCosigned(log_.Checkpoint(4), (*state)->AddCheckpoint(0, {}, log_.Checkpoint(4), kNow));
  ExpectCosigned(rotated.Checkpoint(9),
                 (*state)->AddCheckpoint(4, rotated.Proof(4, 9), rotated.Checkpoint(9), kNow));
}

TEST_F(WitnessStateTest, FailedSaveRecordsNothing) {
  ASSERT_TRUE(Add(0, 5).ok());
  fail_saves_ = true;
  ExpectCode(Add(5, 9).status(), StatusCode::kIOError);
  EXPECT_EQ(state_->Latest(kOrigin)->size, 5u);
  fail_saves_ = false;
  ExpectCosigned(log_.Checkpoint(9), Add(5, 9));
}

TEST_F(WitnessStateTest, TimestampBeyondTwoToThe63IsFailedPrecondition) {
  ExpectCode(state_->AddCheckpoint(0, {}, log_.Checkpoint(2), uint64_t{1} << 63).status(),
             StatusCode::kFailedPrecondition);
  EXPECT_FALSE(state_->Latest(kOrigin).has_value());
}

TEST_F(WitnessStateTest, BadConfigurationIsInvalidArgument) {
  ExpectCode(
      WitnessState::Open({.name = kWitnessName, .seed = "short", .logs = {}}, NewMemoryStateStore())
          .status(),
      StatusCode::kInvalidArgument);
  ExpectCode(WitnessState::Open({.name = "has space", .seed = Seed(0x40), .logs = {}},
                                NewMemoryStateStore())
                 .status(),
             StatusCode::kInvalidArgument);
  tlog::NoteVerifier cosigner_key =
      tlog::VerifierFromSeed(kOrigin, tlog::kAlgCosignatureV1, Seed(1)).value();
  ExpectCode(WitnessState::Open({.name = kWitnessName, .seed = Seed(0x40), .logs = {cosigner_key}},
                                NewMemoryStateStore())
                 .status(),
             StatusCode::kInvalidArgument);
  ExpectCode(
      WitnessState::Open(
          {.name = kWitnessName, .seed = Seed(0x40), .logs = {log_.verifier(), log_.verifier()}},
          NewMemoryStateStore())
          .status(),
      StatusCode::kInvalidArgument);
}

// The race the spec warns about: many requests from the same old size, each a valid extension.
// Exactly one may win; the rest must see 409 and the size must never go back.
TEST_F(WitnessStateTest, ConcurrentAddsFromOneOldSizeCosignOnlyOne) {
  ASSERT_TRUE(Add(0, 5).ok());
  std::vector<std::thread> threads;
  std::atomic<int> cosigned{0};
  std::atomic<int> conflicts{0};
  for (uint64_t size = 6; size <= 20; ++size) {
    threads.emplace_back([&, size] {
      Result<std::string> result = Add(5, size);
      if (result.ok()) ++cosigned;
      if (result.status().code() == StatusCode::kConflict) ++conflicts;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(cosigned.load(), 1);
  EXPECT_EQ(conflicts.load(), 14);
  EXPECT_GT(state_->Latest(kOrigin)->size, 5u);
}

// --- state_store.h ------------------------------------------------------------------------

// A directory that exists: the state files are written into it.
class TempDir : public ledger::testing::TempDir {
 public:
  TempDir() : ledger::testing::TempDir("", Where::kTmp, Create::kYes) {}
};

using ledger::testing::ReadWholeFile;
using ledger::testing::WriteWholeFile;

TEST(FileStateStoreTest, SavesAndLoads) {
  TempDir dir;
  const std::string path = dir.path() + "/state";
  LogHeads heads;
  heads["b.example/log with space"] = LogHead{.size = 7, .root = tlog::HashLeaf("b")};
  heads["a.example/log"] = LogHead{.size = 0, .root = tlog::EmptyRoot()};
  {
    auto store = OpenFileStateStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE((*store)->Load()->empty());
    ASSERT_TRUE((*store)->Save(heads).ok());
    EXPECT_EQ((*store)->Load().value(), heads);
  }
  auto reopened = OpenFileStateStore(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Load().value(), heads);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(FileStateStoreTest, SecondOpenIsRefusedWhileFirstIsOpen) {
  TempDir dir;
  const std::string path = dir.path() + "/state";
  auto first = OpenFileStateStore(path);
  ASSERT_TRUE(first.ok());
  ExpectCode(OpenFileStateStore(path).status(), StatusCode::kFailedPrecondition);
  first = Status::Unavailable("closed");
  EXPECT_TRUE(OpenFileStateStore(path).ok());
}

TEST(FileStateStoreTest, EveryDamagedByteIsCorruption) {
  TempDir dir;
  const std::string path = dir.path() + "/state";
  {
    auto store = OpenFileStateStore(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Save({{kOrigin, LogHead{.size = 12, .root = tlog::HashLeaf("x")}}}).ok());
  }
  const std::string good = ReadWholeFile(path);
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x01;
    WriteWholeFile(path, bad);
    auto store = OpenFileStateStore(path);
    ASSERT_TRUE(store.ok());
    ExpectCode((*store)->Load().status(), StatusCode::kCorruption);
  }
  for (size_t length = 0; length < good.size(); ++length) {
    WriteWholeFile(path, good.substr(0, length));
    auto store = OpenFileStateStore(path);
    ASSERT_TRUE(store.ok());
    ExpectCode((*store)->Load().status(), StatusCode::kCorruption);
  }
}

// --- http_server.h and witness_client.h over sockets ---------------------------------------

// A response read by hand from a raw socket, independent of Beast.
struct RawResponse {
  int status = 0;
  std::string headers;  // lower-cased
  std::string body;
  int count = 0;  // responses on the connection
};

int ConnectTo(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` bytes as they are and reads until the server closes; parses the last response.
RawResponse RawExchange(uint16_t port, const std::string& request) {
  RawResponse response;
  const int fd = ConnectTo(port);
  if (fd < 0) return response;
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may stop reading early (413); its response still counts
    sent += static_cast<size_t>(n);
  }
  std::string all;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    all.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t at = 0;
  for (size_t next; (next = all.find("HTTP/1.1 ", at)) != std::string::npos; at = next + 1) {
    ++response.count;
    const size_t header_end = all.find("\r\n\r\n", next);
    if (header_end == std::string::npos) break;
    response.status = std::stoi(all.substr(next + 9, 3));
    response.headers = all.substr(next, header_end - next);
    for (char& c : response.headers) c = static_cast<char>(std::tolower(c));
    response.body = all.substr(header_end + 4);
  }
  return response;
}

std::string Post(const std::string& body, const std::string& connection = "close") {
  return "POST /add-checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: " + connection +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class WitnessServerTest : public ::testing::Test {
 protected:
  WitnessServerTest() : log_(kOrigin, Seed(1)) {
    log_.GrowTo(40);
    state_path_ = dir_.path() + "/witness.state";
  }

  WitnessServerOptions Options() {
    WitnessServerOptions options;
    options.witness_name = kWitnessName;
    options.witness_seed = Seed(0x40);
    options.state_path = state_path_;
    options.logs = {log_.verifier()};
    options.now_seconds = [] { return kNow; };
    options.io_timeout = std::chrono::milliseconds(3000);
    return options;
  }

  void Start() {
    auto server = StartWitnessServer(Options());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ASSERT_NE(server_->port(), 0);
  }

  Result<std::string> Push(uint64_t old_size, uint64_t size, uint64_t* witness_size = nullptr) {
    return PushCheckpoint("127.0.0.1", server_->port(), old_size, log_.Proof(old_size, size),
                          log_.Checkpoint(size), witness_size);
  }

  TempDir dir_;
  std::string state_path_;
  TestLog log_;
  std::unique_ptr<WitnessServer> server_;
};

TEST_F(WitnessServerTest, FirstCheckpointFromZeroIsCosigned) {
  Start();
  EXPECT_EQ(server_->verifier(), WitnessKey());
  ExpectCosigned(log_.Checkpoint(5), Push(0, 5));
}

TEST_F(WitnessServerTest, ConsistentExtensionIsCosigned) {
  Start();
  ASSERT_TRUE(Push(0, 5).ok());
  ExpectCosigned(log_.Checkpoint(13), Push(5, 13));
  ExpectCosigned(log_.Checkpoint(40), Push(13, 40));
}

TEST_F(WitnessServerTest, StaleOldSizeIsConflictCarryingCurrentSize) {
  Start();
  ASSERT_TRUE(Push(0, 13).ok());
  uint64_t witness_size = 0;
  Result<std::string> stale = Push(5, 20, &witness_size);
  ExpectCode(stale.status(), StatusCode::kConflict);
  EXPECT_THAT(stale.status().message(), HasSubstr("cosigned size 13"));
  EXPECT_EQ(witness_size, 13u);
  // The wire format itself: text/x.tlog.size, "<size>\n".
  RawResponse raw =
      RawExchange(server_->port(), Post(FormatAddCheckpointBody(0, {}, log_.Checkpoint(20))));
  EXPECT_EQ(raw.status, 409);
  EXPECT_THAT(raw.headers, HasSubstr("content-type: text/x.tlog.size"));
  EXPECT_EQ(raw.body, "13\n");
  // The client retries from the size it was told.
  ExpectCosigned(log_.Checkpoint(20), Push(witness_size, 20));
}

TEST_F(WitnessServerTest, BadConsistencyProofIs422) {
  Start();
  ASSERT_TRUE(Push(0, 5).ok());
  std::vector<tlog::Hash> proof = log_.Proof(5, 13);
  proof.back()[0] ^= 0x80;
  ExpectCode(PushCheckpoint("127.0.0.1", server_->port(), 5, proof, log_.Checkpoint(13)).status(),
             StatusCode::kCorruption);
  RawResponse raw =
      RawExchange(server_->port(), Post(FormatAddCheckpointBody(5, proof, log_.Checkpoint(13))));
  EXPECT_EQ(raw.status, 422);
  ExpectCosigned(log_.Checkpoint(13), Push(5, 13));
}

TEST_F(WitnessServerTest, UnknownOriginIs404) {
  Start();
  TestLog other("example.com/other", Seed(2));
  other.GrowTo(3);
  ExpectCode(PushCheckpoint("127.0.0.1", server_->port(), 0, {}, other.Checkpoint(3)).status(),
             StatusCode::kNotFound);
}

TEST_F(WitnessServerTest, BadLogSignatureIs403) {
  Start();
  Result<std::string> result = PushCheckpoint("127.0.0.1", server_->port(), 0, {},
                                              log_.SignedCheckpoint(3, log_.Root(3), Seed(9)));
  ExpectCode(result.status(), StatusCode::kPermissionDenied);
  RawResponse raw = RawExchange(
      server_->port(),
      Post(FormatAddCheckpointBody(0, {}, log_.SignedCheckpoint(3, log_.Root(3), Seed(9)))));
  EXPECT_EQ(raw.status, 403);
}

TEST_F(WitnessServerTest, OldSizeAboveCheckpointSizeIs400) {
  Start();
  ASSERT_TRUE(Push(0, 8).ok());
  ExpectCode(PushCheckpoint("127.0.0.1", server_->port(), 8, {}, log_.Checkpoint(5)).status(),
             StatusCode::kInvalidArgument);
}

TEST_F(WitnessServerTest, SplitViewIsRefused) {
  Start();
  ASSERT_TRUE(Push(0, 5).ok());
  tlog::Hash other_root = log_.Root(5);
  other_root[0] ^= 1;
  uint64_t witness_size = 0;
  Result<std::string> same_size = PushCheckpoint(
      "127.0.0.1", server_->port(), 5, {}, log_.SignedCheckpoint(5, other_root), &witness_size);
  ExpectCode(same_size.status(), StatusCode::kConflict);
  EXPECT_EQ(witness_size, 5u);
  EXPECT_THAT(same_size.status().message(), HasSubstr("another root"));

  TestLog fork(kOrigin, Seed(1), "forked entry ");
  fork.GrowTo(9);
  ExpectCode(PushCheckpoint("127.0.0.1", server_->port(), 5, fork.Proof(5, 9), fork.Checkpoint(9))
                 .status(),
             StatusCode::kCorruption);
  // The honest view still extends.
  ExpectCosigned(log_.Checkpoint(9), Push(5, 9));
}

TEST_F(WitnessServerTest, StateSurvivesRestart) {
  Start();
  ASSERT_TRUE(Push(0, 5).ok());
  ASSERT_TRUE(Push(5, 13).ok());
  server_.reset();

  Start();
  uint64_t witness_size = 0;
  ExpectCode(Push(0, 20, &witness_size).status(), StatusCode::kConflict);
  EXPECT_EQ(witness_size, 13u);
  // A rollback to the size it had before is refused too.
  ExpectCode(Push(5, 20).status(), StatusCode::kConflict);
  ExpectCosigned(log_.Checkpoint(20), Push(13, 20));
}

TEST_F(WitnessServerTest, SecondServerOnOneStateFileIsRefused) {
  Start();
  ExpectCode(StartWitnessServer(Options()).status(), StatusCode::kFailedPrecondition);
}

TEST_F(WitnessServerTest, DamagedStateFileStopsStart) {
  Start();
  ASSERT_TRUE(Push(0, 5).ok());
  server_.reset();
  std::string text = ReadWholeFile(state_path_);
  // The size on the first head line, "5 <root> <origin>": a rollback-sized edit.
  const size_t head_line = text.find('\n') + 1;
  ASSERT_EQ(text[head_line], '5');
  text[head_line] = '6';
  WriteWholeFile(state_path_, text);
  ExpectCode(StartWitnessServer(Options()).status(), StatusCode::kCorruption);
}

TEST_F(WitnessServerTest, MalformedRequestsAre400AndServerKeepsServing) {
  Start();
  const std::string checkpoint = log_.Checkpoint(5);
  for (const std::string& body :
       {std::string(""), std::string("old 0\n"), std::string("old 00\n\n") + checkpoint,
        std::string("old 0\nnot-a-hash\n\n") + checkpoint, std::string("old 0\n\nnot a note\n"),
        std::string("old 0\n\n") + log_.Body(5, log_.Root(5))}) {
    RawResponse raw = RawExchange(server_->port(), Post(body));
    EXPECT_EQ(raw.status, 400) << body;
    EXPECT_THAT(raw.headers, HasSubstr("content-type: text/plain"));
  }
  // Not HTTP at all.
  EXPECT_EQ(RawExchange(server_->port(), "\x01\x02garbage\r\n\r\n").status, 400);
  // A bad chunked encoding.
  EXPECT_EQ(RawExchange(server_->port(),
                        "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                        "chunked\r\n\r\nzz\r\n")
                .status,
            400);
  ExpectCosigned(checkpoint, Push(0, 5));
}

TEST_F(WitnessServerTest, OversizeBodyIs413AndServerKeepsServing) {
  Start();
  // Announced by Content-Length and sent in full: refused once the header is read.
  RawResponse raw = RawExchange(server_->port(), Post(std::string(200 * 1024, 'a')));
  EXPECT_EQ(raw.status, 413);
  // Chunked, so the limit is only found while reading the body.
  std::string chunked =
      "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) chunked += "2000\r\n" + std::string(0x2000, 'b') + "\r\n";
  chunked += "0\r\n\r\n";
  EXPECT_EQ(RawExchange(server_->port(), chunked).status, 413);
  ExpectCosigned(log_.Checkpoint(5), Push(0, 5));
}

TEST_F(WitnessServerTest, ClientSeesOversizeBodyAsInvalidArgument) {
  WitnessServerOptions options = Options();
  options.max_body_bytes = 100;
  auto server = StartWitnessServer(options);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Result<std::string> result =
      PushCheckpoint("127.0.0.1", (*server)->port(), 0, {}, log_.Checkpoint(5));
  ExpectCode(result.status(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("413"));
}

TEST_F(WitnessServerTest, OtherPathsAndMethods) {
  Start();
  RawResponse get = RawExchange(
      server_->port(), "GET /add-checkpoint HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(get.status, 405);
  EXPECT_THAT(get.headers, HasSubstr("allow: post"));
  RawResponse other = RawExchange(
      server_->port(),
      "POST /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(other.status, 404);
}

TEST_F(WitnessServerTest, KeepAliveServesRequestsInTurn) {
  Start();
  const std::string requests =
      Post(FormatAddCheckpointBody(0, {}, log_.Checkpoint(5)), "keep-alive") +
      Post(FormatAddCheckpointBody(5, log_.Proof(5, 9), log_.Checkpoint(9)));
  RawResponse raw = RawExchange(server_->port(), requests);
  EXPECT_EQ(raw.count, 2);
  EXPECT_EQ(raw.status, 200);
  ExpectCosigned(log_.Checkpoint(9), raw.body);
}

TEST_F(WitnessServerTest, ExpectContinueIsAnswered) {
  Start();
  const std::string body = FormatAddCheckpointBody(0, {}, log_.Checkpoint(5));
  const int fd = ConnectTo(server_->port());
  ASSERT_GE(fd, 0);
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const std::string head =
      "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: "
      "close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  char buffer[4096];
  const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
  ASSERT_GT(n, 0);
  EXPECT_THAT(std::string(buffer, static_cast<size_t>(n)), StartsWith("HTTP/1.1 100 Continue"));
  ASSERT_EQ(::send(fd, body.data(), body.size(), MSG_NOSIGNAL), static_cast<ssize_t>(body.size()));
  std::string rest;
  for (ssize_t m; (m = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    rest.append(buffer, static_cast<size_t>(m));
  }
  ::close(fd);
  EXPECT_THAT(rest, StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(WitnessServerTest, StopClosesIdleConnectionsPromptly) {
  Start();
  const int idle = ConnectTo(server_->port());
  ASSERT_GE(idle, 0);
  const uint16_t port = server_->port();
  const auto begin = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(1000));
  char byte;
  EXPECT_LE(::recv(idle, &byte, 1, 0), 0);  // closed by the server
  ::close(idle);
  ExpectCode(PushCheckpoint("127.0.0.1", port, 0, {}, log_.Checkpoint(5)).status(),
             StatusCode::kUnavailable);
  server_->Stop();  // idempotent
}

TEST_F(WitnessServerTest, IdleClientIsDisconnectedAfterTimeout) {
  WitnessServerOptions options = Options();
  options.io_timeout = std::chrono::milliseconds(200);
  auto server = StartWitnessServer(options);
  ASSERT_TRUE(server.ok());
  const int fd = ConnectTo((*server)->port());
  ASSERT_GE(fd, 0);
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const auto begin = std::chrono::steady_clock::now();
  char byte;
  EXPECT_LE(::recv(fd, &byte, 1, 0), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(3));
  ::close(fd);
}

TEST_F(WitnessServerTest, ClientReportsUnreachableWitness) {
  Start();
  const uint16_t port = server_->port();
  server_.reset();
  ExpectCode(PushCheckpoint("127.0.0.1", port, 0, {}, log_.Checkpoint(5)).status(),
             StatusCode::kUnavailable);
}

TEST_F(WitnessServerTest, StartRejectsBadOptions) {
  WitnessServerOptions options = Options();
  options.address = "not an address";
  ExpectCode(StartWitnessServer(options).status(), StatusCode::kInvalidArgument);
  options = Options();
  options.witness_seed = "short";
  ExpectCode(StartWitnessServer(options).status(), StatusCode::kInvalidArgument);
  options = Options();
  options.state_path = dir_.path() + "/no/such/dir/state";
  ExpectCode(StartWitnessServer(options).status(), StatusCode::kIOError);
}

}  // namespace
}  // namespace witness
