#include "report_pool.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <thread>

namespace ledger::server::internal {

bool IsHeavyRequest(std::string_view method, std::string_view path) {
  if (method == "GET") {
    return path == "/v1/reports/caseload" || path == "/v1/reports/outcomes" ||
           path == "/v1/reports/compliance";
  }
  if (method == "POST") {
    return path == "/v1/admin/backup" ||
           (path.starts_with("/v1/releases/") && path.ends_with("/export"));
  }
  return false;
}

int DefaultReportThreads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
}

ReportPool::ReportPool(int threads, size_t max_queued, Metrics* metrics)
    : threads_(threads),
      max_queued_(max_queued),
      metrics_(metrics),
      pool_(static_cast<size_t>(threads)) {
  assert(threads >= 1);  // Invariant: Server::Start refuses fewer
}

ReportPool::Ticket ReportPool::TryAdmit() {
  const size_t limit = static_cast<size_t>(threads_) + max_queued_;
  size_t n = admitted_.load();
  do {
    if (n >= limit) return Ticket();
  } while (!admitted_.compare_exchange_weak(n, n + 1));
  if (metrics_ != nullptr) metrics_->HeavyAdmitted();
  return Ticket(this);
}

Reply ReportPool::BusyReply() const {
  Reply r = ErrorReply(503, "busy",
                       "heavy requests (reports, release exports, backups) are at their limit of " +
                           std::to_string(threads_) + " running and " +
                           std::to_string(max_queued_) + " waiting; retry after 1 s");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace ledger::server::internal
