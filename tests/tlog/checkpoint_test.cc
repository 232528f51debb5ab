// c2sp.org/tlog-checkpoint: the spec's example body, a signed golden checkpoint computed with an
// independent Ed25519 implementation (Python's cryptography package), and strict parsing.
#include "tlog/checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "spec_checkpoint.h"
#include "tlog/cosignature.h"

namespace tlog {
namespace {

using ::ledger::StatusCode;
using ::testing::HasSubstr;

// From the spec.
const std::string kBody = testing::kSpecBody;
constexpr Hash kRoot = {0x0a, 0xc5, 0x18, 0x6a, 0x91, 0x86, 0x3e, 0x8e, 0x1d, 0x90, 0xc8,
                        0x08, 0x01, 0x4a, 0xa8, 0x9b, 0xf5, 0xda, 0x8e, 0x3e, 0xe1, 0xd9,
                        0xf0, 0x76, 0x30, 0xf0, 0x37, 0x8f, 0x68, 0xf1, 0xab, 0x62};

// Golden: the log key has seed 00 01 .. 1f; the witness key (type 0x04) seed 20 21 .. 3f; the
// cosignature's timestamp is 1679315147 (spec_checkpoint.h).
std::string Seed(char first) { return testing::SeedFrom(first); }
constexpr const char* kLogKey = testing::kSpecLogKey;
constexpr const char* kWitnessKey = testing::kSpecWitnessKey;
const std::string kLogSigLine = testing::kSpecLogSigLine;
const std::string kWitnessSigLine = testing::kSpecWitnessSigLine;
const std::string kSignedCheckpoint = kBody + "\n" + kLogSigLine + kWitnessSigLine;

NoteVerifier LogKey() { return ParseVerifierKey(kLogKey).value(); }
NoteVerifier WitnessKey() { return ParseVerifierKey(kWitnessKey).value(); }

void ExpectError(const ledger::Status& status, StatusCode code, const std::string& substr) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(substr));
}

TEST(CheckpointTest, ParsesTheSpecExample) {
  auto c = ParseCheckpointBody(kBody);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(c->size, 20852163u);
  EXPECT_EQ(c->root, kRoot);
  EXPECT_TRUE(c->extensions.empty());
  EXPECT_EQ(FormatCheckpointBody(*c), kBody);
}

TEST(CheckpointTest, SignsTheGoldenCheckpointByteForByte) {
  Checkpoint c{"example.com/behind-the-sofa", 20852163, kRoot, {}};
  std::string body = FormatCheckpointBody(c);
  ASSERT_EQ(body, kBody);
  auto log_key = VerifierFromSeed(c.origin, kAlgEd25519, Seed(0));
  ASSERT_TRUE(log_key.ok());
  EXPECT_EQ(FormatVerifierKey(*log_key), kLogKey);
  auto cosig = CosignCheckpoint(body, "witness.example.com/w1", Seed(32), 1679315147);
  ASSERT_TRUE(cosig.ok()) << cosig.status().ToString();
  Note note{body, {SignNoteEd25519(body, c.origin, Seed(0)), *cosig}};
  EXPECT_EQ(FormatNote(note), kSignedCheckpoint);
}

TEST(CheckpointTest, OpensTheGoldenCheckpoint) {
  std::vector<NoteSignature> others;
  auto c = OpenCheckpoint(kSignedCheckpoint, LogKey(), &others);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->size, 20852163u);
  EXPECT_EQ(c->root, kRoot);
  ASSERT_EQ(others.size(), 1u);
  EXPECT_EQ(others[0].name, "witness.example.com/w1");
  auto timestamp = VerifyCosignature(kBody, others[0], WitnessKey());
  ASSERT_TRUE(timestamp.ok()) << timestamp.status().ToString();
  EXPECT_EQ(*timestamp, 1679315147u);
}

TEST(CheckpointTest, OpenRefusesAnotherLogsKeyOrAForgery) {
  auto other_log = VerifierFromSeed("example.com/other", kAlgEd25519, Seed(0));
  ASSERT_TRUE(other_log.ok());
  ExpectError(OpenCheckpoint(kSignedCheckpoint, *other_log, nullptr).status(),
              StatusCode::kInvalidArgument,
              "origin \"example.com/behind-the-sofa\" is not the log key's name "
              "\"example.com/other\"");
  // Right name, wrong key: its id differs, so the log's line is an unknown signature.
  auto wrong_key = VerifierFromSeed("example.com/behind-the-sofa", kAlgEd25519, Seed(1));
  ASSERT_TRUE(wrong_key.ok());
  ExpectError(OpenCheckpoint(kSignedCheckpoint, *wrong_key, nullptr).status(),
              StatusCode::kPermissionDenied, "checkpoint: note has no signature by a known key");
  // Signed only by the witness.
  ExpectError(OpenCheckpoint(kBody + "\n" + kWitnessSigLine, LogKey(), nullptr).status(),
              StatusCode::kPermissionDenied, "no signature by a known key");
  // A different tree size under the log's signature.
  std::string forged = kSignedCheckpoint;
  forged.replace(forged.find("20852163"), 8, "20852164");
  ExpectError(OpenCheckpoint(forged, LogKey(), nullptr).status(), StatusCode::kCorruption,
              "signature by example.com/behind-the-sofa+1f59e8f5 does not verify");
  // A cosignature key is not a log key.
  ExpectError(OpenCheckpoint(kSignedCheckpoint, WitnessKey(), nullptr).status(),
              StatusCode::kInvalidArgument, "not an Ed25519 (type 0x01) note key");
  // A malformed note or body.
  ExpectError(OpenCheckpoint(kBody, LogKey(), nullptr).status(), StatusCode::kInvalidArgument,
              "no blank line");
}

TEST(CheckpointTest, ExtensionLinesRoundTrip) {
  Checkpoint c{"log", 0, Hash{}, {"ext one", "\xc3\xa8xt two"}};
  ASSERT_TRUE(ValidateCheckpoint(c).ok());
  std::string body = FormatCheckpointBody(c);
  EXPECT_EQ(body,
            "log\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\n\xc3\xa8xt two\n");
  auto parsed = ParseCheckpointBody(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, c);
}

TEST(CheckpointTest, LargestTreeSizeIsAccepted) {
  auto c = ParseCheckpointBody(
      "o\n18446744073709551615\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->size, UINT64_MAX);
}

TEST(CheckpointTest, MalformedBodiesAreRefused) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  struct Case {
    std::string body;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "does not end in a newline"},
      {"o\n1\n" + root, "does not end in a newline"},
      {"\n1\n" + root + "\n", "origin line is empty"},
      {"o\n", "no tree size line"},
      {"o\n1\n", "no root hash line"},
      {"o\n01\n" + root + "\n", "tree size \"01\" is not a decimal"},
      {"o\n00\n" + root + "\n", "tree size \"00\""},
      {"o\n-1\n" + root + "\n", "tree size \"-1\""},
      {"o\n+1\n" + root + "\n", "tree size \"+1\""},
      {"o\n1 \n" + root + "\n", "tree size \"1 \""},
      {"o\n\n" + root + "\n", "tree size \"\""},
      {"o\n0x10\n" + root + "\n", "tree size \"0x10\""},
      {"o\n18446744073709551616\n" + root + "\n", "below 2^64"},
      {"o\n1\n\n", "root hash \"\" is not canonical base64 of 32 bytes"},
      {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", "not canonical base64 of 32 bytes"},
      {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "not canonical"},  // pad bits
      {"o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "not canonical"},   // no padding
      {"o\n1\n" + root + " \n", "not canonical"},
      {"o\n1\n" + root + "\n\n", "extension line 1 is empty"},
      {"o\n1\n" + root + "\next\n\n", "extension line 2 is empty"},
      {"o\r\n1\n" + root + "\n", "control character 13"},
      {"o\n1\n" + root + "\ne\x01xt\n", "control character 1"},
      {"\xc3\n1\n" + root + "\n", "invalid UTF-8 at byte 0"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseCheckpointBody(c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    ExpectError(parsed.status(), StatusCode::kInvalidArgument, c.error);
  }
}

TEST(CheckpointTest, ValidateRefusesWhatFormatCannotWrite) {
  ExpectError(ValidateCheckpoint(Checkpoint{"", 1, Hash{}, {}}), StatusCode::kInvalidArgument,
              "origin line is empty");
  ExpectError(ValidateCheckpoint(Checkpoint{"a\nb", 1, Hash{}, {}}), StatusCode::kInvalidArgument,
              "tree size \"b\"");
  ExpectError(ValidateCheckpoint(Checkpoint{"o", 1, Hash{}, {"x\ny"}}),
              StatusCode::kInvalidArgument, "contains a newline");
  ExpectError(ValidateCheckpoint(Checkpoint{"o", 1, Hash{}, {""}}), StatusCode::kInvalidArgument,
              "extension line 1 is empty");
  ExpectError(ValidateCheckpoint(Checkpoint{"o\t", 1, Hash{}, {}}), StatusCode::kInvalidArgument,
              "control character 9");
  // An origin that is not a valid key name is a valid checkpoint; only OpenCheckpoint cares.
  EXPECT_TRUE(ValidateCheckpoint(Checkpoint{"my log+1", 1, Hash{}, {}}).ok());
}

}  // namespace
}  // namespace tlog
