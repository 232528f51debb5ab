// The time from a revocation to the end of each kind of open session (issue 14), for
// `ledger bench attack`: over loopback sockets against a server on `data_dir`, one session of
// each kind opened under a fresh token, the token revoked, each session's close timed.
#ifndef CLI_BENCH_REVOCATION_H_
#define CLI_BENCH_REVOCATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace ledger::cli {

struct RevocationBenchTarget {
  uint16_t http_port = 0;
  uint16_t binary_port = 0;  // 0: the binary sessions are left out
  std::string data_dir;      // the server's (its tokens file is where tokens are revoked)
  std::string key_id_hex;    // a registered key of `role` for the fresh tokens
  std::string role;
};

struct RevocationTimes {
  std::string session;     // "SSE subscription", "WebSocket subscription", ...
  std::vector<double> ms;  // per run: from the revocation to the session's close
  int not_closed = 0;      // runs in which it was still open after 5 s
};

// `runs` rounds; each opens every kind of session, waits until each is established, revokes
// the token and waits (at most 5 s) for every session to be closed by the server.
Result<std::vector<RevocationTimes>> MeasureRevocation(const RevocationBenchTarget& target,
                                                       int runs);

}  // namespace ledger::cli

#endif  // CLI_BENCH_REVOCATION_H_
