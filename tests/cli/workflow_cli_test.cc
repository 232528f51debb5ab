// End-to-end workflows of the `ledger` binary as a user meets them: the README's "Using it"
// block run as written (read from README.md itself), appending a generated cohort with one key
// only, a witness that cosigns the ledger's checkpoints (`witness serve` / `witness push`, on
// loopback) and `verify --vkey` with a key that is not the ledger's. Each test runs the real
// executable in its own temporary directory.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../temp_dir.h"
#include "cli_runner.h"

namespace ledger::cli_testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The README generates 428 participants; the test uses fewer to stay fast. Nothing else of the
// README's commands is changed.
constexpr char kReadmeParticipants[] = "20";

// A note signature line starts with an em dash and a space (c2sp.org/signed-note).
const std::string kSigPrefix = "\xE2\x80\x94 ";

std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

std::string Join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

// Runs the binary to completion in `cwd` (stdin /dev/null). Standard output goes to
// `stdout_file` if given (the shell's `> FILE`), and is then also returned in `out`.
RunResult RunIn(const fs::path& cwd, const std::vector<std::string>& args,
                const fs::path& stdout_file = {}) {
  RunFiles files;
  files.stdout_path = stdout_file.empty() ? cwd / ".stdout" : cwd / stdout_file;
  files.stderr_path = cwd / ".stderr";
  return RunLedger(cwd, args, files, Join(args));
}

// A loopback port that was free a moment ago: bind to port 0, read the port, close.
uint16_t FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  uint16_t port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool CanConnect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// A `ledger witness serve` child process. The destructor kills it if the test did not stop it.
class WitnessProcess {
 public:
  WitnessProcess() = default;
  WitnessProcess(const WitnessProcess&) = delete;
  WitnessProcess& operator=(const WitnessProcess&) = delete;
  ~WitnessProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }

  // Starts `witness serve` in `cwd` and waits until it has printed its cosignature key and
  // accepts connections. `tag` names its output files.
  ::testing::AssertionResult Start(const fs::path& cwd, const std::string& tag,
                                   const std::string& key, const std::string& log_vkey,
                                   const std::string& state) {
    port_ = FreeLoopbackPort();
    if (port_ == 0) return ::testing::AssertionFailure() << "no free loopback port";
    out_path_ = cwd / (tag + ".out");
    err_path_ = cwd / (tag + ".err");
    RunFiles files;
    files.stdout_path = out_path_;
    files.stderr_path = err_path_;
    pid_ = SpawnLedger(cwd,
                       {"witness", "serve", "--key", key, "--log-vkey", log_vkey, "--state", state,
                        "--listen", "127.0.0.1:" + std::to_string(port_)},
                       files);
    if (pid_ < 0) return ::testing::AssertionFailure() << "could not start the witness";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return ::testing::AssertionFailure()
               << "the witness exited early (status " << status << ")\n--- stdout ---\n"
               << ReadWholeFile(out_path_) << "--- stderr ---\n"
               << ReadWholeFile(err_path_);
      }
      if (cosignature_key_.empty()) {
        for (const auto& line : SplitLines(ReadWholeFile(out_path_))) {
          const std::string prefix = "cosignature key: ";
          if (line.rfind(prefix, 0) == 0) cosignature_key_ = line.substr(prefix.size());
        }
      }
      if (!cosignature_key_.empty() && CanConnect(port_)) return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ::testing::AssertionFailure()
           << "the witness did not come up on port " << port_ << "\n--- stdout ---\n"
           << ReadWholeFile(out_path_) << "--- stderr ---\n"
           << ReadWholeFile(err_path_);
  }

  // Sends SIGTERM and waits (up to 10 s) for the exit; returns the exit code, or -1 if it had
  // to be killed or died of a signal.
  int Terminate() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      pid_t got = ::waitpid(pid_, &status, WNOHANG);
      if (got == pid_) {
        pid_ = -1;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        ADD_FAILURE() << "the witness died with signal " << WTERMSIG(status);
        return -1;
      }
      if (got < 0 && errno != EINTR) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the witness did not stop on SIGTERM";
    return -1;  // the destructor kills it
  }

  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& CosignatureKey() const { return cosignature_key_; }
  std::string Stdout() const { return ReadWholeFile(out_path_); }
  std::string Stderr() const { return ReadWholeFile(err_path_); }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  fs::path out_path_, err_path_;
  std::string cosignature_key_;
};

// Where README.md is: the source tree's root, as CMake names it (not __FILE__, which a compiler
// cache may have made relative to the build directory).
fs::path ReadmePath() { return fs::path(LEDGER_SOURCE_DIR) / "README.md"; }

// The shell commands of the README's "Using it" block, one per line.
std::vector<std::string> ReadmeUsingItCommands(std::string* problem) {
  std::string text = ReadWholeFile(ReadmePath());
  if (text.empty()) {
    *problem = "cannot read " + ReadmePath().string();
    return {};
  }
  size_t section = text.find("\n## Using it\n");
  if (section == std::string::npos) {
    *problem = "README.md has no \"## Using it\" section";
    return {};
  }
  size_t open = text.find("```", section);
  size_t next_section = text.find("\n## ", section + 1);
  if (open == std::string::npos || (next_section != std::string::npos && open > next_section)) {
    *problem = "the \"Using it\" section has no code block";
    return {};
  }
  size_t body = text.find('\n', open);
  size_t close = text.find("\n```", body);
  if (body == std::string::npos || close == std::string::npos) {
    *problem = "the \"Using it\" code block is not closed";
    return {};
  }
  return SplitLines(text.substr(body + 1, close - body));
}

class WorkflowCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    ASSERT_FALSE(dir_.empty());
  }

  RunResult Run(const std::vector<std::string>& args, const fs::path& stdout_file = {}) {
    return RunIn(dir_, args, stdout_file);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `args`, expecting exit 0.
  RunResult Ok(const std::vector<std::string>& args) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << "ledger " << Join(args) << "\n" << Describe(r);
    return r;
  }

  // init (data, keys), a caseworker key cw.key and a service key svc.key, both registered.
  void InitWithCaseworkerAndService(const std::string& origin) {
    Ok({"init", "--data", "data", "--keys", "keys", "--origin", origin});
    Ok({"keygen", "--name", "cw", "--out", "cw.key"});
    Ok({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "cw.key.pub",
        "--role", "caseworker"});
    Ok({"keygen", "--name", "svc", "--out", "svc.key"});
    Ok({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "svc.key.pub",
        "--role", "service"});
  }

  std::vector<json> ReadCohort(const std::string& name) {
    std::vector<json> events = JsonLines(ReadWholeFile(Path(name)));
    EXPECT_FALSE(events.empty()) << name << " is empty";
    return events;
  }

  // The latest stored checkpoint note.
  std::string Checkpoint() {
    RunResult r = Ok({"checkpoint", "--data", "data"});
    return r.out;
  }

  // Removed with the fixture (tests/temp_dir.h).
  testing::TempDir temp_{"", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes};
  fs::path dir_;
};

bool HasLineStartingWith(const std::string& text, const std::string& prefix) {
  for (const auto& line : SplitLines(text)) {
    if (line.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// The size line (second line) of a checkpoint note.
uint64_t CheckpointSize(const std::string& note) {
  std::vector<std::string> lines = SplitLines(note);
  if (lines.size() < 2) return 0;
  return std::stoull(lines[1]);
}

// --- 1. The README's "Using it" block, as written -----------------------------------------

TEST_F(WorkflowCliTest, ReadmeWorkflowWorks) {
  std::string problem;
  std::vector<std::string> commands = ReadmeUsingItCommands(&problem);
  ASSERT_TRUE(problem.empty()) << problem;

  // The block is the documented sequence; if someone rewrites it, this test must be revisited.
  std::vector<std::string> seen;
  for (const auto& c : commands) {
    std::vector<std::string> w = SplitWords(c);
    ASSERT_GE(w.size(), 2u) << "README line: " << c;
    ASSERT_EQ(w[0], "build/bin/ledger") << "README line: " << c;
    seen.push_back(w[1] == "keys" && w.size() > 2 ? "keys " + w[2] : w[1]);
  }
  ASSERT_EQ(seen, (std::vector<std::string>{"init", "keygen", "keygen", "keys add", "keys add",
                                            "generate", "append", "stats", "read", "verify",
                                            "caseload", "outcomes", "compliance"}))
      << "the README's \"Using it\" block changed";

  std::string subject;
  uint64_t generated = 0;
  for (const auto& c : commands) {
    SCOPED_TRACE("README: " + c);
    std::vector<std::string> words = SplitWords(c);
    std::vector<std::string> args(words.begin() + 1, words.end());
    fs::path stdout_file;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == ">") {
        // The shell's redirection: `> FILE` as the last two words.
        ASSERT_EQ(i + 2, args.size()) << "unexpected redirection";
        stdout_file = args[i + 1];
        args.resize(i);
        break;
      }
      if (args[i] == "--participants" && i + 1 < args.size()) args[i + 1] = kReadmeParticipants;
      if (args[i] == "case/<subject>") {
        ASSERT_FALSE(subject.empty()) << "no subject taken from the generated cohort";
        args[i] = "case/" + subject;
      }
      ASSERT_EQ(args[i].find('<'), std::string::npos) << "unknown placeholder " << args[i];
    }

    RunResult r = Run(args, stdout_file);
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
    const std::string& cmd = args[0];

    if (cmd == "init") {
      EXPECT_TRUE(fs::is_regular_file(Path("ledger-keys/ledger.key.pub"))) << Describe(r);
      EXPECT_TRUE(fs::is_regular_file(Path("ledger-keys/admin.key"))) << Describe(r);
    } else if (cmd == "generate") {
      ASSERT_FALSE(stdout_file.empty()) << "the README writes the cohort to a file";
      std::vector<json> events = ReadCohort(stdout_file.string());
      ASSERT_FALSE(events.empty());
      generated = events.size();
      subject = events.front().value("subject", "");
      ASSERT_FALSE(subject.empty()) << events.front();
      // The cohort needs both roles the README registers.
      std::set<std::string> roles;
      for (const auto& e : events) roles.insert(e["actor"].value("role", ""));
      EXPECT_EQ(roles, (std::set<std::string>{"caseworker", "service"}));
    } else if (cmd == "append") {
      EXPECT_NE(r.err.find("refused 0"), std::string::npos) << Describe(r);
      // --errors-only: nothing refused, nothing printed.
      EXPECT_TRUE(r.out.empty()) << Describe(r);
    } else if (cmd == "stats") {
      EXPECT_NE(r.out.find("drammen.kommune.no/ledger"), std::string::npos) << Describe(r);
      RunResult j = Ok({"stats", "--format", "json"});
      json s = json::parse(j.out, nullptr, false);
      ASSERT_TRUE(s.is_object()) << Describe(j);
      // Three key registrations, then every generated event.
      EXPECT_EQ(s.value("entries", uint64_t{0}), generated + 3) << s;
    } else if (cmd == "read") {
      std::vector<json> entries = JsonLines(r.out);
      ASSERT_FALSE(entries.empty()) << Describe(r);
      EXPECT_EQ(entries.front()["event"]["type"], "case.opened");
      for (size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(entries[i]["version"], i);
        EXPECT_EQ(entries[i]["event"]["stream"], "case/" + subject);
      }
      // The plain personal values of the input never come out.
      std::vector<json> events = ReadCohort("cohort.jsonl");
      std::string name = events.front()["personal"].value("name", "");
      ASSERT_FALSE(name.empty());
      EXPECT_EQ(r.out.find(name), std::string::npos) << Describe(r);
    } else if (cmd == "verify") {
      EXPECT_NE(r.out.find("OK"), std::string::npos) << Describe(r);
      std::vector<std::string> json_args = args;
      json_args.insert(json_args.end(), {"--format", "json"});
      RunResult j = Ok(json_args);
      json v = json::parse(j.out, nullptr, false);
      ASSERT_TRUE(v.is_object()) << Describe(j);
      EXPECT_EQ(v["ok"], true) << v;
      EXPECT_EQ(v["entries"], generated + 3) << v;
      EXPECT_EQ(v["entries_checked"], generated + 3) << v;
      EXPECT_GE(v["checkpoints_checked"].get<uint64_t>(), 1u) << v;
    } else if (cmd == "caseload") {
      EXPECT_NE(r.out.find("Open cases by office and phase"), std::string::npos) << Describe(r);
    } else if (cmd == "outcomes") {
      EXPECT_NE(r.out.find("Outcomes as of 2010-12-31"), std::string::npos) << Describe(r);
      EXPECT_NE(r.out.find("Time to exit (O8)"), std::string::npos) << Describe(r);
      EXPECT_NE(r.out.find("against 2008-12 (O13)"), std::string::npos) << Describe(r);
    } else if (cmd == "compliance") {
      EXPECT_NE(r.out.find("Compliance as of 2010-12-31"), std::string::npos) << Describe(r);
      EXPECT_NE(r.out.find("Consent dynamics (C3)"), std::string::npos) << Describe(r);
    }
  }
  EXPECT_GT(generated, 0u);
}

// --- 2. One key for a cohort of two roles ----------------------------------------------------

TEST_F(WorkflowCliTest, AppendWithOneKeyRefusesEventsOfAnotherActorRole) {
  Ok({"init", "--data", "data", "--keys", "keys", "--origin", "one-key.example/ledger"});
  Ok({"keygen", "--name", "cw", "--out", "cw.key"});
  Ok({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "cw.key.pub", "--role",
      "caseworker"});
  Ok({"generate", "--participants", "5", "--seed", "7", "--out", "cohort.jsonl"});
  std::vector<json> events = ReadCohort("cohort.jsonl");
  ASSERT_FALSE(events.empty());
  size_t service_events = 0, payments = 0;
  for (const auto& e : events) {
    if (e["actor"]["role"] == "service") ++service_events;
    if (e["type"] == "payment.made") {
      ++payments;
      EXPECT_EQ(e["actor"]["role"], "service") << e;
    }
  }
  ASSERT_GT(payments, 0u) << "the cohort should hold payments";

  RunResult r = Run(
      {"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--input", "cohort.jsonl"});
  EXPECT_EQ(r.exit_code, kExitRefused) << Describe(r);
  std::vector<json> results = JsonLines(r.out);
  ASSERT_EQ(results.size(), events.size()) << Describe(r);
  size_t refused = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const json& res = results[i];
    const json& e = events[i];
    SCOPED_TRACE(e.dump());
    EXPECT_EQ(res["line"], i + 1);
    if (e["actor"]["role"] == "service") {
      // Every event recorded by a service is refused, naming actor.role and the line.
      EXPECT_EQ(res["ok"], false) << res;
      EXPECT_EQ(res["error"], "PermissionDenied") << res;
      std::string message = res.value("message", "");
      EXPECT_NE(message.find("actor.role"), std::string::npos) << res;
      EXPECT_NE(message.find("line " + std::to_string(i + 1)), std::string::npos) << res;
      ++refused;
    } else {
      // The caseworker's own events are all appended.
      EXPECT_EQ(res["ok"], true) << res;
    }
  }
  EXPECT_EQ(refused, service_events);
  EXPECT_NE(r.err.find("refused " + std::to_string(refused)), std::string::npos) << Describe(r);

  // The same cohort with the service key as well: what was refused goes in now, and the rest are
  // duplicates at their first positions.
  Ok({"keygen", "--name", "svc", "--out", "svc.key"});
  Ok({"keys", "add", "--data", "data", "--key", "keys/admin.key", "--vkey", "svc.key.pub", "--role",
      "service"});
  RunResult both = Run({"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--key",
                        "svc.key", "--input", "cohort.jsonl", "--errors-only"});
  EXPECT_EQ(both.exit_code, kExitOk) << Describe(both);
  EXPECT_NE(both.err.find("refused 0"), std::string::npos) << Describe(both);
  RunResult verify = Run({"verify", "--data", "data", "--vkey", "keys/ledger.key.pub"});
  EXPECT_EQ(verify.exit_code, kExitOk) << Describe(verify);
}

// --- 3. A witness cosigns ---------------------------------------------------------------------

TEST_F(WorkflowCliTest, WitnessCosignsAndCatchesNothingWrong) {
  InitWithCaseworkerAndService("witnessed.example/ledger");
  Ok({"generate", "--participants", "4", "--seed", "11", "--out", "cohort.jsonl"});
  // Split the cohort in two halves (in order, so every stream stays in order).
  std::vector<std::string> lines = SplitLines(ReadWholeFile(Path("cohort.jsonl")));
  ASSERT_GT(lines.size(), 10u);
  std::string first, second;
  for (size_t i = 0; i < lines.size(); ++i)
    (i < lines.size() / 2 ? first : second) += lines[i] + "\n";
  WriteWholeFile(Path("part1.jsonl"), first);
  WriteWholeFile(Path("part2.jsonl"), second);
  auto append = [&](const std::string& file) {
    RunResult r = Ok({"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--key",
                      "svc.key", "--input", file, "--errors-only"});
    EXPECT_NE(r.err.find("refused 0"), std::string::npos) << Describe(r);
  };
  append("part1.jsonl");

  const std::string witness_name = "witness.example/w1";
  const std::string witness_line = kSigPrefix + witness_name + " ";
  Ok({"keygen", "--name", witness_name, "--out", "w.key"});
  WitnessProcess witness;
  ASSERT_TRUE(witness.Start(dir_, "witness", "w.key", "keys/ledger.key.pub", "witness.state"));
  EXPECT_NE(witness.Stdout().find("witness " + witness_name + " listening on " + witness.Address()),
            std::string::npos)
      << witness.Stdout();
  // The cosignature key is the witness's name, a key hash and the key.
  ASSERT_EQ(witness.CosignatureKey().rfind(witness_name + "+", 0), 0u) << witness.CosignatureKey();

  // First push: the witness learns the log; the checkpoint keeps its cosignature.
  std::string before = Checkpoint();
  const uint64_t size1 = CheckpointSize(before);
  ASSERT_GT(size1, 5u) << before;
  EXPECT_FALSE(HasLineStartingWith(before, witness_line)) << before;
  RunResult push1 = Run({"witness", "push", "--data", "data", "--witness", witness.Address(),
                         "--witness-vkey", witness.CosignatureKey()});
  ASSERT_EQ(push1.exit_code, kExitOk) << Describe(push1) << "\nwitness:\n" << witness.Stderr();
  EXPECT_TRUE(HasLineStartingWith(push1.out, witness_line)) << Describe(push1);
  std::string after1 = Checkpoint();
  EXPECT_TRUE(HasLineStartingWith(after1, witness_line)) << after1;
  EXPECT_EQ(CheckpointSize(after1), size1);
  // The ledger's own signature is still there, first, and the checkpoint text is unchanged.
  EXPECT_EQ(after1.rfind(before, 0), 0u) << "before:\n" << before << "after:\n" << after1;
  EXPECT_NE(ReadWholeFile(Path("witness.state")).find(std::to_string(size1)), std::string::npos);

  // The log grows; its new checkpoint has no cosignature yet.
  append("part2.jsonl");
  std::string grown = Checkpoint();
  const uint64_t size2 = CheckpointSize(grown);
  EXPECT_EQ(size2, size1 + (lines.size() - lines.size() / 2)) << grown;
  EXPECT_FALSE(HasLineStartingWith(grown, witness_line)) << grown;

  // Pushing with a key that is not the witness's fails, and nothing is kept.
  // (a) Another key altogether (an ordinary verifier key file).
  RunResult wrong1 = Run({"witness", "push", "--data", "data", "--witness", witness.Address(),
                          "--witness-vkey", "cw.key.pub"});
  EXPECT_NE(wrong1.exit_code, kExitOk) << Describe(wrong1);
  EXPECT_NE(wrong1.err.find("ledger: "), std::string::npos) << Describe(wrong1);
  EXPECT_EQ(Checkpoint(), grown);
  // (b) An impostor: the cosignature key of another witness with the same name.
  Ok({"keygen", "--name", witness_name, "--out", "impostor.key"});
  std::string impostor_key;
  {
    WitnessProcess impostor;
    ASSERT_TRUE(
        impostor.Start(dir_, "impostor", "impostor.key", "keys/ledger.key.pub", "impostor.state"));
    impostor_key = impostor.CosignatureKey();
    EXPECT_EQ(impostor.Terminate(), kExitOk) << impostor.Stderr();
  }
  ASSERT_EQ(impostor_key.rfind(witness_name + "+", 0), 0u) << impostor_key;
  ASSERT_NE(impostor_key, witness.CosignatureKey());
  RunResult wrong2 = Run({"witness", "push", "--data", "data", "--witness", witness.Address(),
                          "--witness-vkey", impostor_key});
  EXPECT_NE(wrong2.exit_code, kExitOk) << Describe(wrong2);
  EXPECT_NE(wrong2.err.find("cosignature"), std::string::npos) << Describe(wrong2);
  EXPECT_EQ(Checkpoint(), grown);
  EXPECT_FALSE(HasLineStartingWith(Checkpoint(), witness_line));

  // Second push with the right key: the grown checkpoint is cosigned (the witness answers 409
  // with the size it knows, the push retries from there with a consistency proof).
  RunResult push2 = Run({"witness", "push", "--data", "data", "--witness", witness.Address(),
                         "--witness-vkey", witness.CosignatureKey()});
  ASSERT_EQ(push2.exit_code, kExitOk) << Describe(push2) << "\nwitness:\n" << witness.Stderr();
  std::string after2 = Checkpoint();
  EXPECT_EQ(CheckpointSize(after2), size2) << after2;
  EXPECT_TRUE(HasLineStartingWith(after2, witness_line)) << after2;
  // Exactly one cosignature line of that witness.
  size_t count = 0;
  for (const auto& l : SplitLines(after2)) count += l.rfind(witness_line, 0) == 0 ? 1 : 0;
  EXPECT_EQ(count, 1u) << after2;
  // The first checkpoint keeps its cosignature.
  RunResult old = Ok({"checkpoint", "--data", "data", "--size", std::to_string(size1)});
  EXPECT_TRUE(HasLineStartingWith(old.out, witness_line)) << Describe(old);

  // Cosignatures do not disturb verification.
  RunResult verify =
      Ok({"verify", "--data", "data", "--vkey", "keys/ledger.key.pub", "--format", "json"});
  json v = json::parse(verify.out, nullptr, false);
  ASSERT_TRUE(v.is_object()) << Describe(verify);
  EXPECT_EQ(v["ok"], true) << v;
  EXPECT_EQ(v["entries"], size2) << v;

  // SIGTERM stops the witness cleanly.
  EXPECT_EQ(witness.Terminate(), kExitOk) << witness.Stderr();
}

// --- 4. verify --vkey with a key that is not the ledger's ---------------------------------------

TEST_F(WorkflowCliTest, VerifyWithAnotherKeyFails) {
  const std::string origin = "verified.example/ledger";
  InitWithCaseworkerAndService(origin);
  Ok({"generate", "--participants", "2", "--seed", "5", "--out", "cohort.jsonl"});
  Ok({"append", "--data", "data", "--keys", "keys", "--key", "cw.key", "--key", "svc.key",
      "--input", "cohort.jsonl", "--errors-only"});
  RunResult good = Run({"verify", "--data", "data", "--vkey", "keys/ledger.key.pub"});
  ASSERT_EQ(good.exit_code, kExitOk) << Describe(good);

  // Another key's verifier key; the admin's; and a key that bears the ledger's very name.
  Ok({"keygen", "--name", origin, "--out", "impostor.key"});
  for (const std::string vkey : {"cw.key.pub", "keys/admin.key.pub", "impostor.key.pub"}) {
    SCOPED_TRACE(vkey);
    RunResult r = Run({"verify", "--data", "data", "--vkey", vkey});
    EXPECT_EQ(r.exit_code, kExitCorruption) << Describe(r);
    EXPECT_NE(r.err.find("identity"), std::string::npos) << Describe(r);
    EXPECT_EQ(r.out.find(" OK"), std::string::npos) << Describe(r);

    RunResult j = Run({"verify", "--data", "data", "--vkey", vkey, "--format", "json"});
    EXPECT_EQ(j.exit_code, kExitCorruption) << Describe(j);
    json v = json::parse(j.out, nullptr, false);
    ASSERT_TRUE(v.is_object()) << Describe(j);
    EXPECT_EQ(v["ok"], false) << v;
    EXPECT_EQ(v["failed_check"], "identity") << v;
  }
}

}  // namespace
}  // namespace ledger::cli_testing
