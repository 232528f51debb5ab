// The bounded line reader (ledger/line_reader.h): lines as std::getline splits
// them, over-long lines refused while they are read, and memory that does not grow with a line.
#include "ledger/line_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

namespace ledger {
namespace {

using Kind = LineReader::Kind;

// What the reader made of an input: each line's text, or "<too long>" for a refused one.
struct Seen {
  std::vector<uint64_t> numbers;
  std::vector<std::string> texts;
};

Seen ReadAll(const std::string& input, size_t max_line, size_t chunk) {
  std::istringstream in(input);
  LineReader reader(in, max_line, chunk);
  Seen seen;
  while (true) {
    LineReader::Next next = reader.Read();
    EXPECT_NE(next.kind, Kind::kError);
    if (next.kind == Kind::kEnd || next.kind == Kind::kError) break;
    seen.numbers.push_back(next.number);
    seen.texts.push_back(next.kind == Kind::kLine ? std::string(next.text) : "<too long>");
  }
  EXPECT_EQ(reader.bytes_consumed(), input.size());
  EXPECT_EQ(reader.Read().kind, Kind::kEnd) << "the end stays the end";
  return seen;
}

// The reference: std::getline's lines, each over `max_line` replaced by "<too long>".
std::vector<std::string> Reference(const std::string& input, size_t max_line) {
  std::istringstream in(input);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line.size() > max_line ? "<too long>" : line);
  return lines;
}

TEST(LineReaderTest, SplitsLikeGetline) {
  const std::string input = "first\r\n\nthird\n \nlast without newline";
  Seen seen = ReadAll(input, 100, 4);
  EXPECT_EQ(seen.texts,
            (std::vector<std::string>{"first\r", "", "third", " ", "last without newline"}));
  EXPECT_EQ(seen.numbers, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(ReadAll("", 10, 4).texts.empty());
  EXPECT_EQ(ReadAll("\n", 10, 4).texts, std::vector<std::string>{""});
}

TEST(LineReaderTest, ALineOfExactlyTheLimitIsKeptAndOneByteMoreIsRefused) {
  for (size_t chunk : {1, 3, 10, 11, 64}) {
    const std::string at_limit(10, 'a'), over(11, 'b');
    Seen seen = ReadAll(at_limit + "\n" + over + "\nc\n" + over, 10, chunk);
    EXPECT_EQ(seen.texts, (std::vector<std::string>{at_limit, "<too long>", "c", "<too long>"}))
        << "chunk " << chunk;
    EXPECT_EQ(seen.numbers, (std::vector<uint64_t>{1, 2, 3, 4})) << "chunk " << chunk;
  }
}

TEST(LineReaderTest, RandomInputsMatchTheReferenceForEveryChunkSize) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string input;
    const int lines = static_cast<int>(rng() % 12);
    for (int i = 0; i < lines; ++i) {
      input.append(rng() % 40, static_cast<char>('a' + i % 26));
      if (i + 1 < lines || rng() % 2 == 0) input += '\n';
    }
    const size_t max_line = 1 + rng() % 20;
    const size_t chunk = 1 + rng() % 50;
    EXPECT_EQ(ReadAll(input, max_line, chunk).texts, Reference(input, max_line))
        << "round " << round << " max_line " << max_line << " chunk " << chunk;
  }
}

// An input of `line_bytes` 'x' bytes with no newline, then "\n{}\n", made on the fly.
class LongLineBuf : public std::streambuf {
 public:
  explicit LongLineBuf(uint64_t line_bytes) : left_(line_bytes), block_(64 * 1024, 'x') {}

 protected:
  int_type underflow() override {
    if (left_ > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left_, block_.size()));
      left_ -= n;
      setg(block_.data(), block_.data(), block_.data() + n);
    } else if (!tail_done_) {
      tail_done_ = true;
      setg(tail_.data(), tail_.data(), tail_.data() + tail_.size());
    } else {
      return traits_type::eof();
    }
    return traits_type::to_int_type(*gptr());
  }

 private:
  uint64_t left_;
  std::string block_;
  std::string tail_ = "\n{}\n";
  bool tail_done_ = false;
};

// The memory bound: a 300 MB line without a newline is refused as soon as it passes the limit,
// the rest of it is skipped, the next line is read, and the reader never holds more than the
// limit plus one chunk.
TEST(LineReaderTest, A300MegabyteLineIsRefusedWithoutBeingHeld) {
  constexpr uint64_t kLineBytes = 300ull * 1000 * 1000;
  constexpr size_t kMaxLine = 1 << 20;
  LongLineBuf buf(kLineBytes);
  std::istream in(&buf);
  LineReader reader(in, kMaxLine);

  LineReader::Next first = reader.Read();
  EXPECT_EQ(first.kind, Kind::kTooLong);
  EXPECT_EQ(first.number, 1u);
  EXPECT_LE(reader.bytes_consumed(), kMaxLine + LineReader::kDefaultChunkBytes)
      << "refused once the limit was passed, not at the end of the line";

  LineReader::Next second = reader.Read();
  ASSERT_EQ(second.kind, Kind::kLine);
  EXPECT_EQ(second.number, 2u);
  EXPECT_EQ(second.text, "{}");
  EXPECT_EQ(reader.Read().kind, Kind::kEnd);
  EXPECT_EQ(reader.bytes_consumed(), kLineBytes + 4);
  EXPECT_LE(reader.buffer_capacity(), kMaxLine + LineReader::kDefaultChunkBytes);
}

// A stream that fails after some bytes.
class FailingBuf : public std::streambuf {
 protected:
  int_type underflow() override {
    if (served_) throw std::ios_base::failure("disk gone");
    served_ = true;
    setg(data_, data_, data_ + 4);
    return traits_type::to_int_type(*gptr());
  }

 private:
  char data_[4] = {'a', '\n', 'b', 'c'};
  bool served_ = false;
};

TEST(LineReaderTest, AReadErrorIsReportedAndStays) {
  FailingBuf buf;
  std::istream in(&buf);
  LineReader reader(in, 16, 2);
  LineReader::Next first = reader.Read();
  ASSERT_EQ(first.kind, Kind::kLine);
  EXPECT_EQ(first.text, "a");
  EXPECT_EQ(reader.Read().kind, Kind::kError);
  EXPECT_EQ(reader.Read().kind, Kind::kError);
}

}  // namespace
}  // namespace ledger
