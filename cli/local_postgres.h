// A throwaway PostgreSQL server for `ledger bench compare` when no --pg CONNINFO is given:
// Debian's own binaries (package `postgresql`, /usr/lib/postgresql/<newest>/bin), a cluster made
// by initdb in a scratch directory, started by pg_ctl with its unix socket in that directory and
// no TCP listener, at the durable defaults (fsync=on, synchronous_commit=on,
// full_page_writes=on, said explicitly on the command line). The destructor stops it and
// removes the directory, on every path out.
#ifndef LEDGER_CLI_LOCAL_POSTGRES_H_
#define LEDGER_CLI_LOCAL_POSTGRES_H_

#include <atomic>
#include <memory>
#include <string>

#include "base/status.h"

namespace ledger::cli {

class LocalPostgres {
 public:
  // The newest installed PostgreSQL's bin directory (holding initdb and pg_ctl); NotFound with
  // a message naming the package and --pg when there is none.
  static Result<std::string> FindBinDir();

  // initdb into `dir` (created; it must not exist yet, and it is never removed unless this call
  // created it) and start the server. When this process runs as root, the server runs as the
  // `postgres` user (PostgreSQL refuses root) and `dir` is given to that user. `dir` may not
  // hold a quote, `$`, a backquote, a backslash, a comma or a line break: pg_ctl passes it
  // through a shell and the server's list of socket directories. Progress goes to stderr.
  static Result<std::unique_ptr<LocalPostgres>> Start(const std::string& dir);

  // Stops a server in `dir` (as Start made it) that no LocalPostgres object stands for, e.g. one
  // a signal interrupted Start for, by the pid in its postmaster.pid: a fast shutdown, then an
  // immediate one after 5 s. Nothing when there is no pid file.
  static void StopServerIn(const std::string& dir);

  // Stops the server (pg_ctl stop -m fast) and removes the directory.
  ~LocalPostgres();
  // Stops the server now, once (later calls do nothing); the directory stays until destruction.
  void Stop();
  LocalPostgres(const LocalPostgres&) = delete;
  LocalPostgres& operator=(const LocalPostgres&) = delete;

  // A libpq connection string for the server's superuser and its `postgres` database.
  const std::string& conninfo() const { return conninfo_; }

 private:
  LocalPostgres() = default;

  std::string bin_, dir_, data_, log_, conninfo_;
  int uid_ = -1, gid_ = -1;           // the user the server runs as, when not this process's
  std::atomic<bool> started_{false};  // Stop may come from a signal-watching thread
};

}  // namespace ledger::cli

#endif  // LEDGER_CLI_LOCAL_POSTGRES_H_
