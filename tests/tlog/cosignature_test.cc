// c2sp.org/tlog-cosignature (cosignature/v1, type 0x04): the spec's signed-message example and
// signature line, a golden cosignature from an independent Ed25519 implementation (Python's
// cryptography package), and every way a cosignature can fail.
#include "tlog/cosignature.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "spec_checkpoint.h"
#include "tlog/checkpoint.h"

namespace tlog {
namespace {

using ::ledger::StatusCode;
using ::testing::HasSubstr;

using testing::kSpecBody;
using testing::SeedFrom;
const std::string kBody = kSpecBody;
const std::string kWitness = testing::kSpecWitness;
constexpr const char* kWitnessKey = testing::kSpecWitnessKey;
const std::string kWitnessSigLine = testing::kSpecWitnessSigLine;
std::string Seed(char first) { return SeedFrom(first); }

NoteVerifier Witness() { return ParseVerifierKey(kWitnessKey).value(); }

void ExpectError(const ledger::Status& status, StatusCode code, const std::string& substr) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(substr));
}

TEST(CosignatureTest, SignedMessageIsTheSpecExample) {
  EXPECT_EQ(CosignatureMessage(kBody, 1679315147),
            "cosignature/v1\n"
            "time 1679315147\n"
            "example.com/behind-the-sofa\n"
            "20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  EXPECT_EQ(CosignatureMessage(kBody, 0).substr(0, 22), "cosignature/v1\ntime 0\n");
}

TEST(CosignatureTest, SpecExampleSignatureLineCarriesItsTimestamp) {
  // The witness line of the spec's example: key id, then 8 bytes of big-endian time.
  auto note =
      ParseNote(kBody + "\n" +
                "\xe2\x80\x94 witness.example.com/w1 "
                "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
                "qhf5nNo0xUe+mbIUBkBIfZ+qnA==\n");
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  const NoteSignature& sig = note->signatures[0];
  EXPECT_EQ(sig.key_id, 0x8d66cf3fu);
  ASSERT_EQ(sig.signature.size(), 72u);
  EXPECT_EQ(sig.signature.substr(0, 8), std::string("\0\0\0\0\x64\x18\x50\xcb", 8));  // 1679315147
}

TEST(CosignatureTest, CosignsTheGoldenVectorByteForByte) {
  auto verifier = VerifierFromSeed(kWitness, kAlgCosignatureV1, Seed(32));
  ASSERT_TRUE(verifier.ok());
  EXPECT_EQ(FormatVerifierKey(*verifier), kWitnessKey);
  auto sig = CosignCheckpoint(kBody, kWitness, Seed(32), 1679315147);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->name, kWitness);
  EXPECT_EQ(sig->key_id, 0x969980cfu);
  // The Ed25519 part is a plain signature of the cosigned message.
  EXPECT_EQ(sig->signature.substr(8),
            SignNoteEd25519(CosignatureMessage(kBody, 1679315147), kWitness, Seed(32)).signature);
  std::string note = FormatNote(Note{kBody, {*sig}});
  EXPECT_EQ(note, kBody + "\n" + kWitnessSigLine);
}

TEST(CosignatureTest, VerifyReturnsTheTimestamp) {
  for (uint64_t t : {uint64_t{0}, uint64_t{1679315147}, kMaxCosignatureTimestamp}) {
    auto sig = CosignCheckpoint(kBody, kWitness, Seed(32), t);
    ASSERT_TRUE(sig.ok());
    auto got = VerifyCosignature(kBody, *sig, Witness());
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, t);
  }
}

TEST(CosignatureTest, VerifyNoteChecksCosignaturesOfKnownWitnesses) {
  auto note = ParseNote(kBody + "\n" + kWitnessSigLine);
  ASSERT_TRUE(note.ok());
  std::vector<NoteVerifier> verified_by;
  ASSERT_TRUE(VerifyNote(*note, {Witness()}, &verified_by).ok());
  EXPECT_EQ(verified_by, std::vector<NoteVerifier>{Witness()});
  // The same line over another checkpoint fails.
  Note moved = *note;
  moved.text =
      "example.com/behind-the-sofa\n20852164\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  ExpectError(VerifyNote(moved, {Witness()}, nullptr), StatusCode::kCorruption,
              "cosignature by witness.example.com/w1 does not verify");
  // A cosignature key over a text that is not a checkpoint.
  moved.text = "hello\n";
  ExpectError(VerifyNote(moved, {Witness()}, nullptr), StatusCode::kInvalidArgument,
              "cosigned text: checkpoint has no tree size line");
}

TEST(CosignatureTest, FailuresSayWhatIsWrong) {
  auto made = CosignCheckpoint(kBody, kWitness, Seed(32), 1679315147);
  ASSERT_TRUE(made.ok());
  const NoteSignature good = *made;

  NoteSignature later = good;
  later.signature[7] = static_cast<char>(later.signature[7] + 1);  // a second later
  ExpectError(VerifyCosignature(kBody, later, Witness()).status(), StatusCode::kCorruption,
              "does not verify");

  NoteSignature huge_time = good;
  huge_time.signature[0] = '\x80';
  ExpectError(VerifyCosignature(kBody, huge_time, Witness()).status(), StatusCode::kCorruption,
              "has timestamp 9223372038534090955, above 2^63 - 1");

  NoteSignature short_sig = good;
  short_sig.signature.pop_back();
  ExpectError(VerifyCosignature(kBody, short_sig, Witness()).status(), StatusCode::kCorruption,
              "has 71 bytes");

  NoteSignature other_name = good;
  other_name.name = "witness.example.com/w2";
  ExpectError(VerifyCosignature(kBody, other_name, Witness()).status(),
              StatusCode::kInvalidArgument, "is not by cosigner");

  auto ed25519_key = VerifierFromSeed(kWitness, kAlgEd25519, Seed(32));
  ASSERT_TRUE(ed25519_key.ok());
  ExpectError(VerifyCosignature(kBody, good, *ed25519_key).status(), StatusCode::kInvalidArgument,
              "not a cosignature/v1 (type 0x04) key");

  ExpectError(VerifyCosignature("not a checkpoint", good, Witness()).status(),
              StatusCode::kInvalidArgument, "cosigned text");

  std::string extended = kBody + "extension\n";
  ExpectError(VerifyCosignature(extended, good, Witness()).status(), StatusCode::kCorruption,
              "does not verify");
}

TEST(CosignatureTest, CosignRefusesBadInput) {
  ExpectError(CosignCheckpoint(kBody, kWitness, Seed(32), kMaxCosignatureTimestamp + 1).status(),
              StatusCode::kInvalidArgument, "exceeds 2^63 - 1");
  ExpectError(CosignCheckpoint("x\n", kWitness, Seed(32), 1).status(), StatusCode::kInvalidArgument,
              "cosigning: checkpoint has no tree size line");
  ExpectError(CosignCheckpoint(kBody, "bad name", Seed(32), 1).status(),
              StatusCode::kInvalidArgument, "invalid key name");
  ExpectError(CosignCheckpoint(kBody, kWitness, "short", 1).status(), StatusCode::kInvalidArgument,
              "seed has 32 bytes");
}

TEST(CosignatureTest, ExtensionLinesAreCosigned) {
  std::string extended = kBody + "extension\n";
  auto sig = CosignCheckpoint(extended, kWitness, Seed(32), 5);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyCosignature(extended, *sig, Witness()).ok());
  EXPECT_EQ(VerifyCosignature(kBody, *sig, Witness()).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace tlog
