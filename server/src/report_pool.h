// Heavy requests on their own bounded pool (issue 14): a report replays the whole log, a release
// export replays and writes a release, an online backup copies the data directory. Run on the
// worker pool, 64 concurrent compliance reports took its threads and delayed appends and reads
// by up to 1.8 s; on this pool they take `report_threads` threads at most, wait in a bounded
// queue beyond that, and are refused (503 busy) beyond the queue, while appends and reads keep
// the worker pool to themselves.
#ifndef SERVER_SRC_REPORT_POOL_H_
#define SERVER_SRC_REPORT_POOL_H_

#include <atomic>
#include <cstddef>
#include <string_view>

#include "metrics.h"
#include "net.h"
#include "reply.h"

namespace ledger::server::internal {

// Whether `method` `path` is a heavy request: GET /v1/reports/{caseload,outcomes,compliance},
// POST /v1/releases/<id>/export, POST /v1/admin/backup. (Other methods on those paths are
// answered 405 at once, on the worker pool.)
bool IsHeavyRequest(std::string_view method, std::string_view path);

// The default of ServerOptions::report_threads (0): half the cores, at least one, so that heavy
// requests leave cores to appends and reads.
int DefaultReportThreads();

// A thread pool that admits at most threads + max_queued requests (running or waiting).
// Thread-safe.
class ReportPool {
 public:
  // REQUIRES: threads >= 1. `metrics` (may be null; else outlives the pool) gets the count of
  // requests running or waiting (ledger_heavy_requests).
  ReportPool(int threads, size_t max_queued, Metrics* metrics = nullptr);
  ReportPool(const ReportPool&) = delete;
  ReportPool& operator=(const ReportPool&) = delete;

  // A place in the pool: held from admission until the request's answer is back, so requests
  // running and waiting are counted. Empty (false) when the pool was full.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(ReportPool* pool) : pool_(pool) {}
    Ticket(Ticket&& other) noexcept : pool_(other.pool_) { other.pool_ = nullptr; }
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (pool_ != nullptr) pool_->Release();
    }
    explicit operator bool() const { return pool_ != nullptr; }

   private:
    ReportPool* pool_ = nullptr;
  };
  Ticket TryAdmit();

  // 503 busy, Retry-After: 1, naming the limits: for a request TryAdmit refused.
  Reply BusyReply() const;

  net::asio::thread_pool& pool() { return pool_; }
  int threads() const { return threads_; }
  size_t max_queued() const { return max_queued_; }
  size_t admitted() const { return admitted_.load(); }
  void Join() { pool_.join(); }

 private:
  void Release() {
    admitted_.fetch_sub(1);
    if (metrics_ != nullptr) metrics_->HeavyDone();
  }

  const int threads_;
  const size_t max_queued_;
  Metrics* const metrics_;
  std::atomic<size_t> admitted_{0};  // requests running or waiting (Tickets alive)
  net::asio::thread_pool pool_;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_REPORT_POOL_H_
