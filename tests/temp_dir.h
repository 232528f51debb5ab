// A scratch directory for one test: the one helper every test that needs a directory uses.
#ifndef TESTS_TEMP_DIR_H_
#define TESTS_TEMP_DIR_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace ledger::testing {

// <root>/ledger-test-<pid>-<n>-<suite>.<test><suffix>: unique per process and object (n counts
// the objects made), so neither tests run by CTest in parallel nor two directories of one test
// ever share one; the names say whose a leftover directory was.
// Anything left at that path by an earlier run is removed first, and everything is removed on
// destruction. The directory itself exists only with Create::kYes (some callers need the path
// free, e.g. to create a ledger there).
class TempDir {
 public:
  static constexpr size_t kMaxNameBytes = 40;

  // kTmpfsIfWritable: /dev/shm when writable (RocksDB syncs every write; on tmpfs that costs
  // nothing and keeps the tests fast), else the system temporary directory.
  enum class Where { kTmp, kTmpfsIfWritable };
  enum class Create { kNo, kYes };

  explicit TempDir(std::string_view suffix = "", Where where = Where::kTmp,
                   Create create = Create::kNo) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::error_code ec;
    const bool tmpfs = where == Where::kTmpfsIfWritable &&
                       std::filesystem::is_directory("/dev/shm", ec) &&
                       ::access("/dev/shm", W_OK) == 0;
    const std::filesystem::path root =
        tmpfs ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    std::string test =
        info ? std::string(info->test_suite_name()) + "." + info->name() : std::string("suite");
    // Typed and parameterised tests have names such as "KvStoreTest/0.Get": one path component.
    for (char& c : test) {
      if (c == '/') c = '_';
    }
    // A Unix socket's path has at most 107 bytes (PostgreSQL's and NATS's sockets live in test
    // directories): the test's name is cut to leave room below it.
    if (test.size() > kMaxNameBytes) test.resize(kMaxNameBytes);
    static std::atomic<uint64_t> made{0};
    path_ = (root / ("ledger-test-" + std::to_string(::getpid()) + "-" + std::to_string(made++) +
                     "-" + test + std::string(suffix)))
                .string();
    std::filesystem::remove_all(path_, ec);
    if (create == Create::kYes) {
      std::filesystem::create_directories(path_, ec);
      EXPECT_FALSE(ec) << "cannot create " << path_ << ": " << ec.message();
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ledger::testing

#endif  // TESTS_TEMP_DIR_H_
