#include "bench_replicate_fanout.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "base/mutex.h"
#include "bench_common.h"
#include "bench_paced_appends.h"
#include "bench_scratch_server.h"
#include "bench_signed_events.h"
#include "bench_websocket_subscribers.h"
#include "ledger/entry_reader.h"
#include "ledger/ledger.h"
#include "ledger/time_format.h"
#include "replication/entries_consumers.h"
#include "replication/publisher.h"

namespace ledger::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What one JetStream consumer received of the measured entries (seq >= first). Written on its
// delivery thread, read by the phase while it waits and after the consumers are gone.
class ConsumerTally {
 public:
  void Add(const replication::EntriesDelivery& d, uint64_t first) LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    for (size_t i = 0; i < d.entries.size(); ++i) {
      const uint64_t seq = d.first_seq + i;
      if (seq < first) continue;
      ++entries_;
      if (seq % kDeliveryLagSampleEvery != 0) continue;
      EntryFields fields;
      if (!reader_.Read(seq, d.entries[i], &fields).ok()) {
        ++undecodable_;
        continue;
      }
      lags_ms_.push_back(static_cast<double>(d.received_us - fields.recorded_at_us) / 1000.0);
    }
  }
  uint64_t entries() const LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return entries_;
  }
  uint64_t undecodable() const LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return undecodable_;
  }
  void AppendLags(std::vector<double>* out) const LEDGER_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    out->insert(out->end(), lags_ms_.begin(), lags_ms_.end());
  }

 private:
  mutable Mutex mu_;
  EntryReader reader_ LEDGER_GUARDED_BY(mu_);
  uint64_t entries_ LEDGER_GUARDED_BY(mu_) = 0;
  uint64_t undecodable_ LEDGER_GUARDED_BY(mu_) = 0;
  std::vector<double> lags_ms_ LEDGER_GUARDED_BY(mu_);
};

uint64_t TotalEntries(const std::vector<std::unique_ptr<ConsumerTally>>& tallies) {
  uint64_t total = 0;
  for (const auto& t : tallies) total += t->entries();
  return total;
}

void SayFanoutProgress(const std::string& line) {
  if (StderrIsTerminal()) fmt::print(stderr, "  fan-out: {}\n", line);
}

// The JetStream side: consumers created, events appended, the consumers read until they hold
// every event or nothing more arrives for 2 s, then deleted.
Result<DeliveryFigures> MeasureJetStream(const FanoutOptions& o, const BenchServerTarget& t,
                                         Ledger& ledger, uint64_t* malformed) {
  const size_t n = static_cast<size_t>(o.rate * o.seconds);
  const auto bodies = SignBenchEventBodies(*t.key, n, "bj-" + NewEventId() + "-");
  // Invariant: nothing is appended from here until PacedHttpAppends, so `first` is the seq of
  // the first measured event and every consumer, created after it, starts before it.
  const uint64_t first = ledger.log().Size();
  std::vector<std::unique_ptr<ConsumerTally>> tallies;
  for (int i = 0; i < o.receivers; ++i) tallies.push_back(std::make_unique<ConsumerTally>());
  replication::EntriesConsumersOptions co;
  co.nats_urls = o.nats_urls;
  co.stream = o.stream;
  co.consumers = o.receivers;
  co.durable_prefix = "fanout";
  co.consumers_per_connection = 100;
  co.delivery_threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  SayFanoutProgress(fmt::format("creating {} JetStream consumers...", o.receivers));
  LEDGER_ASSIGN_OR_RETURN(auto consumers,
                          replication::EntriesConsumers::Start(
                              co, [&tallies, first](const replication::EntriesDelivery& d) {
                                tallies[static_cast<size_t>(d.consumer)]->Add(d, first);
                              }));
  std::this_thread::sleep_for(milliseconds(500));
  SayFanoutProgress(fmt::format("appending {} events at {:.0f}/s...", n, o.rate));
  PacedHttpAppends(t, bodies, o.rate);
  const uint64_t end = ledger.log().Size();
  const uint64_t expected = (end - first) * static_cast<uint64_t>(o.receivers);
  uint64_t seen = TotalEntries(tallies);
  auto last_progress = Clock::now();
  const auto give_up = Clock::now() + std::chrono::seconds(60);
  while (seen < expected && Clock::now() - last_progress < std::chrono::seconds(2) &&
         Clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(50));
    const uint64_t now_seen = TotalEntries(tallies);
    if (now_seen > seen) last_progress = Clock::now();
    seen = now_seen;
  }
  SayFanoutProgress("deleting the consumers...");
  *malformed = consumers->malformed();
  consumers.reset();
  DeliveryFigures f;
  f.receivers = o.receivers;
  f.events = end - first;
  std::vector<double> lags;
  for (const auto& tally : tallies) {
    if (tally->entries() >= f.events) ++f.receivers_complete;
    *malformed += tally->undecodable();
    tally->AppendLags(&lags);
  }
  SetDeliveryLags(lags, &f);
  return f;
}

}  // namespace

Result<FanoutFigures> RunFanoutPhase(const FanoutOptions& o) {
  RaiseOpenFileLimit();
  LEDGER_ASSIGN_OR_RETURN(auto scratch, StartScratchServer(o.dir, {}));
  replication::PublisherOptions po;
  po.nats_urls = o.nats_urls;
  po.stream = o.stream;
  LEDGER_ASSIGN_OR_RETURN(auto publisher, replication::Publisher::Start(scratch.server->ledger(),
                                                                        scratch.ledger_key, po));
  // The stream holds the ledger's first entries before any consumer is created (they deliver
  // only what comes after).
  if (!publisher->Drain(std::chrono::seconds(30))) {
    return Status::Unavailable("the publisher did not reach NATS at " + o.nats_urls +
                               " within 30 s");
  }
  FanoutFigures f;
  LEDGER_ASSIGN_OR_RETURN(f.jetstream, MeasureJetStream(o, scratch.target, scratch.server->ledger(),
                                                        &f.malformed_messages));
  SayFanoutProgress(fmt::format("{} WebSocket subscribers, {} events at {:.0f}/s...", o.receivers,
                                static_cast<size_t>(o.rate * o.seconds), o.rate));
  f.websocket = RunWebSocketSubscribers(scratch.target, o.receivers, o.rate, o.seconds).delivery;
  publisher->Stop();
  scratch.server->Stop();
  return f;
}

FanoutFigures CombineFanoutRuns(const std::vector<FanoutFigures>& runs) {
  auto combine = [&](DeliveryFigures FanoutFigures::*side) {
    DeliveryFigures out;
    std::vector<double> p50, p99, max, samples;
    bool first = true;
    for (const auto& r : runs) {
      const DeliveryFigures& d = r.*side;
      p50.push_back(d.lag_p50_ms);
      p99.push_back(d.lag_p99_ms);
      max.push_back(d.lag_max_ms);
      samples.push_back(static_cast<double>(d.lag_samples));
      out.receivers = d.receivers;
      out.receivers_complete =
          first ? d.receivers_complete : std::min(out.receivers_complete, d.receivers_complete);
      out.events = first ? d.events : std::min(out.events, d.events);
      first = false;
    }
    out.lag_p50_ms = Median(p50);
    out.lag_p99_ms = Median(p99);
    out.lag_max_ms = Median(max);
    out.lag_samples = static_cast<size_t>(Median(samples));
    return out;
  };
  FanoutFigures f;
  f.jetstream = combine(&FanoutFigures::jetstream);
  f.websocket = combine(&FanoutFigures::websocket);
  for (const auto& r : runs) f.malformed_messages += r.malformed_messages;
  return f;
}

void AddFanoutRows(const FanoutOptions& o, const FanoutFigures& f, Table* table) {
  auto side = [&](const std::string& what, const DeliveryFigures& d) {
    table->AddRow(
        {fmt::format("{} {} at {:.0f} events/s: delivery lag p50 (ms)", o.receivers, what, o.rate),
         fmt::format("{:.1f}", d.lag_p50_ms)});
    table->AddRow({"  delivery lag p99 / max (ms)",
                   fmt::format("{:.1f} / {:.1f}", d.lag_p99_ms, d.lag_max_ms)});
    table->AddRow({fmt::format("  {} that received all {} events (fewest in a run)", what,
                               Thousands(d.events)),
                   fmt::format("{} of {}", d.receivers_complete, d.receivers)});
  };
  side("JetStream consumers", f.jetstream);
  side("WebSocket subscribers", f.websocket);
}

nlohmann::ordered_json FanoutJson(const FanoutOptions& o, const FanoutFigures& f) {
  auto side = [](const DeliveryFigures& d) {
    nlohmann::ordered_json j;
    j["receivers"] = d.receivers;
    j["receivers_complete"] = d.receivers_complete;
    j["events"] = d.events;
    j["lag_p50_ms"] = d.lag_p50_ms;
    j["lag_p99_ms"] = d.lag_p99_ms;
    j["lag_max_ms"] = d.lag_max_ms;
    j["lag_samples"] = d.lag_samples;
    return j;
  };
  nlohmann::ordered_json j;
  j["receivers"] = o.receivers;
  j["rate"] = o.rate;
  j["seconds"] = o.seconds;
  j["jetstream"] = side(f.jetstream);
  j["websocket"] = side(f.websocket);
  j["malformed_messages"] = f.malformed_messages;
  return j;
}

}  // namespace ledger::cli
