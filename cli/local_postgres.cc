#include "local_postgres.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <vector>

#include "base/file.h"

namespace ledger::cli {
namespace {

namespace fs = std::filesystem;

// The last `n` bytes of the file at `path` (its whole text if shorter), for error messages.
std::string Tail(const std::string& path, size_t n = 1500) {
  auto text = ReadFile(path);
  if (!text.ok()) return "";
  return text->size() <= n ? *text : text->substr(text->size() - n);
}

// A value in a libpq connection string: single-quoted, with ' and \ escaped.
std::string ConninfoQuote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

Result<std::string> LocalPostgres::FindBinDir() {
  // Debian installs each major version side by side; the newest with both tools wins.
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789.") != std::string::npos) continue;
    const fs::path bin = entry.path() / "bin";
    if (::access((bin / "initdb").c_str(), X_OK) == 0 &&
        ::access((bin / "pg_ctl").c_str(), X_OK) == 0) {
      found.emplace_back(std::atoi(name.c_str()), bin.string());
    }
  }
  if (found.empty()) {
    return Status::NotFound(
        "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): install the "
        "Debian package `postgresql` (apt-get install postgresql), or give a server to compare "
        "against with --pg CONNINFO (e.g. --pg 'host=/var/run/postgresql dbname=bench')");
  }
  return std::max_element(found.begin(), found.end())->second;
}

namespace {

// Runs `args` (args[0] a path) to completion with stdout and stderr appended to `log`, in
// `cwd`, as uid/gid when uid >= 0 (which then owns `log`). Returns its exit status (-1 if it could
// not be run).
int Run(const std::vector<std::string>& args, const std::string& log, const std::string& cwd,
        int uid, int gid) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec. No signal blocked (the benchmark blocks
    // some for its watcher thread; a server that inherited that could not be stopped); the
    // user first, so that it owns the log.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (uid >= 0 && (::setgroups(0, nullptr) != 0 || ::setgid(static_cast<gid_t>(gid)) != 0 ||
                     ::setuid(static_cast<uid_t>(uid)) != 0)) {
      ::_exit(126);
    }
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (out < 0) ::_exit(126);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    const int in = ::open("/dev/null", O_RDONLY);
    if (in >= 0) ::dup2(in, STDIN_FILENO);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Result<std::unique_ptr<LocalPostgres>> LocalPostgres::Start(const std::string& dir) {
  LEDGER_ASSIGN_OR_RETURN(std::string bin, FindBinDir());
  if (auto bad = dir.find_first_of("'\"$`\\,\n\r"); bad != std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "the scratch directory {} holds the character {:?} at position {}, which pg_ctl's shell "
        "or the server's socket list would take apart: choose another --dir",
        dir, dir[bad], bad));
  }
  std::unique_ptr<LocalPostgres> pg(new LocalPostgres());
  pg->bin_ = bin;
  pg->data_ = dir + "/data";
  pg->log_ = dir + "/tools.log";  // initdb's and pg_ctl's output; the server's: server.log
  std::error_code ec;
  if (fs::exists(dir, ec)) return Status::FailedPrecondition(dir + " exists already");
  if (!fs::create_directories(dir, ec) || ec) return Status::IOError("cannot create " + dir);
  // From here on the destructor removes `dir`, which this call made.
  pg->dir_ = dir;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      return Status::FailedPrecondition(
          "PostgreSQL refuses to run as root and there is no `postgres` user to run it as: run "
          "the benchmark as another user, or give a server with --pg CONNINFO");
    }
    pg->uid_ = static_cast<int>(pw->pw_uid);
    pg->gid_ = static_cast<int>(pw->pw_gid);
    if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return Status::IOError("cannot give " + dir + " to the postgres user");
    }
  }
  fs::permissions(dir, fs::perms::owner_all, ec);  // the socket is reachable by its owner only
  fmt::print(stderr, "postgresql: initdb in {} ({})...\n", pg->data_, bin);
  // --no-sync: a scratch cluster need not survive a crash of the machine during initdb; every
  // commit of the benchmark itself is fsynced (fsync=on, synchronous_commit=on).
  int rc = Run({bin + "/initdb", "-D", pg->data_, "-U", "bench", "--auth=trust", "-E", "UTF8",
                "--locale=C", "--no-sync"},
               pg->log_, dir, pg->uid_, pg->gid_);
  if (rc != 0) {
    return Status::IOError(fmt::format(
        "initdb failed (exit {}){}: {}", rc,
        pg->uid_ >= 0 ? " (it runs as the postgres user, who must be able to reach " + dir + ")"
                      : "",
        Tail(pg->log_)));
  }
  // The durable defaults, spelled out so that a changed default cannot weaken the comparison;
  // no TCP listener, the socket in `dir`.
  const std::string server_options = fmt::format(
      "-c listen_addresses='' -c unix_socket_directories='{}' -c fsync=on "
      "-c synchronous_commit=on -c full_page_writes=on",
      dir);
  fmt::print(stderr, "postgresql: starting (fsync=on, synchronous_commit=on, socket in {})...\n",
             dir);
  pg->started_ = true;  // pg_ctl may have started it even when it reports a failure
  const std::string server_log = dir + "/server.log";
  rc = Run({bin + "/pg_ctl", "-D", pg->data_, "-l", server_log, "-w", "-t", "60", "-o",
            server_options, "start"},
           pg->log_, dir, pg->uid_, pg->gid_);
  if (rc != 0) {
    return Status::IOError(fmt::format("pg_ctl start failed (exit {}): {}\n{}", rc,
                                       Tail(pg->log_, 600), Tail(server_log)));
  }
  pg->conninfo_ = "host=" + ConninfoQuote(dir) + " dbname=postgres user=bench";
  return pg;
}

void LocalPostgres::Stop() {
  if (!started_.exchange(false)) return;
  fmt::print(stderr, "postgresql: stopping...\n");
  const int rc = Run({bin_ + "/pg_ctl", "-D", data_, "-m", "fast", "-w", "-t", "60", "stop"}, log_,
                     dir_, uid_, gid_);
  if (rc == 0) return;
  // pg_ctl could not stop it.
  StopServerIn(dir_);
}

void LocalPostgres::StopServerIn(const std::string& dir) {
  // The postmaster's pid is the first line of postmaster.pid.
  std::ifstream pid_file(dir + "/data/postmaster.pid");
  long pid = 0;
  if (!(pid_file >> pid) || pid <= 1) return;
  const auto postmaster = static_cast<pid_t>(pid);
  ::kill(postmaster, SIGINT);  // fast shutdown
  for (int i = 0; i < 50 && ::kill(postmaster, 0) == 0; ++i) ::usleep(100 * 1000);
  if (::kill(postmaster, 0) == 0) ::kill(postmaster, SIGQUIT);  // immediate shutdown
}

LocalPostgres::~LocalPostgres() {
  Stop();
  if (dir_.empty()) return;  // Start failed before it made the directory
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (ec) fmt::print(stderr, "postgresql: cannot remove {}: {}\n", dir_, ec.message());
}

}  // namespace ledger::cli
