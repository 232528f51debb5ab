#include "metrics.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "base/mutex.h"

namespace ledger::server::internal {

void Metrics::RequestServed(unsigned http_status) {
  const unsigned cls = http_status / 100;
  requests_[cls >= 1 && cls <= 5 ? cls : 0].fetch_add(1);
}

void Metrics::AppendDone(uint64_t events_appended, uint64_t events_refused, double seconds) {
  append_requests_.fetch_add(1);
  events_appended_.fetch_add(events_appended);
  events_refused_.fetch_add(events_refused);
  size_t b = 0;
  while (b < kLatencyBuckets.size() && seconds > kLatencyBuckets[b]) ++b;
  latency_counts_[b].fetch_add(1);
  latency_sum_us_.fetch_add(static_cast<uint64_t>(seconds * 1e6));
}

void Metrics::Error(std::string_view code) {
  MutexLock lock(errors_mu_);
  auto it = errors_.find(code);
  if (it == errors_.end()) it = errors_.emplace(std::string(code), 0).first;
  ++it->second;
}

namespace {

// Resident set size of this process (Linux /proc), 0 if unknown.
uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

std::string Metrics::Render(const Gauges& g) const {
  std::string out;
  out += "# HELP process_resident_memory_bytes Resident memory of the server process.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  out += fmt::format("process_resident_memory_bytes {}\n", ResidentBytes());
  out += "# HELP ledger_http_requests_total HTTP requests answered, by status class.\n";
  out += "# TYPE ledger_http_requests_total counter\n";
  static constexpr const char* kClasses[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (int i = 0; i < 6; ++i) {
    out += fmt::format("ledger_http_requests_total{{class=\"{}\"}} {}\n", kClasses[i],
                       requests_[i].load());
  }
  out += "# HELP ledger_append_requests_total Append requests (one event or one batch).\n";
  out += "# TYPE ledger_append_requests_total counter\n";
  out += fmt::format("ledger_append_requests_total {}\n", append_requests_.load());
  out += "# HELP ledger_events_appended_total Events acknowledged (duplicates included).\n";
  out += "# TYPE ledger_events_appended_total counter\n";
  out += fmt::format("ledger_events_appended_total {}\n", events_appended_.load());
  out += "# HELP ledger_events_refused_total Events refused by the ledger.\n";
  out += "# TYPE ledger_events_refused_total counter\n";
  out += fmt::format("ledger_events_refused_total {}\n", events_refused_.load());
  out += "# HELP ledger_append_latency_seconds Time from request to durable acknowledgement.\n";
  out += "# TYPE ledger_append_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b < kLatencyBuckets.size(); ++b) {
    cumulative += latency_counts_[b].load();
    out += fmt::format("ledger_append_latency_seconds_bucket{{le=\"{}\"}} {}\n", kLatencyBuckets[b],
                       cumulative);
  }
  cumulative += latency_counts_[kLatencyBuckets.size()].load();
  out += fmt::format("ledger_append_latency_seconds_bucket{{le=\"+Inf\"}} {}\n", cumulative);
  out += fmt::format("ledger_append_latency_seconds_sum {:.6f}\n",
                     static_cast<double>(latency_sum_us_.load()) / 1e6);
  out += fmt::format("ledger_append_latency_seconds_count {}\n", cumulative);
  out += "# HELP ledger_log_size Entries in the log (durable).\n";
  out += "# TYPE ledger_log_size gauge\n";
  out += fmt::format("ledger_log_size {}\n", g.log_size);
  out +=
      "# HELP ledger_erasure_purges_pending Shreddings whose deleted values may still be in "
      "the data directory's files.\n";
  out += "# TYPE ledger_erasure_purges_pending gauge\n";
  out += fmt::format("ledger_erasure_purges_pending {}\n", g.erasure_purges_pending);
  out +=
      "# HELP ledger_erasure_purge_failing 1 while the last erasure purge failed (it is "
      "retried).\n";
  out += "# TYPE ledger_erasure_purge_failing gauge\n";
  out += fmt::format("ledger_erasure_purge_failing {}\n", g.erasure_purge_failing ? 1 : 0);
  out += "# HELP ledger_subscribers Live subscriptions (all transports).\n";
  out += "# TYPE ledger_subscribers gauge\n";
  out += fmt::format("ledger_subscribers {}\n", g.subscribers);
  out +=
      "# HELP ledger_subscriber_max_lag_entries Entries the furthest-behind subscriber has "
      "yet to consider.\n";
  out += "# TYPE ledger_subscriber_max_lag_entries gauge\n";
  out += fmt::format("ledger_subscriber_max_lag_entries {}\n", g.max_subscriber_lag);
  out += "# HELP ledger_delivery_rounds_total Times new entries were offered to all subscribers.\n";
  out += "# TYPE ledger_delivery_rounds_total counter\n";
  out += fmt::format("ledger_delivery_rounds_total {}\n", g.delivery_rounds);
  out += "# HELP ledger_entries_delivered_total Entries sent to subscribers.\n";
  out += "# TYPE ledger_entries_delivered_total counter\n";
  out += fmt::format("ledger_entries_delivered_total {}\n", delivered_.load());
  out += "# HELP ledger_delivery_messages_total Messages carrying entries sent to subscribers.\n";
  out += "# TYPE ledger_delivery_messages_total counter\n";
  out += fmt::format("ledger_delivery_messages_total {}\n", delivery_messages_.load());
  out += "# HELP ledger_connections Open connections (HTTP and binary).\n";
  out += "# TYPE ledger_connections gauge\n";
  out += fmt::format("ledger_connections {}\n", connections_.load());
  out +=
      "# HELP ledger_heavy_requests Reports, release exports and backups running or waiting "
      "for a report thread.\n";
  out += "# TYPE ledger_heavy_requests gauge\n";
  out += fmt::format("ledger_heavy_requests {}\n", heavy_.load());
  out += "# HELP ledger_binary_frames_refused_total Binary frames refused as malformed.\n";
  out += "# TYPE ledger_binary_frames_refused_total counter\n";
  out += fmt::format("ledger_binary_frames_refused_total {}\n", frames_refused_.load());
  out += "# HELP ledger_errors_total Error replies, by error code.\n";
  out += "# TYPE ledger_errors_total counter\n";
  MutexLock lock(errors_mu_);
  for (const auto& [code, n] : errors_) {
    out += fmt::format("ledger_errors_total{{code=\"{}\"}} {}\n", code, n);
  }
  return out;
}

}  // namespace ledger::server::internal
