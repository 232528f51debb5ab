// Whole-file reading and atomic writing: the codes and messages a caller maps, the size limit,
// and a replacement that leaves no temporary file behind.
#include "base/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../temp_dir.h"

namespace ledger {
namespace {

namespace fs = std::filesystem;

TEST(FileTest, ReadFileReturnsEveryByte) {
  testing::TempDir dir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
  const std::string path = dir.path() + "/f";
  std::string bytes(100000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  std::ofstream(path, std::ios::binary) << bytes;
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, bytes);
}

TEST(FileTest, MissingFileIsNotFoundNamingThePath) {
  testing::TempDir dir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
  const std::string path = dir.path() + "/absent";
  auto read = ReadFile(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(read.status().message(), "open " + path + ": No such file or directory");
}

TEST(FileTest, ADirectoryIsAnIOError) {
  testing::TempDir dir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
  auto read = ReadFile(dir.path());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kIOError);
  EXPECT_EQ(read.status().message(), "read " + dir.path() + ": Is a directory");
}

TEST(FileTest, ReadSmallFileRefusesOneByteOverTheLimit) {
  testing::TempDir dir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
  const std::string path = dir.path() + "/f";
  std::ofstream(path, std::ios::binary) << std::string(10, 'x');
  auto exact = ReadSmallFile(path, 10);
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  EXPECT_EQ(*exact, std::string(10, 'x'));
  auto over = ReadSmallFile(path, 9);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(over.status().message(), path + " is larger than 9 bytes: not a file the ledger wrote");
}

TEST(FileTest, WriteFileAtomicCreatesReplacesAndLeavesNoTemporary) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/sub/f";  // neither directory exists yet
  ASSERT_TRUE(WriteFileAtomic(path, "first").ok());
  EXPECT_EQ(ReadFile(path).value(), "first");
  ASSERT_TRUE(WriteFileAtomic(path, "second, longer").ok());
  EXPECT_EQ(ReadFile(path).value(), "second, longer");
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path() + "/sub")) {
    ++files;
    EXPECT_EQ(e.path().filename(), "f");
  }
  EXPECT_EQ(files, 1u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u) << "default mode 0600 leaves group and others nothing";
}

TEST(FileTest, WriteFileAtomicUnderAFileIsAnIOError) {
  testing::TempDir dir("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
  const std::string blocker = dir.path() + "/blocker";
  ASSERT_TRUE(WriteFileAtomic(blocker, "x").ok());
  Status s = WriteFileAtomic(blocker + "/f", "y");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find(blocker), std::string::npos) << s.message();
  EXPECT_EQ(ReadFile(blocker).value(), "x");
}

}  // namespace
}  // namespace ledger
