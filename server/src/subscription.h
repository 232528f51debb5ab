// One subscription, whatever carries it (server-sent events, WebSocket, the binary protocol):
// from a start position, catch up from the hub's cache or from disk, send "caught up" once at
// the end of the log, then live entries as they become durable, with heartbeats carrying the
// position while nothing is sent.
//
// Positions: a position is the seq of the next entry the subscription will consider. Every
// message carries the position to resume from; entries the filters or the caller's scope
// exclude are passed over (and counted in the position), so a resumed subscription neither
// repeats nor skips anything.
#ifndef SERVER_SRC_SUBSCRIPTION_H_
#define SERVER_SRC_SUBSCRIPTION_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth.h"
#include "hub.h"
#include "ledger/ledger.h"
#include "net.h"
#include "session_revocation.h"

namespace ledger::server::internal {

class Metrics;

struct SubscriptionSpec {
  std::optional<uint64_t> from;              // nullopt: the end of the log
  std::vector<std::string> type_prefixes;    // empty: every type
  std::vector<std::string> stream_prefixes;  // empty: every stream (within the caller's scope)
  std::string group;  // a consumer group: start from its checkpoint if it has one
  std::chrono::milliseconds heartbeat{5000};
  size_t max_batch = 256;
};

// From query parameters: from=<seq>|end (default 0), types=a.,b (comma-separated prefixes),
// streams=case/ (idem), group=<name>, heartbeat_ms=<100..60000>. InvalidArgument naming the
// parameter otherwise.
Result<SubscriptionSpec> ParseSubscriptionParams(const std::map<std::string, std::string>& params,
                                                 std::chrono::milliseconds default_heartbeat);

// A consumer group name: 1-64 characters of [A-Za-z0-9._-].
bool ValidGroupName(std::string_view name);

class EventSink {
 public:
  virtual ~EventSink() = default;
  // `next` is the position after the entries. `whole_range`: they are every entry of
  // [entries.front()->seq, next), so their rendering is the same for every subscriber sending
  // that range and may be shared (Hub::Rendered). False if the peer is gone.
  virtual net::asio::awaitable<bool> SendEntries(const std::vector<EntryPtr>& entries,
                                                 uint64_t next, bool whole_range) = 0;
  virtual net::asio::awaitable<bool> SendCaughtUp(uint64_t position) = 0;
  virtual net::asio::awaitable<bool> SendHeartbeat(uint64_t position, uint64_t head) = 0;
  // The last message: the position to resume from, why it ends ("shutdown", "error",
  // "revoked") and, for people, more on why (may be empty).
  virtual net::asio::awaitable<void> SendEnd(uint64_t position, std::string_view reason,
                                             std::string_view message) = 0;
  // Writes what the transport queued for the peer on its own (a WebSocket's replies to the
  // client's messages) now rather than with the next entries or heartbeat. False if the peer
  // is gone.
  virtual net::asio::awaitable<bool> SendQueued() { co_return true; }
  // True once the peer closed its side (set by the transport's reader, if it has one).
  virtual bool peer_closed() const = 0;
};

struct SubscriptionContext {
  Hub& hub;
  Ledger& ledger;
  net::asio::thread_pool& pool;  // disk reads
  OfficeIndex& offices;
};

// Runs until the peer goes away, the hub closes or the credentials are revoked (`revocation`,
// which this wires to `waiter`; then the last message is "revoked" with why). `waiter` lives on
// the caller's strand.
net::asio::awaitable<void> RunSubscription(SubscriptionContext ctx, const Principal& principal,
                                           const SubscriptionSpec& spec, uint64_t start,
                                           EventSink& sink, std::shared_ptr<Waiter> waiter,
                                           SessionRevocation& revocation);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_SUBSCRIPTION_H_
