// End-to-end tests of the `ledger` binary: each test runs the real executable in its own temporary
// directory and checks exit codes (docs/cli.md, cli/cli_common.h), result lines and messages.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "../ledger/test_events.h"
#include "../temp_dir.h"
#include "cli_runner.h"
#include "ledger/key_admin.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using testing::PhaseEntered;

constexpr char kOrigin[] = "test.example/ledger";
constexpr char kPersonName[] = "Kari Nordmann";
constexpr char kNationalId[] = "15818912345";

// test_events.h's case.opened (plain personal values, the input form of `ledger append`) with
// the person's name as given. The name and national id are set here on purpose: tests check
// that exactly these values never appear in the output.
json CaseOpened(const std::string& subject, const std::string& name = kPersonName) {
  json j = testing::CaseOpened(subject);
  j["personal"]["name"] = name;
  j["personal"]["national_id"] = kNationalId;
  return j;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
    data_ = (dir_ / "data").string();
    keys_ = (dir_ / "keys").string();
  }

  // Runs the binary with `args` in the test directory; stdin is `stdin_path` or /dev/null.
  // The environment is the test's, without LEDGER_DATA and LEDGER_KEYS.
  RunResult Run(const std::vector<std::string>& args, const std::string& stdin_path = "") {
    RunFiles files;
    if (!stdin_path.empty()) files.stdin_path = stdin_path;
    files.stdout_path = dir_ / ".stdout";
    files.stderr_path = dir_ / ".stderr";
    return RunLedger(dir_, args, files, Subcommand(args));
  }

  // Writes `lines` (one per line, as given) to a file in the test directory; returns its path.
  std::string WriteLines(const std::string& name, const std::vector<std::string>& lines) {
    fs::path path = dir_ / name;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    for (const auto& l : lines) f << l << '\n';
    return path.string();
  }

  // `ledger init` into data_ and keys_; fails the test unless it succeeds.
  void InitLedger() {
    RunResult r = Run({"init", "--data", data_, "--keys", keys_, "--origin", kOrigin});
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  }

  std::string AdminKey() const { return keys_ + "/admin.key"; }

  // keygen + keys add: a key with `role` registered by the admin. Returns its private key file;
  // *key_id gets its 8-hex id.
  std::string AddKey(const std::string& name, const std::string& role, std::string* key_id) {
    std::string path = (dir_ / (name + ".key")).string();
    RunResult gen = Run({"keygen", "--name", name, "--out", path});
    EXPECT_EQ(gen.exit_code, kExitOk) << Describe(gen);
    // The verifier key is "<name>+<8-hex id>+<base64>".
    EXPECT_EQ(gen.out.rfind(name + "+", 0), 0u) << Describe(gen);
    *key_id = gen.out.substr(name.size() + 1, 8);
    RunResult add = Run({"keys", "add", "--data", data_, "--key", AdminKey(), "--vkey",
                         path + ".pub", "--role", role});
    EXPECT_EQ(add.exit_code, kExitOk) << Describe(add);
    EXPECT_NE(add.out.find("registered " + *key_id + " (" + name + ") as " + role),
              std::string::npos)
        << Describe(add);
    return path;
  }

  // init + a registered caseworker key; returns the caseworker's key file.
  std::string InitWithCaseworker() {
    InitLedger();
    std::string id;
    return AddKey("cw", "caseworker", &id);
  }

  json Stats(const std::string& data) {
    RunResult r = Run({"stats", "--data", data, "--format", "json"});
    EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
    json j = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << Describe(r);
    return j.is_object() ? j : json::object();
  }
  uint64_t Entries() { return Stats(data_).value("entries", uint64_t{0}); }

  RunResult Append(const std::string& key, const std::string& input,
                   const std::vector<std::string>& extra = {}) {
    // The vault's master key is found in the key directory that init filled.
    std::vector<std::string> args = {"append", "--data", data_,     "--keys", keys_,
                                     "--key",  key,      "--input", input};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  // Writes all of `bytes` to `fd`; false if the reader has gone.
  static bool WriteAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // `ledger append` with the key, reading standard input from a pipe that `feed` writes to (so
  // that no input file is stored); *peak_rss_kib gets the process's peak resident memory.
  RunResult AppendFromPipe(const std::string& key, const std::function<bool(int)>& feed,
                           long* peak_rss_kib) {
    RunResult r;
    const fs::path fifo = dir_ / ".stdin.fifo";
    std::error_code ec;
    fs::remove(fifo, ec);
    if (::mkfifo(fifo.c_str(), 0600) != 0) {
      ADD_FAILURE() << "mkfifo " << fifo;
      return r;
    }
    ::signal(SIGPIPE, SIG_IGN);  // a child that stops reading must fail the test, not kill it
    RunFiles files;
    files.stdin_path = fifo;
    files.stdout_path = dir_ / ".stdout";
    files.stderr_path = dir_ / ".stderr";
    pid_t pid = SpawnLedger(
        dir_, {"append", "--data", data_, "--keys", keys_, "--key", key, "--input", "-"}, files);
    if (pid < 0) return r;
    int fd = ::open(fifo.c_str(), O_WRONLY);  // waits until the child opens it
    EXPECT_GE(fd, 0) << "open " << fifo;
    if (fd >= 0) {
      EXPECT_TRUE(feed(fd)) << "the child stopped reading its input";
      ::close(fd);
    }
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0) {
      if (errno != EINTR) {
        ADD_FAILURE() << "wait4 failed";
        return r;
      }
    }
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    *peak_rss_kib = usage.ru_maxrss;
    r.out = ReadWholeFile(files.stdout_path);
    r.err = ReadWholeFile(files.stderr_path);
    fs::remove(fifo, ec);
    return r;
  }

  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
  std::string data_;
  std::string keys_;
};

// --- init ------------------------------------------------------------------------------------

TEST_F(CliTest, InitCreatesALedgerAndKeyFilesOnlyTheOwnerCanRead) {
  RunResult r = Run({"init", "--data", data_, "--keys", keys_, "--origin", kOrigin});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_NE(r.out.find(std::string("created ledger ") + kOrigin), std::string::npos) << Describe(r);

  for (const char* name : {"ledger.key", "admin.key"}) {
    fs::path key = fs::path(keys_) / name;
    ASSERT_TRUE(fs::is_regular_file(key)) << key;
    EXPECT_EQ(fs::status(key).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << key << " must be mode 0600";
    fs::path pub = key.string() + ".pub";
    ASSERT_TRUE(fs::is_regular_file(pub)) << pub;
  }
  EXPECT_EQ(ReadWholeFile(fs::path(keys_) / "ledger.key.pub").rfind(std::string(kOrigin) + "+", 0),
            0u);
  EXPECT_EQ(ReadWholeFile(fs::path(keys_) / "admin.key.pub").rfind("admin+", 0), 0u);

  // The new ledger holds exactly the first admin's self-signed key.registered.
  json stats = Stats(data_);
  EXPECT_EQ(stats["origin"], kOrigin);
  EXPECT_EQ(stats["entries"], 1);
  EXPECT_EQ(stats["keys"], 1);
  EXPECT_EQ(stats["events_by_type"], json({{"key.registered", 1}}));
}

TEST_F(CliTest, InitRefusesADirectoryThatAlreadyHoldsALedger) {
  InitLedger();
  const std::string other_keys = (dir_ / "keys2").string();
  RunResult again = Run({"init", "--data", data_, "--keys", other_keys, "--origin", kOrigin});
  EXPECT_EQ(again.exit_code, kExitPrecondition) << Describe(again);
  EXPECT_NE(again.err.find("a ledger already exists in " + data_), std::string::npos)
      << Describe(again);
  // No key files were written for a ledger that was not created, and the old one is untouched.
  EXPECT_FALSE(fs::exists(fs::path(other_keys) / "ledger.key"));
  EXPECT_FALSE(fs::exists(fs::path(other_keys) / "admin.key"));
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(CliTest, InitRefusesToOverwriteAnExistingKeyFile) {
  InitLedger();
  const std::string ledger_key_before = ReadWholeFile(fs::path(keys_) / "ledger.key");
  const std::string other_data = (dir_ / "data2").string();
  RunResult r = Run({"init", "--data", other_data, "--keys", keys_, "--origin", kOrigin});
  EXPECT_EQ(r.exit_code, kExitPrecondition) << Describe(r);
  EXPECT_NE(r.err.find("key file " + keys_ + "/ledger.key already exists"), std::string::npos)
      << Describe(r);
  EXPECT_EQ(ReadWholeFile(fs::path(keys_) / "ledger.key"), ledger_key_before);
  // Refused before anything was created.
  RunResult stats = Run({"stats", "--data", other_data});
  EXPECT_EQ(stats.exit_code, kExitNotFound) << Describe(stats);
}

// --- keys ------------------------------------------------------------------------------------

TEST_F(CliTest, RevokedKeyIsListedAsRevokedAndItsAppendsAreRefused) {
  InitLedger();
  std::string key_id;
  std::string cw = AddKey("cw", "caseworker", &key_id);
  ASSERT_EQ(key_id.size(), 8u);

  auto find_key = [&](const std::string& list_out) -> json {
    for (const json& k : JsonLines(list_out)) {
      if (k.value("key_id", "") == key_id) return k;
    }
    return json();
  };

  RunResult list = Run({"keys", "list", "--data", data_, "--format", "json"});
  ASSERT_EQ(list.exit_code, kExitOk) << Describe(list);
  EXPECT_EQ(JsonLines(list.out).size(), 2u) << Describe(list);  // admin and cw
  json k = find_key(list.out);
  ASSERT_TRUE(k.is_object()) << Describe(list);
  EXPECT_EQ(k["name"], "cw");
  EXPECT_EQ(k["role"], "caseworker");
  EXPECT_EQ(k["revoked"], false);
  EXPECT_FALSE(k.contains("revoked_at"));

  // The key can append before it is revoked.
  RunResult ok = Append(cw, WriteLines("one.jsonl", {CaseOpened("y0001").dump()}));
  ASSERT_EQ(ok.exit_code, kExitOk) << Describe(ok);

  RunResult revoke =
      Run({"keys", "revoke", "--data", data_, "--key", AdminKey(), "--key-id", key_id});
  ASSERT_EQ(revoke.exit_code, kExitOk) << Describe(revoke);
  EXPECT_NE(revoke.out.find("revoked " + key_id), std::string::npos) << Describe(revoke);

  list = Run({"keys", "list", "--data", data_, "--format", "json"});
  ASSERT_EQ(list.exit_code, kExitOk) << Describe(list);
  k = find_key(list.out);
  ASSERT_TRUE(k.is_object()) << Describe(list);
  EXPECT_EQ(k["revoked"], true);
  EXPECT_TRUE(k.contains("revoked_at"));

  const uint64_t before = Entries();
  RunResult refused = Append(cw, WriteLines("two.jsonl", {CaseOpened("y0002").dump()}));
  EXPECT_EQ(refused.exit_code, kExitRefused) << Describe(refused);
  std::vector<json> results = JsonLines(refused.out);
  ASSERT_EQ(results.size(), 1u) << Describe(refused);
  EXPECT_EQ(results[0]["ok"], false);
  EXPECT_EQ(results[0]["error"], "PermissionDenied");
  const std::string message = results[0].value("message", "");
  EXPECT_EQ(message.rfind("line 1: ", 0), 0u) << message;
  EXPECT_NE(message.find("revoked"), std::string::npos) << message;
  EXPECT_EQ(Entries(), before);
}

// --- append ----------------------------------------------------------------------------------

// Line 1 valid, line 2 malformed JSON, line 3 an unknown field in data, line 4 valid.
std::vector<std::string> MixedInput() {
  json unknown_field = PhaseEntered("y0001", "intake");
  unknown_field["data"]["colour"] = "red";
  return {CaseOpened("y0001").dump(), R"({"id": "broken", )", unknown_field.dump(),
          PhaseEntered("y0001", "intake").dump()};
}

TEST_F(CliTest, AppendNamesTheLineAndFieldOfEachRefusal) {
  std::string cw = InitWithCaseworker();
  const uint64_t before = Entries();
  RunResult r = Append(cw, WriteLines("mixed.jsonl", MixedInput()));
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 4u) << Describe(r);
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i]["line"], i + 1);

  EXPECT_EQ(results[0]["ok"], true) << results[0];
  EXPECT_EQ(results[3]["ok"], true) << results[3];
  EXPECT_EQ(results[0]["duplicate"], false);
  EXPECT_EQ(results[3]["duplicate"], false);
  EXPECT_EQ(results[0]["seq"], before);
  EXPECT_EQ(results[3]["seq"], before + 1);
  EXPECT_EQ(results[0]["version"], 0);
  EXPECT_EQ(results[3]["version"], 1);

  EXPECT_EQ(results[1]["ok"], false);
  EXPECT_EQ(results[1]["error"], "InvalidArgument");
  EXPECT_EQ(results[1]["message"],
            "line 2, column 18: malformed JSON: unexpected end of input; expected string literal");
  EXPECT_EQ(results[2]["ok"], false);
  EXPECT_EQ(results[2]["error"], "InvalidArgument");
  EXPECT_EQ(results[2]["message"], "line 3: data.colour: unknown field");

  EXPECT_NE(r.err.find("appended 2, duplicates 0, refused 2"), std::string::npos) << Describe(r);
  EXPECT_EQ(Entries(), before + 2);
}

// Regression: re-appending an input line with plain `personal` values once drew fresh random
// salts, so a retry was refused as a Conflict instead of reported as a duplicate.
TEST_F(CliTest, AppendingTheSameFileAgainReportsDuplicatesAtTheSamePositions) {
  std::string cw = InitWithCaseworker();
  const std::string input = WriteLines("mixed.jsonl", MixedInput());
  RunResult first = Append(cw, input);
  ASSERT_EQ(first.exit_code, kExitRefused) << Describe(first);
  std::vector<json> a = JsonLines(first.out);
  ASSERT_EQ(a.size(), 4u) << Describe(first);
  const uint64_t after_first = Entries();

  RunResult second = Append(cw, input);
  EXPECT_EQ(second.exit_code, kExitRefused) << Describe(second);  // lines 2 and 3 again
  std::vector<json> b = JsonLines(second.out);
  ASSERT_EQ(b.size(), 4u) << Describe(second);
  for (size_t i : {size_t{0}, size_t{3}}) {
    EXPECT_EQ(b[i]["ok"], true) << "line " << i + 1 << ": " << b[i];
    EXPECT_EQ(b[i]["duplicate"], true) << "line " << i + 1 << ": " << b[i];
    EXPECT_EQ(b[i]["seq"], a[i]["seq"]) << "line " << i + 1;
    EXPECT_EQ(b[i]["version"], a[i]["version"]) << "line " << i + 1;
  }
  EXPECT_EQ(b[1]["message"],
            "line 2, column 18: malformed JSON: unexpected end of input; expected string literal");
  EXPECT_EQ(b[2]["message"], "line 3: data.colour: unknown field");
  EXPECT_EQ(Entries(), after_first) << "a repeated append must add nothing";
}

TEST_F(CliTest, AtomicAppendWithABadLineAppendsNothingAndNamesTheLine) {
  std::string cw = InitWithCaseworker();
  const uint64_t before = Entries();

  // Refused while reading: line 3 (line 2 is blank and still counts) has a bad enum value.
  RunResult r = Append(cw,
                       WriteLines("bad_value.jsonl", {CaseOpened("y0001").dump(), "",
                                                      PhaseEntered("y0001", "bogus").dump()}),
                       {"--atomic"});
  EXPECT_NE(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 1u) << Describe(r);
  EXPECT_EQ(results[0]["ok"], false);
  EXPECT_EQ(results[0]["line"], 3);
  std::string message = results[0].value("message", "");
  EXPECT_EQ(message.rfind("line 3: ", 0), 0u) << message;
  EXPECT_NE(message.find("data.phase"), std::string::npos) << message;
  EXPECT_NE(message.find("nothing appended"), std::string::npos) << message;
  EXPECT_EQ(Entries(), before);

  // Refused by the ledger: line 2 starts a stream without case.opened, after a valid line 1.
  r = Append(cw,
             WriteLines("bad_order.jsonl",
                        {CaseOpened("y0001").dump(), PhaseEntered("y0002", "intake").dump()}),
             {"--atomic"});
  EXPECT_NE(r.exit_code, kExitOk) << Describe(r);
  results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 1u) << Describe(r);
  EXPECT_EQ(results[0]["ok"], false);
  EXPECT_EQ(results[0]["line"], 2);
  message = results[0].value("message", "");
  EXPECT_EQ(message.rfind("line 2: ", 0), 0u) << message;
  EXPECT_NE(message.find("must be case.opened"), std::string::npos) << message;
  EXPECT_NE(message.find("nothing was appended"), std::string::npos) << message;
  EXPECT_EQ(Entries(), before);
  RunResult read = Run({"read", "--data", data_, "--stream", "case/y0001"});
  EXPECT_EQ(read.exit_code, kExitNotFound) << "line 1 must not have been appended\n"
                                           << Describe(read);

  // The same batch without the bad line goes in whole.
  r = Append(cw,
             WriteLines("good.jsonl",
                        {CaseOpened("y0001").dump(), PhaseEntered("y0001", "intake").dump()}),
             {"--atomic"});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_EQ(JsonLines(r.out).size(), 2u) << Describe(r);
  EXPECT_EQ(Entries(), before + 2);
}

// --- append: strict input --------------------------------------------------------------------

// `event`'s JSON text with `from` (which occurs once in it) replaced by `to`; *column gets the
// 1-based column of the replacement plus `offset`.
std::string LineWith(const json& event, const std::string& from, const std::string& to,
                     size_t offset, size_t* column) {
  std::string text = event.dump();
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return text;
  text.replace(at, from.size(), to);
  *column = at + offset + 1;
  return text;
}

std::string LineColumn(size_t line, size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
}

// Regression: a NUL byte ended the line for the JSON parser and the rest was ignored, so a valid
// event followed by NUL and anything at all was appended.
TEST_F(CliTest, AppendRefusesANulByteNamingLineAndColumn) {
  std::string cw = InitWithCaseworker();
  const uint64_t before = Entries();
  size_t c1 = 0;
  const std::string in_value =
      LineWith(CaseOpened("y0001"), "\"caseworker\"", std::string("\"case\0worker\"", 13), 5, &c1);
  const std::string event = CaseOpened("y0002").dump();
  const std::string after_event = event + std::string("\0{\"more\": 1}", 12);
  RunResult r =
      Append(cw, WriteLines("nul.jsonl", {in_value, after_event, CaseOpened("y0003").dump()}));
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 3u) << Describe(r);
  EXPECT_EQ(results[0]["ok"], false);
  EXPECT_EQ(results[0]["error"], "InvalidArgument");
  EXPECT_EQ(results[0]["message"], LineColumn(1, c1) + "actor.role: NUL byte");
  EXPECT_EQ(results[1]["ok"], false);
  EXPECT_EQ(results[1]["message"], LineColumn(2, event.size() + 1) + "NUL byte");
  EXPECT_EQ(results[2]["ok"], true) << results[2];
  EXPECT_EQ(results[2]["line"], 3);
  EXPECT_EQ(Entries(), before + 1);
  for (const char* stream : {"case/y0001", "case/y0002"}) {
    RunResult read = Run({"read", "--data", data_, "--stream", stream});
    EXPECT_EQ(read.exit_code, kExitNotFound) << stream << "\n" << Describe(read);
  }
}

// Regression: the last of two equal keys won, so "role":"service","role":"caseworker" was
// signed and stored as caseworker.
TEST_F(CliTest, AppendRefusesDuplicateKeysNamingTheField) {
  std::string cw = InitWithCaseworker();
  const uint64_t before = Entries();
  size_t c1 = 0, c2 = 0;
  const std::string nested = LineWith(CaseOpened("y0001"), "\"role\":\"caseworker\"",
                                      "\"role\":\"service\",\"role\":\"caseworker\"", 17, &c1);
  const json event = CaseOpened("y0002");
  const std::string id = event["id"].get<std::string>();
  const std::string top = LineWith(event, "\"id\":\"" + id + "\"",
                                   "\"id\":\"" + id + "\",\"id\":\"" + id + "\"", 44, &c2);
  RunResult r = Append(cw, WriteLines("dup.jsonl", {nested, top, CaseOpened("y0003").dump()}));
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 3u) << Describe(r);
  EXPECT_EQ(results[0]["error"], "InvalidArgument");
  EXPECT_EQ(results[0]["message"], LineColumn(1, c1) + "actor.role: duplicate key");
  EXPECT_EQ(results[1]["message"], LineColumn(2, c2) + "id: duplicate key");
  EXPECT_EQ(results[2]["ok"], true) << results[2];
  EXPECT_EQ(Entries(), before + 1);
}

// Each of these was "malformed JSON" with no place; each names its line and column now.
TEST_F(CliTest, AppendNamesTheLineAndColumnOfMalformedJson) {
  std::string cw = InitWithCaseworker();
  const uint64_t before = Entries();
  const json event = CaseOpened("y0001");
  std::vector<std::string> lines;
  std::vector<std::string> messages;
  size_t c = 0;
  lines.push_back(LineWith(event, "\"cw-001\"", "\"\\ud800\"", 1, &c));
  messages.push_back(LineColumn(1, c) +
                     "actor.id: malformed JSON: invalid string: surrogate U+D800..U+DBFF must "
                     "be followed by U+DC00..U+DFFF");
  lines.push_back(LineWith(event, "\"age_at_intake\":19",
                           "\"age_at_intake\":" + std::string(400, '7'), 16, &c));
  messages.push_back(LineColumn(2, c) + "data.age_at_intake: number longer than 40 characters");
  lines.push_back(LineWith(event, "\"drammen-ung\"", "\"drammen\xff-ung\"", 8, &c));
  messages.push_back(LineColumn(3, c) +
                     "data.office: malformed JSON: invalid string: ill-formed UTF-8 byte");
  lines.push_back(LineWith(event, "\"sex\":\"female\"}", "\"sex\":\"female\",}", 14, &c));
  messages.push_back(LineColumn(4, c) + "data: malformed JSON: trailing comma before '}'");
  lines.push_back(std::string(10000, '['));
  messages.push_back(LineColumn(5, 65) + "nesting deeper than 64 levels");
  lines.push_back(event.dump());

  RunResult r = Append(cw, WriteLines("malformed.jsonl", lines));
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), lines.size()) << Describe(r);
  for (size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(results[i]["line"], i + 1);
    EXPECT_EQ(results[i]["ok"], false) << results[i];
    EXPECT_EQ(results[i]["error"], "InvalidArgument") << results[i];
    EXPECT_EQ(results[i]["message"], messages[i]);
  }
  EXPECT_EQ(results.back()["ok"], true) << results.back();
  EXPECT_NE(r.err.find("appended 1, duplicates 0, refused 5"), std::string::npos) << Describe(r);
  EXPECT_EQ(Entries(), before + 1);
}

constexpr char kTooLong[] =
    "column 1048577: line longer than 1 MiB (1048576 bytes); the rest of it was skipped";

// A line over 1 MiB is refused once 1 MiB of it has been read; the rest of it is skipped and
// the lines after it are appended, in input order.
TEST_F(CliTest, AppendRefusesAnOverLongLineAndGoesOn) {
  std::string cw = InitWithCaseworker();
  const uint64_t before = Entries();
  const std::string big = "{\"id\":\"" + std::string(5'000'000, 'x') + "\"}";
  const fs::path path = dir_ / "long.jsonl";
  // Lines 2 and 4 are 5 MB; line 4 ends the input without a newline.
  WriteWholeFile(path, CaseOpened("y0001").dump() + "\n" + big + "\n" + CaseOpened("y0002").dump() +
                           "\n" + big);
  RunResult r = Append(cw, path.string());
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 4u) << Describe(r);
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i]["line"], i + 1);
  EXPECT_EQ(results[0]["ok"], true) << results[0];
  EXPECT_EQ(results[2]["ok"], true) << results[2];
  EXPECT_EQ(results[1]["error"], "InvalidArgument");
  EXPECT_EQ(results[1]["message"], std::string("line 2, ") + kTooLong);
  EXPECT_EQ(results[3]["message"], std::string("line 4, ") + kTooLong);
  EXPECT_EQ(Entries(), before + 2);

  // With --atomic the over-long line refuses the whole batch.
  WriteWholeFile(path, CaseOpened("y0003").dump() + "\n" + big + "\n" +
                           PhaseEntered("y0003", "intake").dump() + "\n");
  r = Append(cw, path.string(), {"--atomic"});
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 1u) << Describe(r);
  EXPECT_EQ(results[0]["message"], std::string("line 2, ") + kTooLong +
                                       " (the atomic batch was refused, nothing appended)");
  EXPECT_EQ(Entries(), before + 2);
}

// The memory bound end to end: 300 MB on one line through a pipe, then a valid line. Before, the
// whole line was read into memory first (548 MB peak); now the process's peak resident memory
// stays within a few MB of an append of one short line.
TEST_F(CliTest, AppendOfA300MegabyteLineKeepsMemoryBounded) {
  std::string cw = InitWithCaseworker();
  const uint64_t before = Entries();
  const std::string valid = CaseOpened("y0001").dump() + "\n";
  long baseline_kib = 0, peak_kib = 0;
  RunResult small = AppendFromPipe(
      cw, [&](int fd) { return WriteAll(fd, valid); }, &baseline_kib);
  ASSERT_EQ(small.exit_code, kExitOk) << Describe(small);

  const std::string block(1 << 20, 'x');
  RunResult r = AppendFromPipe(
      cw,
      [&](int fd) {
        if (!WriteAll(fd, "{\"id\":\"")) return false;
        for (int i = 0; i < 300; ++i) {
          if (!WriteAll(fd, block)) return false;
        }
        return WriteAll(fd, "\"}\n" + CaseOpened("y0002").dump() + "\n");
      },
      &peak_kib);
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), 2u) << Describe(r);
  EXPECT_EQ(results[0]["message"], std::string("line 1, ") + kTooLong);
  EXPECT_EQ(results[1]["ok"], true) << results[1];
  EXPECT_EQ(Entries(), before + 2);
  EXPECT_LT(peak_kib, baseline_kib + 16 * 1024)
      << "peak " << peak_kib << " KiB against " << baseline_kib << " KiB for one short line";
}

// --- read ------------------------------------------------------------------------------------

class CliReadTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    std::string cw = InitWithCaseworker();
    events_ = {CaseOpened("y0001"), CaseOpened("y0002", "Ola Nordmann"),
               PhaseEntered("y0001", "intake"), PhaseEntered("y0002", "intake"),
               PhaseEntered("y0001", "clarification")};
    std::vector<std::string> lines;
    for (const auto& e : events_) lines.push_back(e.dump());
    RunResult r = Append(cw, WriteLines("events.jsonl", lines));
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  }

  std::vector<json> events_;
};

TEST_F(CliReadTest, ReadStreamReturnsTheStreamsEventsInOrder) {
  RunResult r = Run({"read", "--data", data_, "--stream", "case/y0001"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  std::vector<json> entries = JsonLines(r.out);
  const std::vector<json> expected = {events_[0], events_[2], events_[4]};
  ASSERT_EQ(entries.size(), expected.size()) << Describe(r);
  for (size_t i = 0; i < entries.size(); ++i) {
    const json& e = entries[i];
    ASSERT_TRUE(e.contains("seq") && e.contains("version") && e.contains("event")) << e;
    EXPECT_EQ(e["version"], i);
    if (i > 0) {
      EXPECT_GT(e["seq"].get<uint64_t>(), entries[i - 1]["seq"].get<uint64_t>());
    }
    EXPECT_EQ(e["event"]["id"], expected[i]["id"]);
    EXPECT_EQ(e["event"]["type"], expected[i]["type"]);
    EXPECT_EQ(e["event"]["stream"], "case/y0001");
    EXPECT_EQ(e["event"]["data"], expected[i]["data"]);
  }
}

TEST_F(CliReadTest, ReadIdReturnsExactlyThatEvent) {
  const json& wanted = events_[3];
  RunResult r = Run({"read", "--data", data_, "--id", wanted["id"].get<std::string>()});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  std::vector<json> entries = JsonLines(r.out);
  ASSERT_EQ(entries.size(), 1u) << Describe(r);
  EXPECT_EQ(entries[0]["event"]["id"], wanted["id"]);
  EXPECT_EQ(entries[0]["event"]["stream"], "case/y0002");
  EXPECT_EQ(entries[0]["version"], 1);
}

TEST_F(CliReadTest, ReadOfAnUnknownStreamOrIdExitsNotFound) {
  RunResult stream = Run({"read", "--data", data_, "--stream", "case/nobody"});
  EXPECT_EQ(stream.exit_code, kExitNotFound) << Describe(stream);
  EXPECT_TRUE(stream.out.empty()) << Describe(stream);
  EXPECT_NE(stream.err.find("case/nobody"), std::string::npos) << Describe(stream);

  RunResult id = Run({"read", "--data", data_, "--id", NewEventId()});
  EXPECT_EQ(id.exit_code, kExitNotFound) << Describe(id);
  EXPECT_TRUE(id.out.empty()) << Describe(id);
}

TEST_F(CliReadTest, ReadNeverPrintsPlainPersonalValues) {
  // Only the read output is checked: the plain values are stored (encrypted) as disclosures.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"read", "--data", data_},
        std::vector<std::string>{"read", "--data", data_, "--stream", "case/y0001"},
        std::vector<std::string>{"read", "--data", data_, "--id",
                                 events_[0]["id"].get<std::string>()}}) {
    RunResult r = Run(args);
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
    EXPECT_EQ(r.out.find(kPersonName), std::string::npos) << Describe(r);
    EXPECT_EQ(r.out.find("Ola Nordmann"), std::string::npos) << Describe(r);
    EXPECT_EQ(r.out.find(kNationalId), std::string::npos) << Describe(r);
    EXPECT_EQ(r.err.find(kPersonName), std::string::npos) << Describe(r);
  }
  // The event keeps a digest in place of each value.
  RunResult r = Run({"read", "--data", data_, "--id", events_[0]["id"].get<std::string>()});
  std::vector<json> entries = JsonLines(r.out);
  ASSERT_EQ(entries.size(), 1u) << Describe(r);
  const json& personal = entries[0]["event"]["personal"];
  ASSERT_TRUE(personal.is_object()) << entries[0];
  for (const char* field : {"name", "national_id", "birth_date"}) {
    ASSERT_TRUE(personal.contains(field)) << personal;
    const std::string digest = personal[field].get<std::string>();
    EXPECT_EQ(digest.size(), 64u) << field << ": " << digest;
    EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos) << digest;
  }
}

// --- generate --------------------------------------------------------------------------------

TEST_F(CliTest, GenerateIsByteIdenticalForTheSameSeed) {
  RunResult a = Run({"generate", "--participants", "20", "--seed", "7"});
  RunResult b = Run({"generate", "--participants", "20", "--seed", "7"});
  ASSERT_EQ(a.exit_code, kExitOk) << Describe(a);
  ASSERT_EQ(b.exit_code, kExitOk) << Describe(b);
  ASSERT_FALSE(a.out.empty());
  EXPECT_TRUE(a.out == b.out) << "two runs with --seed 7 differ";
  std::vector<std::string> lines = SplitLines(a.out);
  EXPECT_NE(a.err.find(" events for 20 participants"), std::string::npos) << Describe(a);
  json first = json::parse(lines.front(), nullptr, false);
  ASSERT_TRUE(first.is_object()) << lines.front();
  EXPECT_EQ(first["type"], "case.opened");

  RunResult other = Run({"generate", "--participants", "20", "--seed", "8"});
  ASSERT_EQ(other.exit_code, kExitOk) << Describe(other);
  EXPECT_FALSE(other.out == a.out) << "the seed must change the cohort";
}

TEST_F(CliTest, GenerateRefusesZeroParticipants) {
  RunResult r = Run({"generate", "--participants", "0", "--seed", "7"});
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  EXPECT_TRUE(r.out.empty()) << Describe(r);
  EXPECT_NE(r.err.find("InvalidArgument"), std::string::npos) << Describe(r);
  EXPECT_NE(r.err.find("participants"), std::string::npos) << Describe(r);
}

// The Narvik report's cohort, appended through the CLI and compared with the report
// (`ledger scenario`): the whole path an evaluator takes.
TEST_F(CliTest, GenerateScenarioAppendedReplaysToTheReportsFigures) {
  const std::string cw = InitWithCaseworker();
  std::string id;
  const std::string svc = AddKey("svc", "service", &id);
  const std::string cohort = (dir_ / "narvik.jsonl").string();
  RunResult gen = Run({"generate", "--scenario", "narvik", "--out", cohort});
  ASSERT_EQ(gen.exit_code, kExitOk) << Describe(gen);
  EXPECT_NE(gen.err.find(" events for 235 participants"), std::string::npos) << Describe(gen);
  RunResult appended = Append(cw, cohort, {"--key", svc, "--errors-only"});
  ASSERT_EQ(appended.exit_code, kExitOk) << Describe(appended);
  RunResult compared =
      Run({"scenario", "--scenario", "narvik", "--data", data_, "--format", "json"});
  ASSERT_EQ(compared.exit_code, kExitOk) << Describe(compared);
  const json j = json::parse(compared.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << Describe(compared);
  EXPECT_EQ(j["all_within"], true) << compared.out;
  EXPECT_EQ(j["figures"][1]["replayed"]["num"], 140) << compared.out;
  RunResult table = Run({"scenario", "--scenario", "narvik", "--data", data_});
  EXPECT_NE(table.out.find("passive assistance only, May 2004"), std::string::npos)
      << Describe(table);

  RunResult unknown = Run({"scenario", "--scenario", "oslo", "--data", data_});
  EXPECT_EQ(unknown.exit_code, kExitRefused) << Describe(unknown);
  EXPECT_NE(unknown.err.find("--scenario: oslo is not a scenario"), std::string::npos)
      << Describe(unknown);
  RunResult mixed = Run({"generate", "--scenario", "drammen", "--participants", "5"});
  EXPECT_EQ(mixed.exit_code, kExitUsage) << Describe(mixed);
  EXPECT_TRUE(mixed.out.empty()) << Describe(mixed);
}

// --- usage -----------------------------------------------------------------------------------

TEST_F(CliTest, UsageErrorsExitTwoWithAMessage) {
  RunResult unknown = Run({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, kExitUsage) << Describe(unknown);
  EXPECT_NE(unknown.err.find("--help"), std::string::npos) << Describe(unknown);

  RunResult none = Run({});
  EXPECT_EQ(none.exit_code, kExitUsage) << Describe(none);

  RunResult no_key = Run({"append", "--data", data_});
  EXPECT_EQ(no_key.exit_code, kExitUsage) << Describe(no_key);
  EXPECT_NE(no_key.err.find("--key is required"), std::string::npos) << Describe(no_key);

  RunResult no_origin = Run({"init", "--data", data_, "--keys", keys_});
  EXPECT_EQ(no_origin.exit_code, kExitUsage) << Describe(no_origin);
  EXPECT_NE(no_origin.err.find("--origin is required"), std::string::npos) << Describe(no_origin);
  EXPECT_FALSE(fs::exists(data_)) << "a usage error must not create anything";

  RunResult bad_format = Run({"stats", "--data", data_, "--format", "yaml"});
  EXPECT_EQ(bad_format.exit_code, kExitUsage) << Describe(bad_format);

  RunResult bad_number = Run({"generate", "--participants", "many"});
  EXPECT_EQ(bad_number.exit_code, kExitUsage) << Describe(bad_number);
}

TEST_F(CliTest, HelpExitsZero) {
  RunResult top = Run({"--help"});
  EXPECT_EQ(top.exit_code, kExitOk) << Describe(top);
  for (const char* sub : {"init", "keys", "append", "read", "stats", "generate"}) {
    EXPECT_NE(top.out.find(sub), std::string::npos) << sub << "\n" << Describe(top);
  }
  RunResult append = Run({"append", "--help"});
  EXPECT_EQ(append.exit_code, kExitOk) << Describe(append);
  EXPECT_NE(append.out.find("--atomic"), std::string::npos) << Describe(append);
}

// --- stats -----------------------------------------------------------------------------------

TEST_F(CliTest, StatsCountsEntriesStreamsAndEventTypes) {
  std::string cw = InitWithCaseworker();
  RunResult r =
      Append(cw, WriteLines("events.jsonl",
                            {CaseOpened("y0001").dump(), PhaseEntered("y0001", "intake").dump(),
                             CaseOpened("y0002").dump(), PhaseEntered("y0002", "intake").dump(),
                             PhaseEntered("y0001", "follow_up").dump()}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);

  json stats = Stats(data_);
  EXPECT_EQ(stats["origin"], kOrigin);
  EXPECT_EQ(stats["entries"], 7);  // 2 key.registered + 5 appended
  EXPECT_EQ(stats["streams"], 3);  // keys, case/y0001, case/y0002
  EXPECT_EQ(stats["keys"], 2);
  EXPECT_EQ(stats["active_keys"], 2);
  EXPECT_EQ(stats["events_by_type"],
            json({{"case.opened", 2}, {"key.registered", 2}, {"phase.entered", 3}}));
  EXPECT_TRUE(stats.contains("last_recorded_at")) << stats;

  // The table form carries the same numbers.
  RunResult table = Run({"stats", "--data", data_});
  ASSERT_EQ(table.exit_code, kExitOk) << Describe(table);
  EXPECT_NE(table.out.find("phase.entered"), std::string::npos) << Describe(table);
}

// --- no ledger -------------------------------------------------------------------------------

TEST_F(CliTest, CommandsOnADirectoryWithoutALedgerPointToInit) {
  const std::string missing = (dir_ / "nonexistent").string();
  for (const std::string& data : {std::string("/nonexistent"), missing}) {
    RunResult r = Run({"stats", "--data", data});
    EXPECT_EQ(r.exit_code, kExitNotFound) << Describe(r);
    EXPECT_NE(r.err.find("ledger init"), std::string::npos) << Describe(r);
  }
  EXPECT_FALSE(fs::exists(missing)) << "opening must not create the directory";

  // An existing but empty directory is no ledger either, for every command that opens one.
  const std::string empty = (dir_ / "empty").string();
  fs::create_directory(empty);
  RunResult read = Run({"read", "--data", empty});
  EXPECT_EQ(read.exit_code, kExitNotFound) << Describe(read);
  EXPECT_NE(read.err.find("ledger init"), std::string::npos) << Describe(read);
  RunResult list = Run({"keys", "list", "--data", empty});
  EXPECT_EQ(list.exit_code, kExitNotFound) << Describe(list);
  EXPECT_NE(list.err.find("ledger init"), std::string::npos) << Describe(list);
}

}  // namespace
}  // namespace ledger::cli_testing
