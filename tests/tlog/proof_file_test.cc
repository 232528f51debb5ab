// c2sp.org/tlog-proof: the spec's layout with and without extra data, byte-exact round trips,
// and strict refusal of everything else.
#include "tlog/proof_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace tlog {
namespace {

using ::ledger::StatusCode;
using ::testing::HasSubstr;

std::string Seed() { return std::string(32, '\x2a'); }

// A checkpoint of example.com/fancylog at the spec example's size and root.
std::string SignedCheckpoint(uint64_t size) {
  Checkpoint c{"example.com/fancylog", size, Hash{}, {}};
  const std::string root = "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=";
  std::string body = "example.com/fancylog\n" + std::to_string(size) + "\n" + root + "\n";
  return FormatNote(Note{body, {SignNoteEd25519(body, c.origin, Seed())}});
}

// The proof lines of the spec's example.
const std::string kExtraLine = "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n";
const std::string kHashLines =
    "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
    "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
    "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
    "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
    "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n";

std::string SpecProof() {
  return "c2sp.org/tlog-proof@v1\n" + kExtraLine + "index 73894\n" + kHashLines + "\n" +
         SignedCheckpoint(109482);
}

void ExpectError(const ledger::Status& status, StatusCode code, const std::string& substr) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(substr));
}

TEST(ProofFileTest, ParsesTheSpecLayout) {
  const std::string text = SpecProof();
  auto proof = ParseProofFile(text);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_EQ(proof->extra.substr(0, 30), "age-v1.2.1-darwin-arm64.tar.gz");
  EXPECT_EQ(proof->extra.size(), 39u);
  EXPECT_EQ(proof->index, 73894u);
  ASSERT_EQ(proof->inclusion_proof.size(), 5u);
  EXPECT_EQ(proof->inclusion_proof[0][0], 0x81);  // "gSKy..."
  EXPECT_EQ(proof->inclusion_proof[4][0], 0x00);  // "AHCi..."
  EXPECT_EQ(proof->checkpoint, SignedCheckpoint(109482));
  EXPECT_EQ(FormatProofFile(*proof), text);
  // The checkpoint inside opens with the log's key.
  auto key = VerifierFromSeed("example.com/fancylog", kAlgEd25519, Seed());
  ASSERT_TRUE(key.ok());
  auto checkpoint = OpenCheckpoint(proof->checkpoint, *key, nullptr);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(checkpoint->size, 109482u);
}

TEST(ProofFileTest, FormatsWithoutExtraDataByteForByte) {
  ProofFile proof;
  proof.index = 0;
  proof.inclusion_proof = {Hash{}, Hash{}};
  proof.inclusion_proof[1][31] = 1;
  proof.checkpoint = SignedCheckpoint(3);
  const std::string text = FormatProofFile(proof);
  EXPECT_EQ(text,
            "c2sp.org/tlog-proof@v1\n"
            "index 0\n"
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=\n"
            "\n" +
                SignedCheckpoint(3));
  auto parsed = ParseProofFile(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, proof);
}

TEST(ProofFileTest, SingleEntryTreeHasAnEmptyProof) {
  const std::string text = "c2sp.org/tlog-proof@v1\nindex 0\n\n" + SignedCheckpoint(1);
  auto proof = ParseProofFile(text);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_TRUE(proof->inclusion_proof.empty());
  EXPECT_EQ(FormatProofFile(*proof), text);
}

TEST(ProofFileTest, MalformedProofsAreRefused) {
  const std::string header = "c2sp.org/tlog-proof@v1\n";
  const std::string cp = SignedCheckpoint(109482);
  const std::string hash = "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n";
  std::string too_many = header + "index 1\n";
  for (int i = 0; i < 65; ++i) too_many += hash;
  too_many += "\n" + cp;
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "does not start with the line c2sp.org/tlog-proof@v1"},
      {"c2sp.org/tlog-proof@v2\nindex 1\n\n" + cp, "does not start with the line"},
      {"c2sp.org/tlog-proof@v1 \nindex 1\n\n" + cp, "does not start with the line"},
      {"c2sp.org/tlog-proof@v1\r\nindex 1\n\n" + cp, "does not start with the line"},
      {header, "ends after its first line"},
      {header + "\n" + cp, "has \"\" where the line \"index <i>\" belongs"},
      {header + "Index 1\n\n" + cp, "where the line \"index <i>\" belongs"},
      {header + "index 01\n\n" + cp, "index \"01\" is not a decimal"},
      {header + "index \n\n" + cp, "index \"\" is not a decimal"},
      {header + "index  1\n\n" + cp, "index \" 1\""},
      {header + "index -1\n\n" + cp, "index \"-1\""},
      {header + "index 18446744073709551616\n\n" + cp, "below 2^64"},
      {header + "extra \nindex 1\n\n" + cp, "extra data is not non-empty canonical base64"},
      {header + "extra YWJj=\nindex 1\n\n" + cp, "extra data is not non-empty canonical base64"},
      {header + "extra YWJj", "ends after its first line"},
      {header + "extra YWJj\n", "ends after its extra line"},
      {header + "index 1\n" + kExtraLine + "\n" + cp, "inclusion proof line 1"},
      {header + "index 1\n" + hash + "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPl==\n\n" + cp,
       "inclusion proof line 2 \"gSKy"},
      {header + "index 1\n" + hash.substr(0, 44) + " \n\n" + cp, "inclusion proof line 1"},
      {header + "index 1\n" + hash, "no blank line before its checkpoint"},
      {too_many, "more than 64 inclusion proof hashes"},
      {header + "index 1\n" + hash + "\n", "proof file checkpoint: note has no blank line"},
      {header + "index 1\n" + hash + "\n" + cp + "trailing\n",
       "proof file checkpoint: note signature line 2 does not start with an em dash"},
      {header + "index 1\n" + hash + "\n\n" + cp, "proof file: checkpoint origin line is empty"},
      {header + "index 109482\n" + hash + "\n" + cp,
       "index 109482 is not below the checkpoint's tree size 109482"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseProofFile(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    ExpectError(parsed.status(), StatusCode::kInvalidArgument, c.error);
  }
}

}  // namespace
}  // namespace tlog
