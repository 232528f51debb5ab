// What every connection of one server shares. Owned by Server::Impl (server.cc); connections
// hold a reference for their whole life, and Stop() waits for them all before destroying it.
#ifndef SERVER_SRC_SERVER_CORE_H_
#define SERVER_SRC_SERVER_CORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api.h"
#include "auth.h"
#include "body_budget.h"
#include "groups.h"
#include "hub.h"
#include "metrics.h"
#include "net.h"
#include "rate_limiter.h"
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
  std::unique_ptr<net::asio::thread_pool> workers;  // handlers, disk reads, acks
  std::unique_ptr<ApiContext> api;

  BodyBudget body_budget;  // of options.limits.max_body_memory

  std::atomic<bool> stopping{false};
  std::atomic<int64_t> in_flight{0};  // requests and appends being handled

  // Every open connection's closer (posts a close to its strand), so Stop can end them.
  std::mutex connections_mu;
  std::map<uint64_t, std::function<void()>> connections;  // GUARDED_BY(connections_mu)
  uint64_t next_connection = 0;                          // GUARDED_BY(connections_mu)

  void Log(std::string_view line) const {
    if (options.log) options.log(line);
  }
  uint64_t AddConnection(std::function<void()> closer) {
    std::lock_guard<std::mutex> lock(connections_mu);
    connections.emplace(next_connection, std::move(closer));
    return next_connection++;
  }
  void RemoveConnection(uint64_t id) {
    std::lock_guard<std::mutex> lock(connections_mu);
    connections.erase(id);
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
// One binary-protocol connection (protocol.md).
net::asio::awaitable<void> ServeBinaryConnection(ServerCore& core, net::tcp::socket socket,
                                                 net::ssl::context* tls);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_SERVER_CORE_H_
