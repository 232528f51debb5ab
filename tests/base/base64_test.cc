// Base64: RFC 4648 test vectors, and a strict decoder that accepts exactly one text per byte
// string and says what is wrong with any other.
#include "base/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace ledger {
namespace {

// RFC 4648 section 10.
TEST(Base64Test, EncodesTheRfcVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff", 2)), "+/8=");
}

TEST(Base64Test, EveryLengthAndByteRoundTrips) {
  std::string bytes;
  for (int n = 0; n < 300; ++n) {
    auto back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok()) << n << ": " << back.status().ToString();
    ASSERT_EQ(*back, bytes);
    bytes.push_back(static_cast<char>(n * 37 + 11));
  }
}

void ExpectRefused(std::string_view text, const std::string& message) {
  auto r = Base64Decode(text);
  ASSERT_FALSE(r.ok()) << "accepted \"" << text << "\"";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), message) << text;
}

TEST(Base64Test, MissingPaddingIsALengthError) {
  ExpectRefused("Zg", "base64: length 2 is not a multiple of 4");
  ExpectRefused("Zm8", "base64: length 3 is not a multiple of 4");
  ExpectRefused("Zm9vY", "base64: length 5 is not a multiple of 4");
}

TEST(Base64Test, PaddingOutOfPlaceIsNamed) {
  ExpectRefused("Z===", "base64: padding '=' out of place at offset 1");
  ExpectRefused("====", "base64: padding '=' out of place at offset 0");
  ExpectRefused("Zg==Zg==", "base64: padding '=' out of place at offset 2");
  ExpectRefused("Z=g=", "base64: padding '=' out of place at offset 1");
}

TEST(Base64Test, CharactersOutsideTheAlphabetAreNamedWithTheirOffset) {
  ExpectRefused("Zm9v YmFy", "base64: length 9 is not a multiple of 4");
  ExpectRefused("Zm9vY-Fy", "base64: '-' at offset 5 is not in the alphabet");
  ExpectRefused("Zm9vY_Fy", "base64: '_' at offset 5 is not in the alphabet");
  ExpectRefused("Zm9\nYmFy", "base64: \\x0a at offset 3 is not in the alphabet");
}

TEST(Base64Test, NonZeroUnusedBitsAreRefused) {
  // "Zh==" and "Zm9=" decode to the same bytes as "Zg==" and "Zm8=" in a lax decoder.
  ExpectRefused("Zh==", "base64: non-zero unused bits in the last character, at offset 1");
  ExpectRefused("Zm9=", "base64: non-zero unused bits in the last character, at offset 2");
  auto ok = Base64Decode("Zg==");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "f");
}

}  // namespace
}  // namespace ledger
