// Per-token request rate: a token bucket per token id.
#ifndef SERVER_SRC_RATE_LIMITER_H_
#define SERVER_SRC_RATE_LIMITER_H_

#include <chrono>
#include <string>
#include <unordered_map>

#include "base/mutex.h"

namespace ledger::server::internal {

class RateLimiter {
 public:
  // `per_second` tokens refill each second up to `burst`. per_second <= 0 disables the limit.
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}

  // Takes `cost` from `key`'s bucket. False (and nothing taken) if there is not enough; then
  // *retry_after_s is the whole seconds until there will be.
  bool Allow(const std::string& key, double cost, int* retry_after_s) LEDGER_EXCLUDES(mu_);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  const double rate_, burst_;
  Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ LEDGER_GUARDED_BY(mu_);
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_RATE_LIMITER_H_
