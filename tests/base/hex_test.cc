// Hex: lowercase out, either case in, and a refusal that points at the mistake.
#include "base/hex.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

namespace ledger {
namespace {

TEST(HexTest, EncodesEveryByteAsTwoLowercaseDigits) {
  EXPECT_EQ(HexEncode(std::string_view("")), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\x7f\x80\xfe\xff", 6)), "00017f80feff");
  const std::array<uint8_t, 3> bytes = {0xde, 0xad, 0x0b};
  EXPECT_EQ(HexEncode(bytes), "dead0b");
}

TEST(HexTest, EveryByteRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto back = HexDecode(HexEncode(all));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, all);
}

TEST(HexTest, DecodesUppercaseToo) {
  auto r = HexDecode("DeadBEEF");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::string("\xde\xad\xbe\xef", 4));
}

TEST(HexTest, OddLengthIsRefusedWithTheLength) {
  auto r = HexDecode("abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "hex: odd length 3 (two digits per byte)");
}

TEST(HexTest, BadDigitIsNamedWithItsOffset) {
  auto r = HexDecode("00aG11");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "hex: 'G' at offset 3 is not a hex digit");
  // The high nibble of a pair is checked as strictly as the low one.
  EXPECT_EQ(HexDecode("0g").status().message(), "hex: 'g' at offset 1 is not a hex digit");
  EXPECT_EQ(HexDecode("g0").status().message(), "hex: 'g' at offset 0 is not a hex digit");
}

TEST(HexTest, UnprintableBadDigitIsEscaped) {
  auto r = HexDecode(std::string("ab\n\x1b", 4));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "hex: \\x0a at offset 2 is not a hex digit");
  EXPECT_EQ(HexDecode(" 0").status().message(), "hex: ' ' at offset 0 is not a hex digit");
}

TEST(HexTest, IsLowerHexAcceptsOnlyTheCanonicalDigits) {
  EXPECT_TRUE(IsLowerHex("0123456789abcdef"));
  EXPECT_TRUE(IsLowerHex(""));
  EXPECT_FALSE(IsLowerHex("ABCDEF"));
  EXPECT_FALSE(IsLowerHex("0g"));
  EXPECT_FALSE(IsLowerHex("/"));  // the byte before '0'
  EXPECT_FALSE(IsLowerHex(":"));  // the byte after '9'
  EXPECT_FALSE(IsLowerHex("`"));  // the byte before 'a'
}

}  // namespace
}  // namespace ledger
