#include "subscription.h"

#include "base/run_blocking.h"
#include "query.h"

namespace ledger::server::internal {
namespace {

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(std::move(part));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool AnyPrefix(const std::vector<std::string>& prefixes, const std::string& value) {
  if (prefixes.empty()) return true;
  for (const auto& p : prefixes) {
    if (value.starts_with(p)) return true;
  }
  return false;
}

// A disk read's outcome in a default-constructible shape (RunBlocking's rule).
struct DiskBatch {
  Status status;
  std::vector<EntryPtr> entries;
};

}  // namespace

bool ValidGroupName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<SubscriptionSpec> ParseSubscriptionParams(const std::map<std::string, std::string>& params,
                                                 std::chrono::milliseconds default_heartbeat) {
  SubscriptionSpec spec;
  spec.from = 0;
  spec.heartbeat = default_heartbeat;
  for (const auto& [name, value] : params) {
    if (name == "from") {
      if (value == "end") {
        spec.from.reset();
      } else {
        auto v = ParseDecimal(value);
        if (!v.ok()) {
          return Status::InvalidArgument("from must be a position or \"end\", got \"" + value +
                                         "\"");
        }
        spec.from = *v;
      }
    } else if (name == "types") {
      spec.type_prefixes = SplitCommas(value);
    } else if (name == "streams") {
      spec.stream_prefixes = SplitCommas(value);
    } else if (name == "group") {
      if (!ValidGroupName(value)) {
        return Status::InvalidArgument("group must be 1-64 characters of [A-Za-z0-9._-]");
      }
      spec.group = value;
    } else if (name == "heartbeat_ms") {
      auto v = ParseDecimal(value);
      if (!v.ok() || *v < 100 || *v > 60000) {
        return Status::InvalidArgument("heartbeat_ms must be 100 to 60000");
      }
      spec.heartbeat = std::chrono::milliseconds(*v);
    } else if (name == "token") {
      // Not accepted in the URL (it would end up in logs); named so the error is clear.
      return Status::InvalidArgument("send the token in the Authorization header, not the URL");
    } else {
      return Status::InvalidArgument("unknown parameter \"" + name + "\"");
    }
  }
  return spec;
}

net::asio::awaitable<void> RunSubscription(SubscriptionContext ctx, const Principal& principal,
                                           const SubscriptionSpec& spec, uint64_t start,
                                           EventSink& sink, std::shared_ptr<Waiter> waiter,
                                           SessionRevocation& revocation) {
  revocation.Watch(principal);
  revocation.set_interrupt_reads(false);  // the transport's reader takes the client's messages
  revocation.set_waiter(waiter);
  uint64_t pos = start;
  waiter->position = pos;
  ctx.hub.Register(waiter);
  bool caught_up = false;
  auto last_sent = std::chrono::steady_clock::now();
  auto visible = [&](const DeliveredEntry& e) {
    return AnyPrefix(spec.type_prefixes, e.type) && AnyPrefix(spec.stream_prefixes, e.stream) &&
           StreamVisible(principal, e.stream, ctx.offices);
  };
  for (;;) {
    if (ctx.hub.closing()) {
      // Unregistered first: a stop waits for subscribers, not for their peers' close replies.
      ctx.hub.Unregister(waiter);
      co_await sink.SendEnd(pos, "shutdown", "");
      co_return;
    }
    if (revocation.revoked()) {
      // Checked before anything else is sent: nothing reaches the peer after the revocation
      // is seen, and it learns why.
      ctx.hub.Unregister(waiter);
      co_await sink.SendEnd(pos, "revoked", revocation.why());
      co_return;
    }
    if (sink.peer_closed()) break;
    const bool replied = co_await sink.SendQueued();
    if (!replied) break;
    const uint64_t end = ctx.hub.delivered_end();
    if (pos < end) {
      std::vector<EntryPtr> batch;
      if (!ctx.hub.Take(pos, spec.max_batch, &batch)) {
        // Behind the cache: read from disk, off the network thread.
        auto read = [&ledger = ctx.ledger, pos, end, max = spec.max_batch]() {
          DiskBatch out;
          auto r = ReadFromDisk(ledger, pos, end, max);
          if (r.ok())
            out.entries = std::move(r).value();
          else
            out.status = r.status();
          return out;
        };
        DiskBatch disk = co_await RunBlocking(ctx.pool, std::move(read));
        if (!disk.status.ok() || disk.entries.empty()) {
          co_await sink.SendEnd(pos, "error", "the log could not be read");
          break;
        }
        batch = std::move(disk.entries);
      }
      // Invariant: batch holds seqs pos, pos+1, ... without gaps (cache and disk both do).
      const uint64_t next = pos + batch.size();
      std::vector<EntryPtr> shown;
      shown.reserve(batch.size());
      for (auto& e : batch) {
        if (visible(*e)) shown.push_back(std::move(e));
      }
      // Every entry of [pos, next) shown: the same message as every other subscriber's here.
      const bool whole_range = shown.size() == batch.size();
      if (!shown.empty()) {
        const bool sent = co_await sink.SendEntries(shown, next, whole_range);
        if (!sent) break;
        last_sent = std::chrono::steady_clock::now();
      }
      pos = next;
      waiter->position = pos;
    } else if (!caught_up) {
      // "Caught up" means with every acknowledged entry, not with what the hub has delivered so
      // far: if the tail thread is behind the ledger, nudge it and look again shortly.
      const uint64_t durable = ctx.ledger.log().Size();
      if (durable > pos) {
        ctx.hub.NotifyDurable(durable);
        co_await waiter->Wait(std::chrono::milliseconds(5));
        continue;
      }
      const bool sent = co_await sink.SendCaughtUp(pos);
      if (!sent) break;
      caught_up = true;
      last_sent = std::chrono::steady_clock::now();
      continue;
    } else {
      const auto since = std::chrono::steady_clock::now() - last_sent;
      if (since < spec.heartbeat) {
        co_await waiter->Wait(
            std::chrono::duration_cast<std::chrono::milliseconds>(spec.heartbeat - since));
        continue;
      }
    }
    if (std::chrono::steady_clock::now() - last_sent >= spec.heartbeat) {
      const bool sent = co_await sink.SendHeartbeat(pos, ctx.hub.end());
      if (!sent) break;
      last_sent = std::chrono::steady_clock::now();
    }
  }
  ctx.hub.Unregister(waiter);
}

}  // namespace ledger::server::internal
