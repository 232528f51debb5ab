// ParseDecimal: one accepted text per number, the whole uint64 range, and a message that names
// what is wrong without repeating the text.
#include "base/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace ledger {
namespace {

TEST(DecimalTest, AcceptsCanonicalNumbers) {
  const std::pair<const char*, uint64_t> cases[] = {
      {"0", 0},
      {"7", 7},
      {"10", 10},
      {"1234567890", 1234567890},
      {"18446744073709551615", UINT64_MAX},
  };
  for (const auto& [text, value] : cases) {
    auto r = ParseDecimal(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    EXPECT_EQ(*r, value) << text;
  }
}

void ExpectRefused(std::string_view text, const std::string& message) {
  auto r = ParseDecimal(text);
  ASSERT_FALSE(r.ok()) << "accepted \"" << text << "\"";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), message) << text;
}

TEST(DecimalTest, EmptyIsRefused) { ExpectRefused("", "decimal: empty"); }

TEST(DecimalTest, LeadingZerosAreRefused) {
  ExpectRefused("00", "decimal: leading zero");
  ExpectRefused("007", "decimal: leading zero");
  ExpectRefused("018446744073709551615", "decimal: leading zero");
}

TEST(DecimalTest, OneAboveTheMaximumIsRefused) {
  ExpectRefused("18446744073709551616", "decimal: above 18446744073709551615");
  ExpectRefused("99999999999999999999", "decimal: above 18446744073709551615");
  ExpectRefused("100000000000000000000", "decimal: above 18446744073709551615");
}

TEST(DecimalTest, SignsSpacesAndOtherBytesAreNamedWithTheirOffset) {
  ExpectRefused("+1", "decimal: '+' at offset 0 is not a digit");
  ExpectRefused("-1", "decimal: '-' at offset 0 is not a digit");
  ExpectRefused(" 1", "decimal: ' ' at offset 0 is not a digit");
  ExpectRefused("12 ", "decimal: ' ' at offset 2 is not a digit");
  ExpectRefused("0x10", "decimal: 'x' at offset 1 is not a digit");
  ExpectRefused("1e3", "decimal: 'e' at offset 1 is not a digit");
  ExpectRefused("1.0", "decimal: '.' at offset 1 is not a digit");
  ExpectRefused(std::string("12\0", 3), "decimal: \\x00 at offset 2 is not a digit");
  ExpectRefused("1\n", "decimal: \\x0a at offset 1 is not a digit");
  ExpectRefused("/", "decimal: '/' at offset 0 is not a digit");  // the byte before '0'
  ExpectRefused(":", "decimal: ':' at offset 0 is not a digit");  // the byte after '9'
}

}  // namespace
}  // namespace ledger
