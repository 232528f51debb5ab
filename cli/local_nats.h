// A nats-server with JetStream for one benchmark's run only: started on a free loopback port
// with its store in a scratch directory, stopped (SIGTERM, then reaped) when destroyed.
#ifndef CLI_LOCAL_NATS_H_
#define CLI_LOCAL_NATS_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "base/status.h"

namespace ledger::cli {

class LocalNats {
 public:
  // Debian's /usr/sbin/nats-server (or /usr/bin's), storing in `dir` and logging to
  // `dir`/nats.log. NotFound if it is not installed; Unavailable if it does not accept
  // connections within 10 s.
  static Result<std::unique_ptr<LocalNats>> Start(const std::string& dir);
  ~LocalNats();
  LocalNats(const LocalNats&) = delete;
  LocalNats& operator=(const LocalNats&) = delete;

  std::string url() const;

 private:
  LocalNats() = default;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ledger::cli

#endif  // CLI_LOCAL_NATS_H_
