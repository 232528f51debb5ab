// What every connection of one server shares. Owned by Server::Impl (server.cc); connections
// hold a reference for their whole life, and Stop() waits for them all before destroying it.
#ifndef SERVER_SRC_SERVER_CORE_H_
#define SERVER_SRC_SERVER_CORE_H_

#include <atomic>
#include <cassert>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "api.h"
#include "auth.h"
#include "base/mutex.h"
#include "body_budget.h"
#include "groups.h"
#include "hub.h"
#include "metrics.h"
#include "net.h"
#include "rate_limiter.h"
#include "report_pool.h"
#include "revocation_watch.h"
#include "server/access_log.h"
#include "server/server.h"

namespace ledger::server::internal {

struct ServerCore {
  ServerOptions options;
  std::unique_ptr<Ledger> ledger;
  Metrics metrics;
  std::unique_ptr<Hub> hub;
  std::unique_ptr<OfficeIndex> offices;
  std::unique_ptr<GroupStore> groups;
  std::unique_ptr<AccessLog> access_log;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<RateLimiter> rate;
  std::unique_ptr<RevocationWatch> revocations;     // open sessions' credentials, rechecked
  std::unique_ptr<net::asio::thread_pool> workers;  // handlers, disk reads, acks
  std::unique_ptr<ReportPool> reports;              // heavy requests' handlers (report_pool.h)
  std::unique_ptr<ApiContext> api;

  BodyBudget body_budget;    // of options.limits.max_body_memory
  HeapTrimmer heap_trimmer;  // the heap's free pages back after large bodies

  std::atomic<bool> stopping{false};
  std::atomic<int64_t> in_flight{0};  // requests and appends being handled

  // Every open connection's closer (posts a close to its strand), so Stop can end them.
  Mutex connections_mu;
  std::map<uint64_t, std::function<void()>> connections LEDGER_GUARDED_BY(connections_mu);
  uint64_t next_connection LEDGER_GUARDED_BY(connections_mu) = 0;
  // Open connections by client address (ConnectionGuard's key), for the per-address limit.
  // Invariant: every count is positive; an address without connections has no entry.
  std::map<std::string, size_t, std::less<>> per_address LEDGER_GUARDED_BY(connections_mu);

  void Log(std::string_view line) const {
    if (options.log) options.log(line);
  }
  // Registers a connection from `address`; *from_address: the connections open from it now,
  // this one included.
  uint64_t AddConnection(std::function<void()> closer, const std::string& address,
                         size_t* from_address) LEDGER_EXCLUDES(connections_mu) {
    MutexLock lock(connections_mu);
    connections.emplace(next_connection, std::move(closer));
    *from_address = ++per_address[address];
    return next_connection++;
  }
  void RemoveConnection(uint64_t id, const std::string& address) LEDGER_EXCLUDES(connections_mu) {
    MutexLock lock(connections_mu);
    connections.erase(id);
    auto it = per_address.find(address);
    assert(it != per_address.end() && it->second > 0);  // Invariant: added by AddConnection
    if (--it->second == 0) per_address.erase(it);
  }
};

// RAII count of a request in flight (graceful stop waits for zero).
class InFlight {
 public:
  explicit InFlight(ServerCore& core) : core_(core) { core_.in_flight.fetch_add(1); }
  ~InFlight() { core_.in_flight.fetch_sub(1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  ServerCore& core_;
};

// One HTTP connection (plain or TLS) from accept to close; catches its own exceptions.
net::asio::awaitable<void> ServeHttpConnection(ServerCore& core, net::tcp::socket socket,
                                               net::ssl::context* tls);
// Runs the handler of `request` (HandleApi) and resumes with its reply: a heavy request
// (IsHeavyRequest) on the report pool, or 503 busy when that is full; the rest on the workers.
net::asio::awaitable<Reply> RunApi(ServerCore& core, ApiRequest request);
// One binary-protocol connection (protocol.md).
net::asio::awaitable<void> ServeBinaryConnection(ServerCore& core, net::tcp::socket socket,
                                                 net::ssl::context* tls);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_SERVER_CORE_H_
