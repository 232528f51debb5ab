// SHA-256: the FIPS 180-4 / NIST example vectors through every entry point, and an incremental
// hasher that gives the one-shot digest however the input is split.
#include "base/sha256.h"

#include <gtest/gtest.h>

#include <string>

#include "base/hex.h"

namespace ledger {
namespace {

constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kTwoBlocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr char kTwoBlocksDigest[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr char kMillionA[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(HexEncode(Sha256("")), kEmpty);
  EXPECT_EQ(HexEncode(Sha256("abc")), kAbc);
  EXPECT_EQ(HexEncode(Sha256(kTwoBlocks)), kTwoBlocksDigest);
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), kMillionA);
  EXPECT_EQ(Sha256Hex("abc"), kAbc);
}

TEST(Sha256Test, HasherMatchesOneShotHoweverTheInputIsSplit) {
  const std::string text(kTwoBlocks);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Sha256Hasher h;
    h.Update(std::string_view(text).substr(0, cut)).Update(std::string_view(text).substr(cut));
    EXPECT_EQ(HexEncode(h.Finish()), kTwoBlocksDigest) << "cut at " << cut;
  }
  Sha256Hasher million;
  for (int i = 0; i < 1000; ++i) million.Update(std::string(1000, 'a'));
  EXPECT_EQ(HexEncode(million.Finish()), kMillionA);
  EXPECT_EQ(HexEncode(Sha256Hasher().Finish()), kEmpty);
}

TEST(Sha256Test, ACopiedHasherContinuesIndependently) {
  Sha256Hasher a;
  a.Update("ab");
  Sha256Hasher b = a;
  a.Update("c");
  b.Update("d");
  EXPECT_EQ(HexEncode(a.Finish()), kAbc);
  EXPECT_EQ(b.Finish(), Sha256("abd"));
}

TEST(Sha256Test, PartsHashTheirConcatenation) {
  EXPECT_EQ(HexEncode(Sha256Parts({"a", "", "bc"})), kAbc);
  EXPECT_EQ(Sha256Parts({}), Sha256(""));
  // The boundary between parts is not hashed: only the bytes are.
  EXPECT_EQ(Sha256Parts({"ab", "c"}), Sha256Parts({"a", "bc"}));
  EXPECT_NE(Sha256Parts({"ab", "c"}), Sha256("abd"));
}

TEST(Sha256Test, DigestBytesAreTheRawDigest) {
  const std::string raw = DigestBytes(Sha256("abc"));
  ASSERT_EQ(raw.size(), 32u);
  EXPECT_EQ(HexEncode(raw), kAbc);
}

}  // namespace
}  // namespace ledger
