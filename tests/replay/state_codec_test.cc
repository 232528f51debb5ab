#include "replay/state_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace ledger::replay {
namespace {

TEST(StateCodecTest, RoundTripsEveryKind) {
  StateWriter w;
  w.PutU8(0xab);
  w.PutBool(true);
  w.PutBool(false);
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{16383},
                     uint64_t{16384}, std::numeric_limits<uint64_t>::max()}) {
    w.PutUvarint(v);
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{64},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    w.PutSvarint(v);
  }
  w.PutBytes(std::string("a\0b", 3));
  w.PutBytes("");

  StateReader r(w.data());
  uint8_t u8 = 0;
  bool b1 = false, b2 = true;
  ASSERT_TRUE(r.GetU8(&u8));
  EXPECT_EQ(u8, 0xab);
  ASSERT_TRUE(r.GetBool(&b1));
  ASSERT_TRUE(r.GetBool(&b2));
  EXPECT_TRUE(b1);
  EXPECT_FALSE(b2);
  for (uint64_t want : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{16383},
                        uint64_t{16384}, std::numeric_limits<uint64_t>::max()}) {
    uint64_t v = 0;
    ASSERT_TRUE(r.GetUvarint(&v));
    EXPECT_EQ(v, want);
  }
  for (int64_t want : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{64},
                       std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    int64_t v = 7;
    ASSERT_TRUE(r.GetSvarint(&v));
    EXPECT_EQ(v, want);
  }
  std::string s;
  ASSERT_TRUE(r.GetBytes(&s));
  EXPECT_EQ(s, std::string("a\0b", 3));
  ASSERT_TRUE(r.GetBytes(&s));
  EXPECT_EQ(s, "");
  EXPECT_TRUE(r.Finish("test").ok());
}

TEST(StateCodecTest, VarintsHaveKnownBytes) {
  StateWriter w;
  w.PutUvarint(300);  // 0b1_0010_1100 -> 0xac 0x02
  w.PutSvarint(-2);   // zigzag 3
  w.PutSvarint(2);    // zigzag 4
  EXPECT_EQ(w.data(), std::string("\xac\x02\x03\x04", 4));
}

TEST(StateCodecTest, NonMinimalVarintIsCorruption) {
  const std::string zero_in_two_bytes("\x80\x00", 2);
  StateReader r(zero_in_two_bytes);
  uint64_t v = 0;
  EXPECT_FALSE(r.GetUvarint(&v));
  EXPECT_EQ(r.Finish("x").code(), StatusCode::kCorruption);
}

TEST(StateCodecTest, OverlongVarintIsCorruption) {
  const std::string eleven_bytes = std::string(10, '\xff') + "\x01";
  StateReader r(eleven_bytes);
  uint64_t v = 0;
  EXPECT_FALSE(r.GetUvarint(&v));
  // Ten bytes whose last carries more than the top bit of 64.
  const std::string too_big = std::string(9, '\xff') + "\x02";
  StateReader r2(too_big);
  EXPECT_FALSE(r2.GetUvarint(&v));
}

TEST(StateCodecTest, TruncatedInputIsCorruption) {
  StateWriter w;
  w.PutBytes("hello");
  std::string bytes = w.data().substr(0, 4);
  StateReader r(bytes);
  std::string s = "unchanged";
  EXPECT_FALSE(r.GetBytes(&s));
  EXPECT_EQ(s, "unchanged");
  EXPECT_EQ(r.Finish("x").code(), StatusCode::kCorruption);
}

TEST(StateCodecTest, AFailedReadFailsEveryLaterRead) {
  const std::string bytes("\x02\x01", 2);
  StateReader r(bytes);
  bool b = false;
  EXPECT_FALSE(r.GetBool(&b));  // 2 is not a bool
  uint8_t u = 0;
  EXPECT_FALSE(r.GetU8(&u));
  EXPECT_TRUE(r.failed());
}

TEST(StateCodecTest, TrailingBytesAreCorruption) {
  const std::string bytes("\x01\x01", 2);
  StateReader r(bytes);
  bool b = false;
  ASSERT_TRUE(r.GetBool(&b));
  Status s = r.Finish("state");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("1 unexpected bytes"), std::string::npos) << s.ToString();
}

TEST(StateCodecTest, CountCannotExceedTheBytesLeft) {
  StateWriter w;
  w.PutUvarint(1000000);
  w.PutU8(1);
  StateReader r(w.data());
  uint64_t n = 0;
  EXPECT_FALSE(r.GetCount(&n));
}

TEST(StateCodecTest, NarrowReadsRefuseValuesThatDoNotFit) {
  StateWriter w;
  w.PutUvarint(uint64_t{1} << 32);
  StateReader r(w.data());
  uint32_t v = 0;
  EXPECT_FALSE(r.GetU32(&v));

  StateWriter w2;
  w2.PutSvarint(int64_t{1} << 40);
  StateReader r2(w2.data());
  int32_t i = 0;
  EXPECT_FALSE(r2.GetI32(&i));
}

}  // namespace
}  // namespace ledger::replay
