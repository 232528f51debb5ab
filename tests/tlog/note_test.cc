// c2sp.org/signed-note: the Go reference vectors of golang.org/x/mod/sumdb/note (note_test.go),
// the malformed notes its tests refuse, and the checks the spec adds.
#include "tlog/note.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace tlog {
namespace {

using ::ledger::StatusCode;
using ::testing::HasSubstr;

// PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz decodes to
// 0x01 || this seed.
const std::string kPeterSeed =
    "\x81\x0a\x14\x02\xd5\x14\x6c\x8d\x84\xf2\x44\x33\x30\xf5\x40\x80"
    "\xeb\xf9\x8e\xe1\x7d\x9c\x74\xf6\x25\x2f\xc5\xd5\xc7\x28\x31\x73";
constexpr const char* kPeterKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kEnochKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const std::string kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    "\xe2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

NoteVerifier Peter() { return ParseVerifierKey(kPeterKey).value(); }
NoteVerifier Enoch() { return ParseVerifierKey(kEnochKey).value(); }

void ExpectError(const ledger::Status& status, StatusCode code, const std::string& substr) {
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(substr));
}

TEST(NoteTest, SignsTheGoReferenceNoteByteForByte) {
  auto verifier = VerifierFromSeed("PeterNeumann", kAlgEd25519, kPeterSeed);
  ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
  EXPECT_EQ(verifier->key_id, 0xc74f20a3u);
  EXPECT_EQ(FormatVerifierKey(*verifier), kPeterKey);

  NoteSignature sig = SignNoteEd25519(kText, "PeterNeumann", kPeterSeed);
  EXPECT_EQ(sig.key_id, 0xc74f20a3u);
  EXPECT_EQ(sig.signature.size(), 64u);
  EXPECT_EQ(FormatNote(Note{kText, {sig}}), kText + "\n" + kPeterSig);
}

TEST(NoteTest, OpensTheGoReferenceNote) {
  auto note = ParseNote(kText + "\n" + kPeterSig);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, kText);
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].name, "PeterNeumann");
  EXPECT_EQ(note->signatures[0].key_id, 0xc74f20a3u);
  std::vector<NoteVerifier> verified_by;
  ASSERT_TRUE(VerifyNote(*note, {Peter()}, &verified_by).ok());
  EXPECT_EQ(verified_by, std::vector<NoteVerifier>{Peter()});
}

TEST(NoteTest, VerifierKeyRoundTrips) {
  NoteVerifier peter = Peter();
  EXPECT_EQ(peter.name, "PeterNeumann");
  EXPECT_EQ(peter.alg, kAlgEd25519);
  EXPECT_EQ(peter.public_key.size(), 32u);
  EXPECT_EQ(FormatVerifierKey(peter), kPeterKey);
  EXPECT_EQ(NoteKeyId("PeterNeumann", kAlgEd25519, peter.public_key), 0xc74f20a3u);
  // The same key as a cosignature key has another id (the type byte is hashed in).
  auto cosigner = MakeVerifier("PeterNeumann", kAlgCosignatureV1, peter.public_key);
  ASSERT_TRUE(cosigner.ok());
  EXPECT_NE(cosigner->key_id, peter.key_id);
  auto reparsed = ParseVerifierKey(FormatVerifierKey(*cosigner));
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString();
  EXPECT_EQ(*reparsed, *cosigner);
}

// TestNewVerifier: every proper substring and every single-byte increment is refused.
TEST(NoteTest, MangledVerifierKeysAreRefused) {
  const std::string key = kPeterKey;
  for (size_t i = 0; i <= key.size(); ++i) {
    for (size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(ParseVerifierKey(key.substr(i, j - i)).ok()) << key.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < key.size(); ++i) {
    std::string bad = key;
    ++bad[i];
    EXPECT_FALSE(ParseVerifierKey(bad).ok()) << bad;
  }
  // Wrong key length and unknown algorithm, each with its key id adjusted to match. Go's lenient
  // decoder reads "BADKEY==" although its last character has non-zero pad bits; the strict one
  // refuses it before the length check, so the wrong length is checked with canonical base64.
  ExpectError(
      ParseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
          .status(),
      StatusCode::kInvalidArgument, "not canonical standard base64");
  ExpectError(
      ParseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEQ==")
          .status(),
      StatusCode::kInvalidArgument, "an Ed25519 public key has 32 bytes, not 36");
  ExpectError(ParseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                  .status(),
              StatusCode::kInvalidArgument, "algorithm 101 is not supported");
}

TEST(NoteTest, VerifierKeyErrorsSayWhatIsWrong) {
  ExpectError(ParseVerifierKey("PeterNeumann").status(), StatusCode::kInvalidArgument,
              "<name>+<hex key id>+<base64 key>");
  ExpectError(ParseVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                  .status(),
              StatusCode::kInvalidArgument, "8 lowercase hex digits");
  ExpectError(ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                  .status(),
              StatusCode::kInvalidArgument, "does not match the key (expected c74f20a3)");
  ExpectError(ParseVerifierKey("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").status(),
              StatusCode::kInvalidArgument, "invalid key name");
  ExpectError(ParseVerifierKey(std::string(kPeterKey) + "\n").status(),
              StatusCode::kInvalidArgument, "not canonical standard base64");
  ExpectError(ParseVerifierKey("PeterNeumann+c74f20a3+").status(), StatusCode::kInvalidArgument,
              "not canonical standard base64");
}

TEST(NoteTest, KeyNamesFollowTheSpec) {
  std::string key(32, '\x07');
  EXPECT_TRUE(MakeVerifier("example.com/log", kAlgEd25519, key).ok());
  EXPECT_TRUE(MakeVerifier("\xc3\xa8", kAlgEd25519, key).ok());  // U+00E8, not a space
  for (std::string bad : {"", "a+b", "a b", "a\tb",
                          "a\xc2\xa0"
                          "b",
                          "a\xe2\x80\x83"
                          "b",
                          "a\xe3\x80\x80"
                          "b",
                          "\xff", "a\xc0\xafz"}) {
    ExpectError(MakeVerifier(bad, kAlgEd25519, key).status(), StatusCode::kInvalidArgument,
                "invalid key name");
  }
  ExpectError(MakeVerifier("a", 0x02, key).status(), StatusCode::kInvalidArgument, "not supported");
  ExpectError(MakeVerifier("a", kAlgEd25519, key + "x").status(), StatusCode::kInvalidArgument,
              "32 bytes, not 33");
  ExpectError(VerifierFromSeed("a", kAlgEd25519, "short").status(), StatusCode::kInvalidArgument,
              "seed has 32 bytes, not 5");
}

// TestOpen: one known and one unknown signer.
TEST(NoteTest, UnknownSignersAreIgnored) {
  auto note = ParseNote(kText + "\n" + kPeterSig + kEnochSig);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  ASSERT_EQ(note->signatures.size(), 2u);
  EXPECT_EQ(note->signatures[1].name, "EnochRoot");
  EXPECT_EQ(note->signatures[1].key_id, 0xaf0cfe78u);
  std::vector<NoteVerifier> verified_by;
  ASSERT_TRUE(VerifyNote(*note, {Peter()}, &verified_by).ok());
  EXPECT_EQ(verified_by, std::vector<NoteVerifier>{Peter()});
  ASSERT_TRUE(VerifyNote(*note, {Enoch(), Peter()}, &verified_by).ok());
  EXPECT_EQ(verified_by, (std::vector<NoteVerifier>{Peter(), Enoch()}));
}

TEST(NoteTest, NoKnownSignerIsPermissionDenied) {
  auto note = ParseNote(kText + "\n" + kPeterSig + kEnochSig);
  ASSERT_TRUE(note.ok());
  ExpectError(VerifyNote(*note, {}, nullptr), StatusCode::kPermissionDenied,
              "no signature by a known key (signed by \"PeterNeumann+c74f20a3\", "
              "\"EnochRoot+af0cfe78\")");
  // Same name, other id; and same id, other name: both unknown, so ignored.
  NoteVerifier other_id = Peter();
  other_id.key_id ^= 1;
  NoteVerifier other_name = Peter();
  other_name.name = "PeterNeuman";
  ExpectError(VerifyNote(*note, {other_id, other_name}, nullptr), StatusCode::kPermissionDenied,
              "no signature by a known key");
}

TEST(NoteTest, FailingSignatureOfAKnownKeyIsCorruption) {
  // Go's "invalid signature" case: four characters spliced into the base64.
  std::string spliced = kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  auto note = ParseNote(kText + "\n" + spliced);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  ExpectError(VerifyNote(*note, {Peter()}, nullptr), StatusCode::kCorruption,
              "signature by PeterNeumann+c74f20a3 has 67 bytes");

  auto tampered = ParseNote(
      "If you think cryptography is the answer to your problem,\n"
      "then you do know what your problem is.\n\n" +
      kPeterSig);
  ASSERT_TRUE(tampered.ok());
  ExpectError(VerifyNote(*tampered, {Peter()}, nullptr), StatusCode::kCorruption,
              "signature by PeterNeumann+c74f20a3 does not verify");
  // A good signature by a known key does not excuse a bad one by another known key.
  auto mixed =
      ParseNote(kText + "\n" + kPeterSig + kEnochSig.substr(0, 40) + "ABCD" + kEnochSig.substr(40));
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(VerifyNote(*mixed, {Peter(), Enoch()}, nullptr).code(), StatusCode::kCorruption);
  EXPECT_TRUE(VerifyNote(*mixed, {Peter()}, nullptr).ok());
}

TEST(NoteTest, DuplicateSignaturesVerifyOnceEach) {
  std::string enoch_abcd = kEnochSig.substr(0, 60) + "ABCD" + kEnochSig.substr(60);
  auto note = ParseNote(kText + "\n" + kPeterSig + kPeterSig + kEnochSig + kEnochSig + enoch_abcd);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->signatures.size(), 5u);
  std::vector<NoteVerifier> verified_by;
  ASSERT_TRUE(VerifyNote(*note, {Peter()}, &verified_by).ok());
  EXPECT_EQ(verified_by, std::vector<NoteVerifier>{Peter()});
}

TEST(NoteTest, AmbiguousKnownKeysAreRefused) {
  NoteVerifier impostor = Peter();
  impostor.public_key[0] ^= 1;  // same name and id, another key
  auto note = ParseNote(kText + "\n" + kPeterSig);
  ASSERT_TRUE(note.ok());
  ExpectError(VerifyNote(*note, {Peter(), impostor}, nullptr), StatusCode::kInvalidArgument,
              "ambiguous key PeterNeumann+c74f20a3");
  // The same verifier twice is not ambiguous; an unused ambiguity does not matter.
  EXPECT_TRUE(VerifyNote(*note, {Peter(), Peter()}, nullptr).ok());
  auto enoch_note = ParseNote(kText + "\n" + kEnochSig);
  ASSERT_TRUE(enoch_note.ok());
  EXPECT_TRUE(VerifyNote(*enoch_note, {Enoch(), Peter(), impostor}, nullptr).ok());
}

TEST(NoteTest, AtMostOneHundredSignatures) {
  std::string hundred, hundred_one;
  for (int i = 0; i < 100; ++i) hundred += kPeterSig;
  hundred_one = hundred + kPeterSig;
  auto ok = ParseNote(kText + "\n" + hundred);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->signatures.size(), 100u);
  ExpectError(ParseNote(kText + "\n" + hundred_one).status(), StatusCode::kInvalidArgument,
              "more than 100 signatures");
}

// TestOpen's badMsgs, then the rest of the grammar.
TEST(NoteTest, MalformedNotesAreRefused) {
  struct Case {
    std::string message;
    std::string error;
  };
  const std::vector<Case> cases = {
      {kText, "no blank line between text and signatures"},
      {kText + "\n", "no signature lines"},
      {kText + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1), "does not end in a newline"},
      {"\x01" + kText + "\n" + kPeterSig, "control character 1 at byte 0"},
      {"\xff" + kText + "\n" + kPeterSig, "invalid UTF-8 at byte 0"},
      {kText + "\n" +
           "\xe2\x80\x94 Bad Name "
           "x08go/ZJkuBS9UG/"
           "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
       "does not end in a newline"},
      {kText + "\n" +
           "\xe2\x80\x94 Bad Name "
           "x08go/ZJkuBS9UG/"
           "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
       "signature of Bad is not canonical standard base64"},
      {kText + "\n" + kPeterSig + "Unexpected line.\n",
       "note signature line 2 does not start with an em dash"},
      {kText + "\n" + "- PeterNeumann x08go/ZJku\n", "line 1 does not start with an em dash"},
      {kText + "\n" + "\xe2\x80\x94PeterNeumann x08go/ZJku\n", "does not start with an em dash"},
      {kText + "\n" + "\xe2\x80\x94 PeterNeumann\n", "no space between key name and signature"},
      {kText + "\n" + "\xe2\x80\x94  x08go/ZJku\n", "invalid key name \"\""},
      {kText + "\n" + "\xe2\x80\x94 a+b x08go/ZJku\n", "invalid key name \"a+b\""},
      {kText + "\n" +
           "\xe2\x80\x94 a\xc2\xa0"
           "b x08go/ZJku\n",
       "invalid key name"},
      {kText + "\n" + "\xe2\x80\x94 PeterNeumann \n", "signature of PeterNeumann has 0 bytes"},
      {kText + "\n" + "\xe2\x80\x94 PeterNeumann AAAAAA==\n",
       "signature of PeterNeumann has 4 bytes"},
      {kText + "\n" + "\xe2\x80\x94 PeterNeumann x08go/ZJkuB=\n", "not canonical"},
      {kText + "\n" + "\xe2\x80\x94 PeterNeumann AAAAAAB=\n", "not canonical"},  // pad bits set
      {kText + "\n" + "\xe2\x80\x94 PeterNeumann x08go/ZJ kuBS9\n", "not canonical"},
      {"a\r\nb\n\n" + kPeterSig, "control character 13 at byte 1"},
      {"a\tb\n\n" + kPeterSig, "control character 9"},
      {std::string("a\0b\n\n", 5) + kPeterSig, "control character 0"},
      {"a\xc0\xaf\n\n" + kPeterSig, "invalid UTF-8 at byte 1"},          // overlong '/'
      {"a\xed\xa0\x80\n\n" + kPeterSig, "invalid UTF-8 at byte 1"},      // surrogate
      {"a\xf4\x90\x80\x80\n\n" + kPeterSig, "invalid UTF-8 at byte 1"},  // above U+10FFFF
      {"a\xe2\x80\n\n" + kPeterSig, "invalid UTF-8 at byte 1"},          // truncated
  };
  for (const Case& c : cases) {
    auto note = ParseNote(c.message);
    ASSERT_FALSE(note.ok()) << c.message;
    ExpectError(note.status(), StatusCode::kInvalidArgument, c.error);
  }
}

TEST(NoteTest, OversizedNoteIsRefused) {
  std::string big(kMaxNoteSize, 'a');
  big[kMaxNoteSize - kPeterSig.size() - 2] = '\n';
  big.replace(kMaxNoteSize - kPeterSig.size() - 1, std::string::npos, "\n" + kPeterSig);
  ASSERT_EQ(big.size(), kMaxNoteSize);
  EXPECT_TRUE(ParseNote(big).ok());
  ExpectError(ParseNote("a" + big).status(), StatusCode::kInvalidArgument,
              "note has 1048577 bytes; at most 1048576");
}

TEST(NoteTest, TextKeepsItsOwnBlankLinesAndUnicode) {
  // The last blank line separates text and signatures; DEL and U+0085 are not ASCII controls.
  const std::string text =
      "Ognuno sta solo sul cuor della terra\n\ned \xc3\xa8 subito sera.\x7f\xc2\x85\n\n";
  NoteSignature sig = SignNoteEd25519(text, "PeterNeumann", kPeterSeed);
  std::string message = FormatNote(Note{text, {sig}});
  auto note = ParseNote(message);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, text);
  EXPECT_EQ(FormatNote(*note), message);
  EXPECT_TRUE(VerifyNote(*note, {Peter()}, nullptr).ok());
}

TEST(NoteTest, OnlyTheLastBlankLineSeparatesSignatures) {
  // A signature line before the last blank line is text, as the spec says.
  auto note = ParseNote(kText + "\n" + kPeterSig + "\n" + kPeterSig);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, kText + "\n" + kPeterSig);
  EXPECT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(VerifyNote(*note, {Peter()}, nullptr).code(), StatusCode::kCorruption);
}

TEST(NoteTest, SignaturesOfUnknownKeysRoundTripWhateverTheirLength) {
  Note note{"x\n", {{"a", 0x01020304, "\x05"}, {"b\xc3\xa8", 0xffffffff, std::string(3000, 'z')}}};
  std::string message = FormatNote(note);
  EXPECT_TRUE(message.starts_with("x\n\n\xe2\x80\x94 a AQIDBAU=\n"));
  auto parsed = ParseNote(message);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, note);
}

}  // namespace
}  // namespace tlog
